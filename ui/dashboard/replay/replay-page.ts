// The replay page (/replay?id=…), the one bundle that holds rrweb's replayer: loaded only when an
// agent opens a recording, inside an iframe of the visitor card. It has a policy of its own
// (server/http/recordings.ts): the replayed page's styles are inline, which the dashboard's
// policy forbids. Controls: play/pause, speed, skip inactivity, a timeline with the page changes
// and the conversation's messages as markers (a click jumps there), the messages beside the
// replay in its time, and the live view that follows a visitor still on the site.
import { LitElement, html, nothing } from 'lit'
import { Replayer } from '@rrweb/replay'
import rrwebStyle from '@rrweb/replay/dist/style.css' with { type: 'text' }
import { REPLAY_CATALOGS } from './replay.i18n.ts'
import { isLanguage, pickLanguage, translator, type Language } from '../../shared/i18n.ts'
import { restoreStyles } from '../../shared/recording-styles.ts'
import { clockTime } from '../format.ts'
import { replayStyle } from './replay.styles.ts'
import { REPLAY_ESCAPE } from './escape.ts'

type RrEvent = { type: number; timestamp: number; data: Record<string, unknown> }
interface Recording {
  id: string
  startedAt: string
  endedAt: string
  status: 'live' | 'saved'
}
interface ChatMark {
  id: string
  authorType: string
  authorName: string | null
  body: string
  at: number
}
interface PageMark {
  at: number
  href: string
}

/** The live view follows this far behind the visitor: chunks leave the browser every 5 s. */
const LIVE_DELAY_MS = 8_000
/** How often the live view checks without a push (a missed push, the visitor having left). */
const CHECK_MS = 30_000
const SPEEDS = [1, 2, 4, 8]
/** How far an arrow key moves along the timeline. */
const SEEK_STEP_MS = 5_000

const params = new URLSearchParams(location.search)
const lang: Language = isLanguage(params.get('lang')) ? (params.get('lang') as Language) : pickLanguage(navigator.languages)
const t = translator(REPLAY_CATALOGS, lang)
document.documentElement.lang = lang

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } })
  if (!res.ok) throw new Error(`${path}: ${res.status}`)
  return (await res.json()) as T
}

function pagesOf(events: RrEvent[]): PageMark[] {
  const out: PageMark[] = []
  for (const e of events) {
    if (e.type === 4 && typeof e.data.href === 'string') out.push({ at: e.timestamp, href: e.data.href })
    else if (e.type === 5 && e.data.tag === 'parley.page') {
      const href = (e.data.payload as { href?: unknown } | undefined)?.href
      if (typeof href === 'string') out.push({ at: e.timestamp, href })
    }
  }
  return out
}

const pathOf = (href: string) => {
  try {
    const u = new URL(href)
    return u.pathname + u.search
  } catch {
    return href
  }
}

export class ParleyReplay extends LitElement {
  static override properties = {
    state: { state: true },
    playing: { state: true },
    speed: { state: true },
    skipInactive: { state: true },
    now: { state: true },
    total: { state: true },
    live: { state: true },
    messages: { state: true },
    pages: { state: true },
  }

  declare state: 'loading' | 'ready' | 'empty' | 'failed'
  declare playing: boolean
  declare speed: number
  declare skipInactive: boolean
  /** Milliseconds since the recording's start, where the replay is. */
  declare now: number
  declare total: number
  declare live: boolean
  declare messages: ChatMark[]
  declare pages: PageMark[]

  private replayer: Replayer | null = null
  private start = 0
  private lastSeq = -1
  private events: RrEvent[] = []
  /** Stylesheets seen so far, for the references to them in later events (recording-styles.ts). */
  private readonly styles = new Map<string, string | { rule: string }[]>()
  private frame = 0
  private stream: EventSource | null = null
  private check: ReturnType<typeof setInterval> | undefined
  private readonly recordingId = params.get('id') ?? ''

  constructor() {
    super()
    this.state = 'loading'
    this.playing = false
    this.speed = 1
    this.skipInactive = true
    this.now = 0
    this.total = 0
    this.live = false
    this.messages = []
    this.pages = []
  }

  // Light DOM: rrweb's own style sheet (cursor, wrapper) applies to the replayer's elements.
  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
    addEventListener('resize', this.fit)
    addEventListener('keydown', this.onEscape)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    cancelAnimationFrame(this.frame)
    this.unfollow()
    removeEventListener('resize', this.fit)
    removeEventListener('keydown', this.onEscape)
    this.replayer?.destroy()
  }

  private async load(): Promise<void> {
    try {
      const [data, messages] = await Promise.all([
        getJson<{ recording: Recording; lastSeq: number; events: RrEvent[] }>(`/api/recordings/${encodeURIComponent(this.recordingId)}/events?afterSeq=-1`),
        getJson<ChatMark[]>(`/api/recordings/${encodeURIComponent(this.recordingId)}/messages`),
      ])
      this.messages = messages
      this.lastSeq = data.lastSeq
      restoreStyles(data.events, this.styles)
      this.events = data.events
      if (this.events.length < 2) {
        this.state = 'empty'
        if (data.recording.status === 'live') this.follow()
        return
      }
      this.state = 'ready'
      await this.updateComplete
      this.mount(data.recording.status === 'live')
    } catch {
      this.state = 'failed'
    }
  }

  private mount(live: boolean): void {
    const root = this.querySelector<HTMLElement>('.stage')!
    this.pages = pagesOf(this.events)
    this.start = this.events[0]!.timestamp
    this.live = live
    if (live) {
      const r = new Replayer([], { root, liveMode: true, useVirtualDom: false, showWarning: false, mouseTail: false, UNSAFE_replayCanvas: false, triggerFocus: false })
      this.replayer = r
      r.startLive(Date.now() - LIVE_DELAY_MS)
      for (const e of this.events) r.addEvent(e as never)
      this.playing = true
      this.follow()
    } else {
      const r = new Replayer(this.events as never, {
        root,
        skipInactive: this.skipInactive,
        speed: this.speed,
        showWarning: false,
        mouseTail: false,
        UNSAFE_replayCanvas: false,
        triggerFocus: false,
      })
      this.replayer = r
      this.total = r.getMetaData().totalTime
      r.on('finish', () => (this.playing = false))
      r.play(0)
      this.playing = true
    }
    // The recorded page is a picture of the visit, not a page to use: its links and buttons are
    // no tab stops (the stage is inert), and its frame has a name.
    this.replayer!.iframe.title = t('replay.recordedPage')
    this.replayer!.on('resize', () => this.fit())
    this.fit()
    const tick = () => {
      if (this.replayer) {
        this.now = this.live ? Math.max(0, Date.now() - LIVE_DELAY_MS - this.start) : this.replayer.getCurrentTime()
        if (this.live) this.total = this.now
      }
      this.frame = requestAnimationFrame(tick)
    }
    this.frame = requestAnimationFrame(tick)
  }

  /**
   * Live: the server pushes each stored chunk's seq (server-sent events), and the page fetches what
   * arrived since its last seq; a slow check also runs in case a push was missed, and learns when
   * the recording is saved (the visitor left).
   */
  private follow(): void {
    if (this.stream) return
    const stream = new EventSource(`/api/recordings/${encodeURIComponent(this.recordingId)}/live`)
    this.stream = stream
    // 'ready' comes on every (re)connection: what arrived while it was closed is fetched then.
    stream.addEventListener('ready', () => void this.fetchNew())
    stream.addEventListener('chunk', () => void this.fetchNew())
    this.check = setInterval(() => void this.fetchNew(), CHECK_MS)
  }

  private unfollow(): void {
    this.stream?.close()
    this.stream = null
    clearInterval(this.check)
  }

  private fetching: Promise<void> | null = null
  private again = false

  /** One fetch at a time; a push during a fetch makes one more fetch after it. */
  private async fetchNew(): Promise<void> {
    if (this.fetching) {
      this.again = true
      return this.fetching
    }
    this.fetching = (async () => {
      do {
        this.again = false
        await this.fetchOnce()
      } while (this.again && this.stream)
    })()
    try {
      await this.fetching
    } finally {
      this.fetching = null
    }
  }

  private async fetchOnce(): Promise<void> {
    try {
      const data = await getJson<{ recording: Recording; lastSeq: number; events: RrEvent[] }>(
        `/api/recordings/${encodeURIComponent(this.recordingId)}/events?afterSeq=${this.lastSeq}`,
      )
      if (data.lastSeq <= this.lastSeq && data.recording.status === 'live') return
      this.lastSeq = Math.max(this.lastSeq, data.lastSeq)
      if (data.events.length) {
        restoreStyles(data.events, this.styles)
        this.events.push(...data.events)
        if (this.replayer) {
          for (const e of data.events) this.replayer.addEvent(e as never)
          this.pages = pagesOf(this.events)
        } else if (this.events.length >= 2) {
          this.state = 'ready'
          await this.updateComplete
          this.mount(true)
        }
      }
      this.messages = await getJson<ChatMark[]>(`/api/recordings/${encodeURIComponent(this.recordingId)}/messages`)
      if (data.recording.status === 'saved') {
        this.live = false
        this.unfollow()
      }
    } catch {
      // A missed fetch is made good by the next push or check.
    }
  }

  /**
   * Escape pressed here never reaches the dashboard's dialog around this frame: tell it
   * (visitor-recordings.ts closes the dialog on this message from its own frame).
   */
  private onEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented || parent === window) return
    parent.postMessage({ type: REPLAY_ESCAPE }, location.origin)
  }

  /** The timeline's arrow keys move five seconds, as in a video player (its step is a millisecond). */
  private onTimelineKey(e: KeyboardEvent): void {
    const by = { ArrowLeft: -SEEK_STEP_MS, ArrowDown: -SEEK_STEP_MS, ArrowRight: SEEK_STEP_MS, ArrowUp: SEEK_STEP_MS }[e.key]
    if (by === undefined || this.live) return
    e.preventDefault()
    this.seek(this.now + by)
  }

  /** Scales the recorded viewport to the space the page has. */
  private fit = () => {
    const stage = this.querySelector<HTMLElement>('.stage')
    const wrapper = stage?.querySelector<HTMLElement>('.replayer-wrapper')
    const iframe = wrapper?.querySelector('iframe')
    if (!stage || !wrapper || !iframe) return
    const w = Number(iframe.getAttribute('width')) || iframe.offsetWidth
    const h = Number(iframe.getAttribute('height')) || iframe.offsetHeight
    if (!w || !h) return
    const scale = Math.min(stage.clientWidth / w, stage.clientHeight / h, 1)
    wrapper.style.transform = `scale(${scale})`
    wrapper.style.left = `${(stage.clientWidth - w * scale) / 2}px`
  }

  private toggle(): void {
    const r = this.replayer
    if (!r || this.live) return
    if (this.playing) r.pause()
    else r.play(this.now >= this.total ? 0 : r.getCurrentTime())
    this.playing = !this.playing
  }

  private seek(offset: number): void {
    const r = this.replayer
    if (!r || this.live) return
    const at = Math.max(0, Math.min(offset, this.total))
    if (this.playing) r.play(at)
    else r.pause(at)
    this.now = at
  }

  private setSpeed(speed: number): void {
    this.speed = speed
    this.replayer?.setConfig({ speed })
  }

  private setSkip(skip: boolean): void {
    this.skipInactive = skip
    this.replayer?.setConfig({ skipInactive: skip })
  }

  private pct(at: number): string {
    const span = Math.max(this.total, 1)
    return `${Math.min(100, Math.max(0, ((at - this.start) / span) * 100)).toFixed(2)}%`
  }

  private timeText(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000))
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
  }

  private who(m: ChatMark): string {
    return m.authorType === 'visitor' ? t('replay.visitor') : (m.authorName ?? t('replay.agent'))
  }

  override render() {
    // The frame is a page of its own: it opens with its own level-one heading.
    return html`<h1 class="sr-only">${t('replay.title')}</h1>${this.body()}`
  }

  private body() {
    if (this.state === 'loading') return html`<p class="note" role="status">${t('replay.loading')}</p>`
    if (this.state === 'failed') return html`<p class="note" role="alert">${t('replay.failed')}</p>`
    if (this.state === 'empty') return html`<p class="note" role="status">${t('replay.empty')}</p>`
    const at = this.start + this.now
    return html`
      <div class="layout">
        <div class="player">
          <div class="stage" inert></div>
          <div class="bar">
            ${this.live
              ? html`<span class="live-badge" data-live>${t('replay.live')}</span><span class="hint">${t('replay.behind')}</span>`
              : html`<button class="btn icon" data-action="play" @click=${() => this.toggle()} aria-label=${this.playing ? t('replay.pause') : t('replay.play')}>
                    ${this.playing ? html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 3h3v10H4zM9 3h3v10H9z" fill="currentColor"/></svg>` : html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.5v11l9-5.5z" fill="currentColor"/></svg>`}
                  </button>
                  <span class="time" data-time>${this.timeText(this.now)} / ${this.timeText(this.total)}</span>`}
            <div class="timeline" aria-label=${t('replay.timeline')}>
              <input type="range" min="0" max=${Math.max(this.total, 1)} .value=${String(Math.round(this.now))} ?disabled=${this.live}
                aria-label=${t('replay.timeline')} aria-valuetext=${this.timeText(this.now)}
                @keydown=${this.onTimelineKey} @input=${(e: Event) => this.seek(Number((e.target as HTMLInputElement).value))} />
              ${this.pages.map(
                (p) => html`<span class="mark page" style=${`left:${this.pct(p.at)}`} title=${`${t('replay.page')}: ${pathOf(p.href)}`} data-page-mark></span>`,
              )}
              ${this.messages.map(
                (m) => html`<button class="mark message ${m.authorType}" style=${`left:${this.pct(m.at)}`} title=${`${this.who(m)}: ${m.body}`}
                  aria-label=${`${t('replay.jump')}: ${this.who(m)}, ${clockTime(new Date(m.at).toISOString(), lang)}`} data-message-mark
                  @click=${() => this.seek(m.at - this.start)}></button>`,
              )}
            </div>
            ${this.live
              ? nothing
              : html`<label class="field">${t('replay.speed')}
                    <select @change=${(e: Event) => this.setSpeed(Number((e.target as HTMLSelectElement).value))}>
                      ${SPEEDS.map((s) => html`<option value=${s} ?selected=${s === this.speed}>${s}×</option>`)}
                    </select></label>
                  <label class="field"><input type="checkbox" .checked=${this.skipInactive} @change=${(e: Event) => this.setSkip((e.target as HTMLInputElement).checked)} />${t('replay.skipInactive')}</label>`}
          </div>
        </div>
        <aside aria-labelledby="chat-h">
          <h2 id="chat-h">${t('replay.messages')}</h2>
          ${this.messages.length === 0
            ? html`<p class="hint">${t('replay.noMessages')}</p>`
            : html`<ol>
                ${this.messages.map(
                  (m) => html`<li class=${`${m.authorType} ${m.at <= at ? 'said' : 'later'}`} data-message=${m.id}>
                    <button @click=${() => this.seek(m.at - this.start)} ?disabled=${this.live}>
                      <span class="meta"><strong>${this.who(m)}</strong> <time>${clockTime(new Date(m.at).toISOString(), lang)}</time></span>
                      <span class="body">${m.body}</span>
                    </button>
                  </li>`,
                )}
              </ol>`}
        </aside>
      </div>
    `
  }
}

customElements.define('parley-replay', ParleyReplay)

const style = document.createElement('style')
style.textContent = rrwebStyle + replayStyle
document.head.appendChild(style)
document.body.appendChild(document.createElement('parley-replay'))
