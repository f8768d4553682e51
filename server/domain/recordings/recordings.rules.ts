// The pure rules of a recording chunk: its size, its shape, its order and time range, and the
// masking of card numbers in every string it holds. No database here; recordings.rules.test.ts
// checks them directly.
import { gunzipSync } from 'node:zlib'
import { AppError } from '../../shared/errors.ts'
import { isCardNumber, maskCardNumbers, maskCardNumbersInUrl } from '../privacy/privacy.rules.ts'

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
 * Inflates, checks and masks one chunk (gzip, or plain JSON); throws a 4xx AppError for anything
 * wrong. Almost every chunk is read once, by scanChunk, without being parsed into objects; what
 * that scan cannot vouch for (a possible card, an escape, a mistake) is parsed and walked.
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
  try {
    text = utf8.decode(inflated)
  } catch {
    throw malformed('the chunk is not a JSON array of events in UTF-8')
  }
  // The common case: the text as sent is what is stored (the browser's own gzip bytes, or the
  // page-hide JSON compressed once), with no parse, no walk and no second serialisation.
  const scanned = scanChunk(text, now)
  if (scanned) return { ...scanned, data: gzipped ? body : new Uint8Array(Bun.gzipSync(text)), masked: 0 }
  return checkParsed(text, body, gzipped, now)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The full check: parse, check every event, mask every string; the answer for what scanChunk declined. */
export function checkParsed(text: string, body: Uint8Array, gzipped: boolean, now: number): CheckedChunk {
  let events: unknown
  try {
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
  const masked = maskStrings(events)
  // The browser's bytes are kept only when they say exactly what was checked: text that is not
  // the canonical form (a duplicate key, an escaped digit) could hide what the parse did not see.
  // (It must also stay a bare array, so that readEvents() can join chunks by slicing off the brackets.)
  const canonical = JSON.stringify(events)
  const data = gzipped && masked === 0 && canonical === text ? body : new Uint8Array(Bun.gzipSync(canonical))
  return { data, events: events.length, firstAt, lastAt, pages, masked }
}

/** What scanChunk learns of a chunk it vouches for. */
export type ScannedChunk = Pick<CheckedChunk, 'events' | 'firstAt' | 'lastAt' | 'pages'>

/** Nesting the scan follows (a page's DOM is far shallower); deeper text is parsed instead. */
const MAX_SCAN_DEPTH = 512
const ARRAY = 1
const OBJECT = 2
/** What the scan expects next. */
const VALUE = 0
const AFTER_VALUE = 1
const KEY = 2
const COLON = 3
/** The event's fields, as bits: each once, all three. */
const TYPE = 1
const TIMESTAMP = 2
const DATA = 4
const containers = new Uint8Array(MAX_SCAN_DEPTH + 1)

/**
 * Reads the raw JSON text of a chunk once, char by char, and vouches for it, or answers null.
 * Vouching means: the text is strict JSON, a bare array (`[` first, `]` last) of 1 to
 * MAX_EVENTS_PER_CHUNK events, each an object of exactly `type` (a whole number 0–6),
 * `timestamp` (in the accepted range, in time order, the chunk within its span) and `data` (an
 * object), each once, AND no string, key or number in it could be masked. Then the answer is
 * what checkParsed would find, and the text needs nothing more. Null sends the chunk to
 * checkParsed, which decides (and words the error): anything unusual is declined, never guessed.
 *
 * A card is 12 or more digits joined by at most one separator each, and in raw text it is visible
 * as such (each run is put to the masking rule on its own, which finds at least what it finds in
 * context: the event times, 13 digits starting with "1", are not cards) unless it is hidden by an
 * escape (`\u0034` is a "4", `\u00a0` a separator; the other escapes make no digit or separator) or
 * written as a number with an exponent (`41111111111e5`): both are declined. The scan knows what
 * is a string, so a recorded stylesheet's `letter-spacing:0.02em` is text, and a fraction's digits
 * (a mouse position's 419.4200134277344) are no whole number, which is never masked.
 */
export function scanChunk(text: string, now: number): ScannedChunk | null {
  const n = text.length
  if (n < 2 || text.charCodeAt(0) !== 0x5b || text.charCodeAt(n - 1) !== 0x5d) return null
  let depth = 1
  containers[1] = ARRAY
  let expect = VALUE
  let mayClose = true
  let i = 1
  // the chunk so far
  let events = 0
  let pages = 0
  let firstAt = 0
  let previous = -Infinity
  // the event being read: its fields seen, the one whose value comes next, and their values
  let fields = 0
  let field = 0
  let type = -1
  let timestamp = NaN
  // in the event's data object: whether the value coming next is its `tag` (set by each of its
  // keys), and whether that says PAGE_TAG (the last `tag` counts, as in JSON.parse)
  let tagNext = false
  let pageTag = false
  for (;;) {
    let c = text.charCodeAt(i)
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i)
    if (i >= n) return null
    if (expect === VALUE || expect === KEY) {
      // a container that closes at once: [] or {}
      if (mayClose && ((c === 0x5d && containers[depth] === ARRAY) || (c === 0x7d && containers[depth] === OBJECT))) {
        expect = AFTER_VALUE
      } else if (expect === KEY) {
        if (c !== 0x22) return null
        const end = scanString(text, i + 1, n)
        if (end < 0) return null
        if (depth === 2) {
          // an event's field: exactly these names (a raw name with an escape is none of them)
          const bit = nameIs(text, i + 1, end, 'type') ? TYPE : nameIs(text, i + 1, end, 'timestamp') ? TIMESTAMP : nameIs(text, i + 1, end, 'data') ? DATA : 0
          if (bit === 0 || fields & bit) return null
          fields |= bit
          field = bit
        } else if (depth === 3) {
          tagNext = nameIs(text, i + 1, end, 'tag')
          if (tagNext) pageTag = false
        }
        i = end + 1
        expect = COLON
        continue
      } else {
        // a value
        if (depth === 1 && c !== 0x7b) return null
        if (depth === 2 && (field === DATA ? c !== 0x7b : c !== 0x2d && (c < 48 || c > 57))) return null
        if (c === 0x7b || c === 0x5b) {
          if (depth === MAX_SCAN_DEPTH) return null
          containers[++depth] = c === 0x7b ? OBJECT : ARRAY
          if (depth === 2) {
            fields = 0
            type = -1
            timestamp = NaN
            pageTag = false
          }
          expect = c === 0x7b ? KEY : VALUE
          mayClose = true
          i++
          continue
        }
        if (c === 0x22) {
          const end = scanString(text, i + 1, n)
          if (end < 0) return null
          if (tagNext && depth === 3) pageTag = nameIs(text, i + 1, end, PAGE_TAG)
          i = end + 1
        } else if (c === 0x2d || (c >= 48 && c <= 57)) {
          const end = scanNumber(text, i)
          if (end < 0) return null
          if (depth === 2) {
            const v = Number(text.slice(i, end))
            if (field === TYPE) type = v
            else timestamp = v
          }
          i = end
        } else if (c === 0x74 && text.startsWith('true', i)) i += 4
        else if (c === 0x66 && text.startsWith('false', i)) i += 5
        else if (c === 0x6e && text.startsWith('null', i)) i += 4
        else return null
        expect = AFTER_VALUE
        continue
      }
    } else if (expect === COLON) {
      if (c !== 0x3a) return null
      expect = VALUE
      mayClose = false
      i++
      continue
    } else if (c === 0x2c) {
      expect = containers[depth] === ARRAY ? VALUE : KEY
      mayClose = false
      i++
      continue
    } else if (!((c === 0x5d && containers[depth] === ARRAY) || (c === 0x7d && containers[depth] === OBJECT))) {
      return null
    }
    // c closes the container at `depth`
    depth--
    i++
    if (depth === 0) {
      if (i !== n || events === 0 || previous - firstAt > MAX_CHUNK_SPAN_MS) return null
      return { events, firstAt, lastAt: previous, pages }
    }
    if (depth === 1) {
      // an event ends: what checkParsed would refuse is declined here
      if (fields !== (TYPE | TIMESTAMP | DATA) || !Number.isInteger(type) || type < 0 || type > MAX_EVENT_TYPE) return null
      if (!(timestamp >= now - PAST_MS && timestamp <= now + FUTURE_MS && timestamp >= previous)) return null
      if (++events > MAX_EVENTS_PER_CHUNK) return null
      if (events === 1) firstAt = timestamp
      previous = timestamp
      if (type === META || (type === CUSTOM && pageTag)) pages++
    }
    expect = AFTER_VALUE
  }
}

/** Whether the raw text between start and end is exactly `name`. */
function nameIs(text: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && text.startsWith(name, start)
}

/** A separator before a digit as a URL may write it ("%20", "%2D", no-break spaces), at lastIndex. */
const URL_SEPARATOR = /%(?:20|2d|c2%a0|e2%80%af)(?:\d|%3\d)/iy

/** No issuer prefix starts with 0, 1, 7 or 9 (privacy.rules.ts): a lone run that does is no card. */
const noCardLead = (c: number) => c === 48 || c === 49 || c === 55 || c === 57

/**
 * A JSON string's body from `i` (after its opening quote): the index of its closing quote, or -1
 * when it is not strict JSON, holds a `\u` escape, or holds a run of digits that could be a card.
 */
function scanString(text: string, i: number, n: number): number {
  let runStart = -1
  let digits = 0
  let grouped = false
  for (; i < n; i++) {
    const c = text.charCodeAt(i)
    // most of a page's text (lower case, `{|}~`, beyond ASCII) while no run of digits is open: nothing to check
    if (c > 0x5c && runStart < 0) continue
    if (c >= 48 && c <= 57) {
      if (runStart < 0) runStart = i
      digits++
      continue
    }
    // A URL (a page's address, a link) may write a digit as "%3X", and a separator between
    // digits as "+" or "%20"…: such a string is left to the full walk, which reads it as a URL
    // (a stylesheet's "100%" goes on).
    if (c === 0x25) {
      // "%3X" is a digit; "%20" before a digit is a separator whose hex digits the raw text
      // would join to the digits after it ("%20555…" reads "20555…", a URL " 555…")
      const d = text.charCodeAt(i + 2)
      if (text.charCodeAt(i + 1) === 0x33 && d >= 48 && d <= 57) return -1
      URL_SEPARATOR.lastIndex = i
      if (URL_SEPARATOR.test(text)) return -1
    } else if (c === 0x2b && runStart >= 0) {
      // "+" between digits: a space in a form's query ("4111+1111+…")
      const d = text.charCodeAt(i + 1)
      if ((d >= 48 && d <= 57) || d === 0x25) return -1
    }
    if (runStart >= 0) {
      // one separator between digits continues the run (4111 1111 …, 5555-5555-…)
      if (c === 32 || c === 45 || c === 0xa0 || c === 0x202f) {
        const next = text.charCodeAt(i + 1)
        if (next >= 48 && next <= 57) {
          grouped = true
          continue
        }
      }
      if (digits >= 12 && (grouped || !noCardLead(text.charCodeAt(runStart)))) {
        const run = text.slice(runStart, i)
        // One group of digits is masked exactly when it is a card as a whole (maskCardNumbers
        // tries sub-runs only across separators): every event time passes here, cheaply.
        if (grouped ? maskCardNumbers(run) !== run : isCardNumber(run)) return -1
      }
      runStart = -1
      digits = 0
      grouped = false
    }
    if (c === 0x22) return i
    if (c === 0x5c) {
      const e = text.charCodeAt(++i)
      // \" \\ \/ \b \f \n \r \t; \u could spell a digit or a separator: declined
      if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1
    } else if (c < 0x20) return -1
  }
  return -1
}

/**
 * A JSON number without an exponent from `i`: the index after it, or -1 when it is not strict
 * JSON or is a whole number (or a whole part) that could be a card.
 */
function scanNumber(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x2d) i++
  const start = i
  let c = text.charCodeAt(i)
  if (c === 48) c = text.charCodeAt(++i)
  else if (c >= 49 && c <= 57) {
    do c = text.charCodeAt(++i)
    while (c >= 48 && c <= 57)
  } else return -1
  if (i - start >= 12 && !noCardLead(text.charCodeAt(start)) && isCardNumber(text.slice(start, i))) return -1
  if (c === 0x2e) {
    c = text.charCodeAt(++i)
    if (!(c >= 48 && c <= 57)) return -1
    do c = text.charCodeAt(++i)
    while (c >= 48 && c <= 57)
  }
  // An exponent (`41111111111e5`) is no part of this grammar: what follows the number then is
  // no delimiter, and the chunk is declined.
  return i
}

/** A card number has at least 12 digits: a shorter string cannot hold one (most keys and texts). */
const MIN_CARD_CHARS = 12

/** The string with its card numbers masked, or null when it has none. */
function masked(text: string): string | null {
  if (text.length < MIN_CARD_CHARS) return null
  // Read as a URL too: a page's address holds what a GET form sent (`?cc=4111+1111+…`).
  const m = maskCardNumbersInUrl(text)
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
