// The chime of the widget and of the dashboard: two soft notes made with WebAudio, so no audio
// file ships. A browser lets a page start sound only once the person has clicked or typed in it,
// so the context is made in such a gesture (`unlock`); a chime before any gesture stays silent.
//
// Between chimes the context is suspended. A running AudioContext keeps the browser's audio
// thread rendering silence for as long as the page is open: all day in an agent's dashboard, and
// on a visitor's phone once they typed in the widget. In headless Chromium the two audio threads
// took 7 % of the machine's samples during a dashboard test file (docs/benchmarks.md, session 21).

/** How long after its last chime the context is suspended: the notes last about 0.4 s. */
export const SUSPEND_AFTER_MS = 1_000

type Ctor = typeof AudioContext

export class Chime {
  private ctx: AudioContext | null = null
  private rest: ReturnType<typeof setTimeout> | undefined

  /** Makes the context (in a click or a key press, where the browser allows it), suspended again a moment later. */
  unlock(): void {
    const ctx = this.context()
    if (ctx && ctx.state !== 'closed') this.suspendLater(ctx)
  }

  /**
   * Two notes, about a third of a second, as loud as `volume` (0–100) says. The context is made
   * here when no gesture made it before: it plays if the page has had one (a click led here).
   */
  play(volume: number): void {
    if (volume <= 0) return
    const ctx = this.context()
    if (!ctx || ctx.state === 'closed') return
    // Scheduled on the context's own clock, which stands still while it is suspended: the notes
    // sound once it runs again.
    if (ctx.state !== 'running') void ctx.resume().catch(() => {})
    const peak = Math.max(0.0002, 0.3 * (Math.min(100, volume) / 100))
    const start = ctx.currentTime + 0.01
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = freq
      const t0 = start + i * 0.12
      gain.gain.setValueAtTime(0.0001, t0)
      gain.gain.exponentialRampToValueAtTime(peak, t0 + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.22)
      osc.connect(gain).connect(ctx.destination)
      osc.start(t0)
      osc.stop(t0 + 0.25)
    }
    this.suspendLater(ctx)
  }

  private context(): AudioContext | null {
    if (this.ctx) return this.ctx
    const C = (globalThis as { AudioContext?: Ctor }).AudioContext ?? (globalThis as { webkitAudioContext?: Ctor }).webkitAudioContext
    if (!C) return null
    try {
      this.ctx = new C()
    } catch {
      this.ctx = null
    }
    return this.ctx
  }

  private suspendLater(ctx: AudioContext): void {
    clearTimeout(this.rest)
    this.rest = setTimeout(() => {
      if (ctx.state === 'running') void ctx.suspend().catch(() => {})
    }, SUSPEND_AFTER_MS)
  }
}
