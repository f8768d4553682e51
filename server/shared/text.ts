// Text that PostgreSQL cannot store faithfully is refused at the door: a NUL character (text
// columns reject it, so the request failed late with a 500) and a lone UTF-16 surrogate (it was
// stored as U+FFFD, silently changing what the client sent). Bytes that are not UTF-8 are refused
// before JSON is parsed, for the same reason.
import { AppError } from './errors.ts'

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Why a string cannot be stored as given, or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character'
  if (!s.isWellFormed()) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)'
  return null
}

/** Throws naming the first field (a dotted path) whose key or value cannot be stored. */
export function checkTextDeep(value: unknown, where: string, path: string[] = []): void {
  if (typeof value === 'string') {
    const problem = textProblem(value)
    if (problem) throw invalidText(where, path, problem)
    return
  }
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkTextDeep(v, where, [...path, String(i)]))
    return
  }
  for (const [k, v] of Object.entries(value)) {
    const problem = textProblem(k)
    if (problem) throw invalidText(where, [...path, k], `has a key that ${problem}`)
    checkTextDeep(v, where, [...path, k])
  }
}

/**
 * The same value with text PostgreSQL can store, for what another service sent and will not send
 * otherwise (a webhook delivery: refusing it loses it): each NUL character and unpaired surrogate,
 * in keys too, becomes U+FFFD.
 */
export function storableDeep(value: unknown): unknown {
  if (typeof value === 'string') return textProblem(value) ? value.replaceAll('\u0000', '\ufffd').toWellFormed() : value
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(storableDeep)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableDeep(k) as string, storableDeep(v)]))
}

function invalidText(where: string, path: string[], problem: string): AppError {
  const field = path.join('.')
  return new AppError('request.invalid_text', 400, `${where}: ${field ? `${field} ` : ''}${problem}`, { ...(field ? { field } : {}), in: where })
}

/** Decodes UTF-8 strictly; invalid bytes are a 400, never replacement characters. */
export function decodeUtf8(bytes: ArrayBuffer | Uint8Array, where: string): string {
  try {
    return fatalUtf8.decode(bytes)
  } catch {
    throw new AppError('request.invalid_utf8', 400, `${where} is not valid UTF-8`, { in: where })
  }
}

/** A JSON body as received: strict UTF-8, valid JSON, and only text that can be stored. */
export function parseJsonBody(bytes: ArrayBuffer | Uint8Array): unknown {
  const text = decodeUtf8(bytes, 'request body')
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('request.malformed', 400, 'the request body is not valid JSON')
  }
  checkTextDeep(value, 'request body')
  return value
}

/** A form body's fields (urlencoded or multipart), checked as a JSON body's are: only text that can be stored. */
export function checkFormBody(form: FormData): void {
  for (const [key, value] of form.entries()) checkTextDeep({ [key]: typeof value === 'string' ? value : '' }, 'request body')
}

/**
 * The path and query of a URL, checked the same way: a malformed percent-escape, an escape that
 * decodes to bytes that are not UTF-8, or a NUL character is a 400 before any route runs.
 */
export function checkUrlText(url: URL): void {
  for (const segment of url.pathname.split('/')) checkComponent(segment, 'path')
  for (const pair of url.search.slice(1).split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    checkComponent(key, 'query')
    if (eq >= 0) checkComponent(pair.slice(eq + 1), `query: ${safeKey(key)}`)
  }
}

/**
 * Percent-decoding that can fail (a "%" that starts no escape, an escape that is not UTF-8): null
 * then, and the caller says what that means where it is (a 400, no cookie, the name as sent).
 */
export function decodePercent(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}

function safeKey(key: string): string {
  const k = decodePercent(key.replaceAll('+', ' '))
  return k === null || textProblem(k) ? 'parameter' : k.slice(0, 64)
}

function checkComponent(raw: string, where: string): void {
  if (!raw.includes('%')) {
    if (raw.includes('\u0000')) throw new AppError('request.invalid_text', 400, `${where} contains a NUL character`, { in: where })
    return
  }
  const decoded = decodePercent(raw.replaceAll('+', ' '))
  if (decoded === null) throw new AppError('request.invalid_url', 400, `${where}: a malformed percent-escape, or one that is not UTF-8`, { in: where })
  const problem = textProblem(decoded)
  if (problem) throw new AppError('request.invalid_text', 400, `${where} ${problem}`, { in: where })
}
