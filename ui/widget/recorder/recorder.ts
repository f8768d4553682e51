// The recorder bundle (/assets/parley-recorder.js), loaded by gate.ts only when the page may be
// recorded. rrweb records the page with privacy defaults (every password masked, every input's
// value masked unless the owner opts in, marked elements masked or left out), sampled to keep
// recordings small; events are gzip-compressed in the browser and uploaded in numbered chunks
// every few seconds, the last one on page hide with keepalive. A navigation to another page of
// the site continues the same recording (its id and next number live in sessionStorage).
import { record } from '@rrweb/record'
// The one card rule (the server masks every stored event again with it).
import { maskCardNumbers } from '../../../server/domain/privacy/privacy.rules.ts'
import { shareStyles } from '../../shared/recording-styles.ts'
import { gzipText } from './compress.ts'

type RrwebEvent = { type: number; timestamp: number; data: unknown }

/** How often a chunk is sent while the visitor is on the page. */
const FLUSH_MS = 5_000
/** A chunk is sent early once this many events wait. */
const MAX_BUFFER = 1_500
/** A very busy page is capped: past this many events in a minute, the rest of the minute is dropped. */
const MAX_EVENTS_PER_MINUTE = 6_000
/** Browsers refuse keepalive bodies past 64 KB (all of a page's in flight together). */
const KEEPALIVE_LIMIT = 60 * 1024
/** Chunks kept for a retry when the server is unreachable or asks to retry later. */
const MAX_PENDING = 20
const STATE_KEY = 'parley:recording'
/** The server finalises a recording after 2 minutes by default; past this, start a new one. */
const CONTINUE_MS = 90_000

const MASK = '[data-parley-mask], [data-recording-ignore="mask"]'
const BLOCK = '[data-parley-ignore]'
const IGNORE_EVENTS = '[data-recording-ignore="events"]'

interface State {
  id: string
  seq: number
  at: number
  /** The stylesheets this recording has sent (their hashes): later page loads send a reference. */
  styles: string[]
}

interface Chunk {
  seq: number
  id: string
  body: Uint8Array
}

function loadState(): State {
  try {
    const s = JSON.parse(sessionStorage.getItem(STATE_KEY) ?? 'null') as State | null
    if (s && typeof s.id === 'string' && typeof s.seq === 'number' && Date.now() - s.at < CONTINUE_MS) return { ...s, styles: Array.isArray(s.styles) ? s.styles : [] }
  } catch {}
  return { id: crypto.randomUUID(), seq: 0, at: Date.now(), styles: [] }
}

function saveState(s: State): void {
  try {
    sessionStorage.setItem(STATE_KEY, JSON.stringify(s))
  } catch {}
}

const starMask = (text: string) => '*'.repeat(text.length)

/** Every input type rrweb can mask: with all of them on, maskInput below decides for each value. */
const ALL_INPUTS = {
  color: true, date: true, 'datetime-local': true, email: true, month: true, number: true, range: true, search: true,
  tel: true, text: true, time: true, url: true, week: true, textarea: true, select: true, password: true,
} as const

/**
 * An input's value as recorded: stars for a password or a marked field, and for every field unless
 * the owner records inputs; a recorded value still has its card numbers masked before it leaves.
 */
export const maskInput = (recordInputs: boolean) => (text: string, element: HTMLElement | null) =>
  !recordInputs || (element as HTMLInputElement | null)?.type === 'password' || element?.closest(MASK) ? starMask(text) : maskCardNumbers(text)

/** Page text as recorded: stars inside a marked element, card numbers masked everywhere else. */
export const maskText = (text: string, element: HTMLElement | null) => (element?.closest(MASK) ? starMask(text) : maskCardNumbers(text))

export function startRecorder(options: { base: string; token: () => Promise<string>; recordInputs: boolean }): { stop(): void } {
  const state = loadState()
  let sentStyles = new Set(state.styles)
  let buffer: RrwebEvent[] = []
  /** Events whose stylesheets are not yet shared (shareQueued). */
  let unshared: RrwebEvent[] = []
  let pending: Chunk[] = []
  let stopped = false
  let sending = false
  let lastHref = location.href
  let minute = Math.floor(Date.now() / 60_000)
  let inMinute = 0
  let capped = false
  let stopRecord: (() => void) | undefined
  /** Known before the page hides: leave() cannot wait for a promise. */
  let token: string | null = null
  void options.token().then((t) => (token = t))

  const emit = (e: RrwebEvent) => {
    if (stopped) return
    const m = Math.floor(e.timestamp / 60_000)
    if (m !== minute) {
      minute = m
      inMinute = 0
      if (capped) {
        // The dropped events left the replay behind the page: a fresh snapshot puts it right.
        capped = false
        queueMicrotask(() => record.takeFullSnapshot(true))
      }
    }
    if (capped && e.type !== 2 && e.type !== 4) return
    if (++inMinute > MAX_EVENTS_PER_MINUTE && !capped) {
      capped = true
      return
    }
    buffer.push(e)
    // Its stylesheets are shared in a task of their own: a page load's snapshot is emitted inside
    // rrweb's snapshot, already the page's longest task, and walking it again there made it longer.
    unshared.push(e)
    if (unshared.length === 1) setTimeout(shareQueued, 0)
    // A single-page-app navigation: the timeline marks it as a page.
    if (location.href !== lastHref) {
      lastHref = location.href
      buffer.push({ type: 5, timestamp: e.timestamp, data: { tag: 'parley.page', payload: { href: lastHref } } })
    }
    if (buffer.length >= MAX_BUFFER) void flush(false)
  }

  /** Shares the stylesheets of the events emitted since the last call, in recording order. */
  function shareQueued(): void {
    if (unshared.length === 0) return
    const events = unshared
    unshared = []
    let grew = false
    for (const e of events) grew = shareStyles(e, sentStyles) || grew
    if (grew) {
      state.styles = [...sentStyles]
      saveState(state)
    }
  }

  /** Takes what is buffered as the next numbered chunk; the number is saved before it is sent. */
  async function cut(): Promise<Chunk | null> {
    shareQueued()
    if (buffer.length === 0) return null
    // rrweb emits some events (throttled mouse moves, batched mutations) a little out of time
    // order; the server wants each chunk in order. Array sort is stable.
    const events = buffer.sort((a, b) => a.timestamp - b.timestamp)
    buffer = []
    const chunk: Chunk = { id: state.id, seq: state.seq++, body: new Uint8Array(0) }
    state.at = Date.now()
    saveState(state)
    // serialised at once, so the chunk is the events as they are now (rrweb keeps some of them)
    chunk.body = await gzipText(JSON.stringify(events))
    return chunk
  }

  async function send(chunk: Chunk, keepalive: boolean): Promise<'done' | 'retry' | 'stop' | 'restart'> {
    try {
      const res = await fetch(`${options.base}/api/widget/recordings/${chunk.id}/chunks/${chunk.seq}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await options.token()}`, 'content-type': 'application/octet-stream' },
        body: chunk.body as BodyInit,
        keepalive: keepalive && chunk.body.byteLength <= KEEPALIVE_LIMIT,
      })
      if (res.ok) return 'done'
      if (res.status === 503 || res.status === 429 || res.status >= 500) return 'retry'
      if (res.status === 403) return 'stop'
      if (res.status === 409) return 'restart'
      return 'done' // refused as malformed or too large: sending it again would not help
    } catch {
      return 'retry'
    }
  }

  async function flush(keepalive: boolean): Promise<void> {
    if (sending && !keepalive) return
    sending = true
    try {
      const chunk = await cut()
      if (chunk) pending.push(chunk)
      while (pending.length) {
        const next = pending[0]!
        const outcome = await send(next, keepalive)
        if (outcome === 'retry') break
        pending.shift()
        if (outcome === 'stop') return stop()
        if (outcome === 'restart') {
          // The server saved the recording (the visitor was away too long): a new one begins
          // with a full snapshot, and what was waiting belonged to the old one.
          pending = []
          state.id = crypto.randomUUID()
          state.seq = 0
          sentStyles = new Set()
          state.styles = []
          saveState(state)
          record.takeFullSnapshot(true)
        }
      }
      if (pending.length > MAX_PENDING) pending = pending.slice(-MAX_PENDING)
    } finally {
      sending = false
    }
  }

  /**
   * The page is going away: whatever waits must leave now, in this task, because the page may be
   * gone before a promise settles. Compressed chunks waiting for a retry go as they are; the
   * events still buffered go as plain JSON (the server accepts it and compresses it), with
   * keepalive, which browsers allow up to 64 KB in flight per page.
   */
  function leave(): void {
    if (stopped) return
    let budget = KEEPALIVE_LIMIT
    if (!token) return
    const post = (id: string, seq: number, body: Uint8Array) => {
      const keepalive = body.byteLength <= budget
      if (keepalive) budget -= body.byteLength
      fetch(`${options.base}/api/widget/recordings/${id}/chunks/${seq}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: body as BodyInit,
        keepalive,
      }).catch(() => {})
    }
    for (const c of pending.splice(0)) post(c.id, c.seq, c.body)
    shareQueued()
    if (buffer.length) {
      const body = new TextEncoder().encode(JSON.stringify(buffer.sort((a, b) => a.timestamp - b.timestamp)))
      buffer = []
      const seq = state.seq++
      state.at = Date.now()
      saveState(state)
      post(state.id, seq, body)
    }
  }
  const onHide = () => {
    if (document.visibilityState === 'hidden') leave()
  }
  const onPageHide = () => leave()

  stopRecord = record({
    emit: emit as (e: unknown) => void,
    // Every text node and input value goes through the two functions above (selector '*'), so a
    // card number shown on the page or typed into a recorded field never leaves the browser whole.
    maskAllInputs: true,
    maskInputOptions: ALL_INPUTS,
    maskInputFn: maskInput(options.recordInputs),
    maskTextSelector: '*',
    maskTextFn: maskText,
    blockSelector: BLOCK,
    ignoreSelector: IGNORE_EVENTS,
    slimDOMOptions: 'all',
    inlineStylesheet: true,
    recordCanvas: false,
    collectFonts: false,
    sampling: { mousemove: 100, scroll: 250, media: 800, input: 'last', mouseInteraction: true },
    errorHandler: () => true,
  })
  const timer = setInterval(() => void flush(false), FLUSH_MS)
  document.addEventListener('visibilitychange', onHide)
  addEventListener('pagehide', onPageHide)

  function stop(): void {
    if (stopped) return
    stopped = true
    stopRecord?.()
    clearInterval(timer)
    document.removeEventListener('visibilitychange', onHide)
    removeEventListener('pagehide', onPageHide)
    buffer = []
    unshared = []
    pending = []
  }
  return { stop }
}
