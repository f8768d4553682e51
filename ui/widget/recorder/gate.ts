// Decides whether this page is recorded and loads the recorder bundle only then, after the page
// is idle: the recorder (rrweb) is never on the page's critical path, and a page that must not be
// recorded never downloads it. Part of the chat bundle, so it stays small.

/** The owner's switches, as GET /api/widget/config gives them. */
/** The recorder bundle's content-hashed name, compiled in by scripts/build-ui.ts (cached for a year). */
declare const __PARLEY_ASSET_parley_recorder_js__: string | undefined
const RECORDER_FILE = typeof __PARLEY_ASSET_parley_recorder_js__ === 'string' ? __PARLEY_ASSET_parley_recorder_js__ : 'parley-recorder.js'

export interface RecordingSwitches {
  enabled: boolean
  requireConsent: boolean
  honorGpc: boolean
  recordMobile: boolean
  recordInputs: boolean
}

/** What the recorder bundle exports (ui/widget/recorder/recorder.ts). */
export interface RecorderModule {
  startRecorder(options: { base: string; token: () => Promise<string>; recordInputs: boolean }): { stop(): void }
}

/** `parley('recording:off')` is remembered for the whole site, until `parley('recording:on')`. */
const OFF_KEY = 'parley:recording-off'

export class RecordingGate {
  private switches: RecordingSwitches | null = null
  private disabledOnPage = false
  private consent = false
  private recorder: { stop(): void } | null = null
  private loading = false

  constructor(
    private base: string,
    private token: () => Promise<string>,
  ) {}

  /** The widget's config arrived (or arrived again). */
  configure(raw: unknown): void {
    const r = raw as Partial<RecordingSwitches> | null | undefined
    if (!r || typeof r !== 'object') return
    this.switches = {
      enabled: r.enabled === true,
      requireConsent: r.requireConsent !== false,
      honorGpc: r.honorGpc !== false,
      recordMobile: r.recordMobile !== false,
      recordInputs: r.recordInputs === true,
    }
    this.update()
  }

  /** The JS API: true when the command was one of the recording's. */
  command(cmd: string, arg: unknown): boolean {
    switch (cmd) {
      case 'recording:disable':
        this.disabledOnPage = true
        break
      case 'recording:off':
        try {
          localStorage.setItem(OFF_KEY, '1')
        } catch {}
        break
      case 'recording:on':
        try {
          localStorage.removeItem(OFF_KEY)
        } catch {}
        break
      case 'analyticsConsent':
        if (typeof arg !== 'boolean') console.warn(`[parley] parley('analyticsConsent', true | false)`)
        this.consent = arg === true
        break
      default:
        return false
    }
    this.update()
    return true
  }

  /** Whether this page may be recorded now, by every switch there is. */
  allowed(): boolean {
    const s = this.switches
    if (!s || !s.enabled || this.disabledOnPage) return false
    try {
      if (localStorage.getItem(OFF_KEY) === '1') return false
    } catch {}
    if (s.requireConsent && !this.consent) return false
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean; userAgentData?: { mobile?: boolean } }
    if (s.honorGpc && nav.globalPrivacyControl === true) return false
    const mobile = nav.userAgentData?.mobile ?? /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent)
    if (!s.recordMobile && mobile) return false
    return typeof CompressionStream === 'function'
  }

  private update(): void {
    if (!this.allowed()) {
      this.recorder?.stop()
      this.recorder = null
      return
    }
    if (this.recorder || this.loading) return
    this.loading = true
    const recordInputs = this.switches!.recordInputs
    const load = async () => {
      try {
        if (!this.allowed()) return
        const url = `${this.base}/assets/${RECORDER_FILE}`
        const mod = (await import(/* @vite-ignore */ url)) as RecorderModule
        // A switch may have turned while the bundle was on its way.
        if (this.allowed() && !this.recorder) this.recorder = mod.startRecorder({ base: this.base, token: this.token, recordInputs })
      } catch (error) {
        console.warn('[parley] the recorder did not load', error)
      } finally {
        this.loading = false
      }
    }
    // After the page has loaded and the browser is idle: never before the site's own work. A
    // recording already under way in this tab waits less, so a short page of the visit is not lost.
    let continuing = false
    try {
      continuing = sessionStorage.getItem('parley:recording') !== null
    } catch {}
    const idle = () => {
      const ric = (window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback
      if (ric) ric(() => void load(), { timeout: continuing ? 500 : 4000 })
      else setTimeout(() => void load(), continuing ? 200 : 1500)
    }
    if (document.readyState === 'complete') idle()
    else addEventListener('load', idle, { once: true })
  }
}
