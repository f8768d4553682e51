// The pure rules of a recording chunk: its size, its shape, its order and time range, and the
// masking of card numbers in every string it holds. No database here; recordings.rules.test.ts
// checks them directly.
import { gunzipSync } from 'node:zlib'
import { AppError } from '../../shared/errors.ts'
import { isCardNumber, maskCardNumbers } from '../privacy/privacy.rules.ts'

/** Largest compressed chunk accepted; the widget sends far less (and ≤ 64 KB on page hide). */
export const MAX_CHUNK_BYTES = 256 * 1024
/** Largest chunk once inflated, so a small "zip bomb" cannot take the server's memory. */
export const MAX_INFLATED_BYTES = 4 * 1024 * 1024
export const MAX_EVENTS_PER_CHUNK = 10_000
/** A recording stops growing here (the widget caps busy pages long before). */
export const MAX_RECORDING_BYTES = 32 * 1024 * 1024
export const MAX_SEQ = 1_000_000
/** One chunk covers at most this span of time (the widget sends every few seconds). */
export const MAX_CHUNK_SPAN_MS = 15 * 60_000
/** Event times must lie within this window around the server's clock. */
const PAST_MS = 24 * 3_600_000
const FUTURE_MS = 5 * 60_000

/** rrweb's event types: DomContentLoaded … Plugin (0–6). */
const MAX_EVENT_TYPE = 6
const META = 4
const CUSTOM = 5
/** The widget's custom event for a single-page-app navigation. */
export const PAGE_TAG = 'parley.page'

export interface CheckedChunk {
  /** The gzip bytes to store: the browser's own when nothing needed masking, else re-compressed. */
  data: Uint8Array
  events: number
  firstAt: number
  lastAt: number
  /** Page loads (rrweb meta events) and single-page-app navigations in the chunk. */
  pages: number
  /** Card numbers found and masked by the server. */
  masked: number
}

const malformed = (message: string, details?: Record<string, unknown>) => new AppError('recording.malformed', 400, message, details)

/**
 * Inflates, parses, checks and masks one chunk (gzip, or plain JSON); throws a 4xx AppError for
 * anything wrong.
 */
export function checkChunk(body: Uint8Array, now: number): CheckedChunk {
  if (body.byteLength === 0) throw malformed('the chunk is empty')
  if (body.byteLength > MAX_CHUNK_BYTES) throw new AppError('recording.too_large', 413, `a chunk is limited to ${MAX_CHUNK_BYTES} bytes compressed`)
  // gzip, as the widget sends every chunk it has time to compress; plain JSON for the last one
  // on page hide, which must leave synchronously (CompressionStream is asynchronous).
  const gzipped = body[0] === 0x1f && body[1] === 0x8b
  let inflated: Uint8Array
  try {
    inflated = gzipped ? gunzipSync(body, { maxOutputLength: MAX_INFLATED_BYTES }) : body
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new AppError('recording.too_large', 413, `a chunk is limited to ${MAX_INFLATED_BYTES} bytes inflated`)
    }
    throw malformed('the chunk is not valid gzip')
  }
  let text: string
  let events: unknown
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated)
    events = JSON.parse(text)
  } catch {
    throw malformed('the chunk is not a JSON array of events in UTF-8')
  }
  if (!Array.isArray(events) || events.length === 0) throw malformed('the chunk must be a non-empty array of events')
  if (events.length > MAX_EVENTS_PER_CHUNK) throw new AppError('recording.too_large', 413, `a chunk holds at most ${MAX_EVENTS_PER_CHUNK} events`)
  let previous = -Infinity
  let pages = 0
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Record<string, unknown>
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw malformed('an event must be an object', { index: i })
    for (const key of Object.keys(e)) {
      if (key !== 'type' && key !== 'timestamp' && key !== 'data') throw malformed(`an event has an unknown field ${JSON.stringify(key.slice(0, 40))}`, { index: i })
    }
    if (!Number.isInteger(e.type) || (e.type as number) < 0 || (e.type as number) > MAX_EVENT_TYPE) throw malformed('an event has an unknown type', { index: i })
    if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) throw malformed('an event needs a data object', { index: i })
    const t = e.timestamp
    if (typeof t !== 'number' || !Number.isFinite(t)) throw malformed('an event needs a timestamp', { index: i })
    if (t < now - PAST_MS || t > now + FUTURE_MS) throw malformed('an event lies outside the accepted time range', { index: i })
    if (t < previous) throw malformed('events must be in time order', { index: i })
    previous = t
    if (e.type === META) pages++
    else if (e.type === CUSTOM && (e.data as { tag?: unknown }).tag === PAGE_TAG) pages++
  }
  const firstAt = (events[0] as { timestamp: number }).timestamp
  const lastAt = previous
  if (lastAt - firstAt > MAX_CHUNK_SPAN_MS) throw malformed(`one chunk may span at most ${MAX_CHUNK_SPAN_MS / 60_000} minutes`)

  // Almost no chunk holds anything that could be a card: then the text as sent is what is stored
  // (the browser's own gzip bytes, or the page-hide JSON compressed once), with no walk of every
  // string and no second serialisation. The text must be a bare array so that readEvents() can
  // join chunks by slicing off the brackets.
  if (!mayHoldCard(text) && text.charCodeAt(0) === 0x5b && text.charCodeAt(text.length - 1) === 0x5d) {
    const data = gzipped ? body : new Uint8Array(Bun.gzipSync(text))
    return { data, events: events.length, firstAt, lastAt, pages, masked: 0 }
  }
  const masked = maskStrings(events)
  // The browser's bytes are kept only when they say exactly what was checked: text that is not
  // the canonical form (a duplicate key, an escaped digit) could hide what the parse did not see.
  const canonical = JSON.stringify(events)
  const data = gzipped && masked === 0 && canonical === text ? body : new Uint8Array(Bun.gzipSync(canonical))
  return { data, events: events.length, firstAt, lastAt, pages, masked }
}

/**
 * Whether the raw JSON text could hold a card number anywhere once parsed, in a string, a key or
 * a whole number. A card is 12 or more digits joined by at most one separator each, and in raw
 * text it is visible as such (each run is put to the masking rule on its own, which finds at least
 * what it finds in context: the event times, 13 digits starting with "1", are not cards) unless it
 * is hidden by an escape (`\u0034` is a "4", `\u00a0` a separator; the other escapes make no digit
 * or separator) or written as a number with an exponent (`41111111111e5`). Either of those two
 * sends the chunk through the full walk; false means no string or number in it can be masked.
 * The scan knows when it is inside a string, so text that only looks like an exponent there (a
 * recorded stylesheet's `letter-spacing:0.02em`, in almost every snapshot) is no reason to walk.
 */
export function mayHoldCard(text: string): boolean {
  // One pass over the char codes: the regular expressions that say the same were several times
  // slower than the parse itself on a snapshot.
  const n = text.length
  let runStart = -1
  let digits = 0
  let afterSeparator = false
  let grouped = false
  let inString = false
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0
    if (c >= 48 && c <= 57) {
      if (runStart < 0) runStart = i
      digits++
      afterSeparator = false
      continue
    }
    if (runStart >= 0) {
      if (!afterSeparator && (c === 32 || c === 45 || c === 0xa0 || c === 0x202f) && i + 1 < n) {
        const next = text.charCodeAt(i + 1)
        if (next >= 48 && next <= 57) {
          afterSeparator = true
          grouped = true
          continue
        }
      }
      // No issuer prefix starts with 0, 1, 7 or 9 (privacy.rules.ts): a lone run that does is no
      // card, and every event's time (13 digits, 1…) is one — the common case, skipped unsliced.
      // Outside strings, digits after a "." are a fraction (a mouse position's 419.4200134277344):
      // parsed, they are part of a number that is not whole, which is never masked.
      const lead = text.charCodeAt(runStart)
      const fraction = !inString && text.charCodeAt(runStart - 1) === 46
      if (digits >= 12 && !fraction && (grouped || (lead !== 48 && lead !== 49 && lead !== 55 && lead !== 57))) {
        const run = text.slice(runStart, afterSeparator ? i - 1 : i)
        // One group of digits is masked exactly when it is a card as a whole (maskCardNumbers
        // tries sub-runs only across separators): every event time passes here, cheaply.
        if (grouped ? maskCardNumbers(run) !== run : isCardNumber(run)) return true
      }
      if ((c === 101 || c === 69) && !inString) return true
      runStart = -1
      digits = 0
      afterSeparator = false
      grouped = false
    }
    if (c === 34) inString = !inString
    else if (c === 92) {
      if (text.charCodeAt(i + 1) === 117) return true
      i++
    }
  }
  return false
}

/** A card number has at least 12 digits: a shorter string cannot hold one (most keys and texts). */
const MIN_CARD_CHARS = 12

/** The string with its card numbers masked, or null when it has none. */
function masked(text: string): string | null {
  if (text.length < MIN_CARD_CHARS) return null
  const m = maskCardNumbers(text)
  return m === text ? null : m
}

/**
 * A whole number that reads as a card number (a modified client could send one as a JSON number
 * instead of a string) becomes the masked text; null when it does not.
 */
function maskedNumber(n: number): string | null {
  return Number.isSafeInteger(n) && n >= 1e11 ? masked(String(n)) : null
}

/**
 * Masks card numbers in every string of a parsed JSON value, object keys included, and in whole
 * numbers that read as one, in place. Iterative, so a deeply nested snapshot cannot overflow the
 * stack. Returns how many values changed.
 */
export function maskStrings(root: unknown): number {
  let changed = 0
  const stack: unknown[] = [root]
  const fix = (v: unknown): string | null => (typeof v === 'string' ? masked(v) : typeof v === 'number' ? maskedNumber(v) : null)
  while (stack.length) {
    const node = stack.pop()
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i]
        if (typeof v === 'object' && v !== null) stack.push(v)
        else {
          const m = fix(v)
          if (m !== null) {
            node[i] = m
            changed++
          }
        }
      }
    } else if (typeof node === 'object' && node !== null) {
      const obj = node as Record<string, unknown>
      for (const key of Object.keys(obj)) {
        const v = obj[key]
        let k = key
        const mk = masked(key)
        if (mk !== null) {
          delete obj[key]
          k = mk
          obj[k] = v
          changed++
        }
        if (typeof v === 'object' && v !== null) stack.push(v)
        else {
          const m = fix(v)
          if (m !== null) {
            obj[k] = m
            changed++
          }
        }
      }
    }
  }
  return changed
}
