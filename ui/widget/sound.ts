// A short two-note chime made with WebAudio, so the widget ships no audio file. Browsers only
// let a page play sound after the visitor has interacted with it; `unlock()` runs on the first
// click or key press inside the widget, and a chime before that is silently skipped.
type Ctor = typeof AudioContext

let ctx: AudioContext | null = null

function context(): AudioContext | null {
  if (ctx) return ctx
  const C = (globalThis as { AudioContext?: Ctor; webkitAudioContext?: Ctor }).AudioContext ??
    (globalThis as { webkitAudioContext?: Ctor }).webkitAudioContext
  if (!C) return null
  try {
    ctx = new C()
  } catch {
    ctx = null
  }
  return ctx
}

export function unlock(): void {
  const c = context()
  if (c && c.state === 'suspended') void c.resume().catch(() => {})
}

export function chime(): void {
  const c = context()
  if (!c) return
  const now = c.currentTime
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = c.createOscillator()
    const gain = c.createGain()
    const start = now + i * 0.12
    osc.type = 'sine'
    osc.frequency.value = freq
    // Quick attack and an exponential fade: a soft "ding", not a beep.
    gain.gain.setValueAtTime(0.0001, start)
    gain.gain.exponentialRampToValueAtTime(0.12, start + 0.015)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35)
    osc.connect(gain).connect(c.destination)
    osc.start(start)
    osc.stop(start + 0.4)
  }
}
