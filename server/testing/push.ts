// A local stand-in for a browser's push service, and what a browser does with a push: the
// subscription's own key pair and auth secret (made here with node:crypto, as a browser makes
// them), the aes128gcm decryption of RFC 8291 and the VAPID check of RFC 8292. Written from the
// RFCs, not with the `web-push` package Parley sends with, so a test proves the real encryption.
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto'

export interface DeviceKeys {
  ecdh: ECDH
  auth: Buffer
  /** As PushSubscription.toJSON().keys gives them. */
  json: { p256dh: string; auth: string }
}

export function deviceKeys(): DeviceKeys {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16)
  return { ecdh, auth, json: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } }
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest()
const info = (text: string) => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])])

/** The plaintext of an aes128gcm Web Push body (one record), as the receiving browser gets it. */
export function decryptPush(body: Buffer, device: DeviceKeys): string {
  const salt = body.subarray(0, 16)
  const idLength = body[20]!
  const senderKey = body.subarray(21, 21 + idLength)
  const record = body.subarray(21 + idLength)
  const shared = device.ecdh.computeSecret(senderKey)
  // RFC 8291 §3.4: the input keying material binds both public keys and the auth secret.
  const prkKey = hmac(device.auth, shared)
  const ikm = hmac(prkKey, Buffer.concat([info('WebPush: info'), device.ecdh.getPublicKey(), senderKey, Buffer.from([1])]))
  // RFC 8188 §2.2: content-encryption key and nonce.
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, Buffer.concat([info('Content-Encoding: aes128gcm'), Buffer.from([1])])).subarray(0, 16)
  const nonce = hmac(prk, Buffer.concat([info('Content-Encoding: nonce'), Buffer.from([1])])).subarray(0, 12)
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(record.subarray(record.length - 16))
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
  let end = plain.length - 1
  while (end >= 0 && plain[end] === 0) end--
  if (plain[end] !== 2) throw new Error('the record is not a final record (no 0x02 delimiter)')
  return plain.subarray(0, end).toString('utf8')
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>` (ES256 over the JWT) and returns its claims. */
export function verifyVapid(header: string): { key: string; claims: { aud: string; exp: number; sub: string } } {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(header)
  if (!m) throw new Error(`not a VAPID authorization header: ${header}`)
  const [head, payload, signature] = m[1]!.split('.') as [string, string, string]
  const raw = Buffer.from(m[2]!, 'base64url')
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  })
  const ok = verify('sha256', Buffer.from(`${head}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))
  if (!ok) throw new Error('the VAPID signature does not verify with its key')
  if (JSON.parse(Buffer.from(head, 'base64url').toString()).alg !== 'ES256') throw new Error('the VAPID JWT is not ES256')
  return { key: m[2]!, claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) }
}

export interface Received {
  path: string
  headers: Record<string, string>
  body: Buffer
}

/** A push service on loopback: records every push; `answer` decides the status per path and try. */
export function pushService() {
  const got: Received[] = []
  let answer: (n: number, r: Received) => number = () => 201
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const r: Received = { path: new URL(req.url).pathname, headers: Object.fromEntries(req.headers), body: Buffer.from(await req.arrayBuffer()) }
      got.push(r)
      return new Response(null, { status: answer(got.filter((g) => g.path === r.path).length, r) })
    },
  })
  return {
    origin: `http://127.0.0.1:${server.port}`,
    /** A fresh endpoint URL, as a push service hands one to each subscription. */
    endpoint: () => `http://127.0.0.1:${server.port}/push/${randomBytes(12).toString('base64url')}`,
    got,
    to: (endpoint: string) => got.filter((g) => g.path === new URL(endpoint).pathname),
    answer(fn: typeof answer) {
      answer = fn
    },
    stop: () => server.stop(true),
  }
}
