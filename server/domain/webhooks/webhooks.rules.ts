// The pure rules of outgoing webhooks: which URLs are accepted, how a body is signed, how a
// payload is bounded.
import { createHmac } from 'node:crypto'

export const MAX_URL_LENGTH = 2048
/** A body larger than this is not sent whole: long message text is cut to fit. */
export const MAX_BODY_BYTES = 64 * 1024
/** How much of the receiver's answer is kept in the delivery log. */
export const MAX_RESPONSE_BYTES = 1024

/** Only absolute http(s) URLs without credentials: a receiver, not a file or a script. */
export function checkUrl(raw: string): string | null {
  const v = raw.trim()
  if (v.length === 0 || v.length > MAX_URL_LENGTH) return null
  let u: URL
  try {
    u = new URL(v)
  } catch {
    return null
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null
  if (u.username || u.password) return null
  return u.toString()
}

/**
 * The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
 * webhook's secret. The timestamp is signed too, so a captured delivery cannot be replayed later
 * as a fresh one by a receiver that checks its age.
 */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}

/** Serialises a payload within MAX_BODY_BYTES, shortening the message text if it must. */
export function boundedBody(payload: { data: { message?: { body: string }; test?: true } } & Record<string, unknown>): string {
  let body = JSON.stringify(payload)
  const message = payload.data.message
  if (Buffer.byteLength(body) <= MAX_BODY_BYTES || !message) return body
  const over = Buffer.byteLength(body) - MAX_BODY_BYTES
  const text = Buffer.from(message.body).subarray(0, Math.max(0, Buffer.byteLength(message.body) - over - 16)).toString('utf8').replace(/\uFFFD+$/, '')
  body = JSON.stringify({ ...payload, data: { ...payload.data, message: { ...message, body: `${text}…`, truncated: true } } })
  return body
}
