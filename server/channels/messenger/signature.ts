// Meta signs every webhook delivery: X-Hub-Signature-256 is "sha256=" and the lowercase hex
// HMAC-SHA256 of the body's exact bytes, keyed with the app secret. The bytes received are what is
// checked, never a body parsed and serialised again (that would differ in spacing, escapes, key
// order or number formatting, and so would the HMAC).
import { createHmac, timingSafeEqual } from 'node:crypto'

export function signatureOf(body: Uint8Array, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex')
}

/** True only for a well-formed header whose HMAC matches, compared in constant time. */
export function verifySignature(body: Uint8Array, header: string | null, appSecret: string): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/.test(header)) return false
  const expected = Buffer.from(signatureOf(body, appSecret))
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
