// Request facts every plugin needs: the client's address, whether it came over https, and
// the cookie and CSRF rules.
import type { Server } from 'bun'
import { timingSafeEqual } from 'node:crypto'
import type { Config } from '../config.ts'
import { AppError } from '../shared/errors.ts'
import { decodePercent } from '../shared/text.ts'
import { isUuid } from '../shared/ids.ts'
import { normalizeIp } from '../shared/ip.ts'

export const SESSION_COOKIE = 'parley_session'
export const CSRF_HEADER = 'x-csrf-token'

/** The socket's address, or the X-Forwarded-For hop just before our trusted proxies. */
export function clientIp(config: Config, request: Request, server: Server<unknown> | null | undefined): string {
  const socket = server?.requestIP(request)?.address ?? 'unknown'
  const direct = socket.startsWith('::ffff:') ? socket.slice(7) : socket
  if (config.trustProxy.length === 0 || !config.trustProxy.includes(direct)) return direct
  const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  // A proxy may write an IPv4 client as ::ffff:192.0.2.1: the same address, stored one way.
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!config.trustProxy.includes(hops[i]!)) return normalizeIp(hops[i]) ?? hops[i]!
  }
  return normalizeIp(hops[0]) ?? hops[0] ?? direct
}

export function isHttps(config: Config, request: Request, server: Server<unknown> | null | undefined): boolean {
  if (config.publicUrl?.startsWith('https:')) return true
  if (new URL(request.url).protocol === 'https:') return true
  const socket = server?.requestIP(request)?.address ?? ''
  const direct = socket.startsWith('::ffff:') ? socket.slice(7) : socket
  return config.trustProxy.includes(direct) && request.headers.get('x-forwarded-proto') === 'https'
}

export function sameSecret(a: string | undefined | null, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The request's URL, or a 400: Bun builds it from the Host header, which whoever sends the request
 * chooses (`Host: a</script>` makes no URL).
 */
export function readUrl(request: Request): URL {
  try {
    return new URL(request.url)
  } catch {
    throw new AppError('request.malformed', 400, 'the Host header is not a valid host')
  }
}

/** The request's path, for a log line or an error: '' when its URL cannot be read. */
export function pathOf(request: Request): string {
  try {
    return readUrl(request).pathname
  } catch {
    return ''
  }
}

/**
 * This server's URL as a page, a snippet or an export names it (no trailing slash): PUBLIC_URL,
 * else the origin the request was sent to (its Host header: readUrl refused one that is no host).
 */
export function serverBaseUrl(config: Config, request: Request): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '')
  return readUrl(request).origin
}

/**
 * A browser always sends Origin on cross-site POSTs and WebSocket handshakes. With PUBLIC_URL set,
 * only that origin (scheme and host) is this site: the request's own Host header is never
 * trusted, since whoever sends the request chooses it (DNS rebinding points a foreign name at
 * this server). Without PUBLIC_URL (a local or first install) the Host header is the only hint
 * there is; start-up warns when such a server listens beyond loopback.
 */
export function isCrossSite(config: Config, request: Request): boolean {
  const origin = request.headers.get('origin')
  if (!origin || origin === 'null') return origin === 'null'
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return true
  }
  if (config.publicUrl) {
    const site = new URL(config.publicUrl)
    return parsed.protocol !== site.protocol || parsed.host !== site.host
  }
  const host = request.headers.get('host') ?? new URL(request.url).host
  return parsed.host !== host
}

export function sessionCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ')
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ')
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    if (part.slice(0, i).trim() !== name) continue
    // A value that is not valid percent-encoding was never set by this server: no cookie, not a 500.
    return decodePercent(part.slice(i + 1).trim()) ?? undefined
  }
  return undefined
}

export function bearer(request: Request): string | undefined {
  const h = request.headers.get('authorization')
  if (!h) return undefined
  const m = /^Bearer\s+(\S+)$/i.exec(h)
  return m?.[1]
}

/** A path id that is not a UUID names nothing: answered like an unknown id (404, not 400). */
export function idOr404(id: string, what: 'agent' | 'conversation' | 'visitor' | 'apikey'): string {
  if (!isUuid(id)) throw new AppError(`${what}.not_found`, 404, `${what === 'apikey' ? 'API key' : what} not found`)
  return id
}
