// IP addresses and ranges, parsed, compared and written one way, here: blocking (CIDR ranges the
// owner types), search (an IP or CIDR filter) and outgoing requests (no private receivers) use it.
// An IPv4-mapped IPv6 address (::ffff:192.0.2.1, what a dual-stack socket reports for an IPv4
// client) is the IPv4 address it carries, so a range on 192.0.2.0/24 covers it too.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

export interface Address {
  family: 4 | 6
  bits: bigint
}

export interface Range extends Address {
  prefix: number
}

export const width = (family: 4 | 6) => (family === 4 ? 32 : 128)

export function v4Bits(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)
}

export function v6Bits(s: string): bigint {
  let text = s
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const v4 = v4Bits(dotted[1]!)
    text = text.slice(0, dotted.index) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null]
  const left = head ? head.split(':') : []
  const right = tail === null ? [] : tail ? tail.split(':') : []
  const groups = tail === null ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n)
}

/** An address as text, or null when it is none (e.g. 'unknown', a host name, a zone id). */
export function parseAddress(text: string): Address | null {
  const s = text.trim()
  const kind = isIP(s)
  if (kind === 4) return { family: 4, bits: v4Bits(s) }
  if (kind !== 6 || s.includes('%')) return null
  const bits = v6Bits(s)
  if (bits >> 32n === 0xffffn) return { family: 4, bits: bits & 0xffffffffn }
  return { family: 6, bits }
}

export function formatAddress(a: Address): string {
  if (a.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((a.bits >> shift) & 0xffn)).join('.')
  const groups = Array.from({ length: 8 }, (_, i) => Number((a.bits >> BigInt(112 - 16 * i)) & 0xffffn))
  // RFC 5952: the longest run of two or more zero groups becomes '::'.
  let best = { at: -1, len: 1 }
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.len) best = { at: i, len: j - i }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`
}

/** The address as PostgreSQL should compare it (IPv4-mapped IPv6 as IPv4), or null if none. */
export function normalizeIp(text: string | null | undefined): string | null {
  if (!text) return null
  const a = parseAddress(text)
  return a ? formatAddress(a) : null
}

export function formatRange(r: Range): string {
  return `${formatAddress(r)}/${r.prefix}`
}

/** Whether the address lies inside the range (same family, same first `prefix` bits). */
export function rangeContains(range: Range, address: Address): boolean {
  if (range.family !== address.family) return false
  const hostBits = BigInt(width(range.family) - range.prefix)
  return range.bits >> hostBits === address.bits >> hostBits
}

/** A range written in code (a constant): `10.0.0.0/8`. Throws on a typo. */
function cidr(text: string): Range {
  const [addr, prefix] = text.split('/') as [string, string]
  const a = parseAddress(addr)
  if (!a || !/^\d+$/.test(prefix)) throw new Error(`bad range ${text}`)
  // ::ffff:0:0/96-style constants are not used here: an IPv4-mapped address parses as IPv4.
  return { ...a, prefix: Number(prefix) }
}

/**
 * Where the server should not send requests that an outsider can aim (webhook receivers, push
 * endpoints) unless allowed: this machine, private and shared address space, link-local (where
 * cloud metadata services answer), multicast and reserved ranges, unique-local IPv6, NAT64.
 */
const PRIVATE_RANGES = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/3',
  '::/127', 'fc00::/7', 'fe80::/10', 'ff00::/8', '64:ff9b::/96',
].map(cidr)

/** Whether an IP address (text) lies in a private or special-use range; anything that is no address counts as private. */
export function isPrivateAddress(text: string): boolean {
  const a = parseAddress(text)
  return a === null || PRIVATE_RANGES.some((r) => rangeContains(r, a))
}

/** The host of a URL, without IPv6 brackets. */
export const hostOf = (url: string | URL) => new URL(url).hostname.replace(/^\[|\]$/g, '')

const LOOPBACK = ['127.0.0.0/8', '::1/128'].map(cidr)

/** A URL on this machine: localhost or a loopback address (no DNS asked). */
export function isLoopbackHost(url: string | URL): boolean {
  const host = hostOf(url)
  const a = host === 'localhost' ? null : parseAddress(host)
  return host === 'localhost' || (a !== null && LOOPBACK.some((r) => rangeContains(r, a)))
}

/** A URL whose host is plainly private without asking DNS (localhost, a private IP literal): that host, or null. */
export function plainlyPrivateHost(url: string | URL): string | null {
  const host = hostOf(url)
  if (host === 'localhost' || host.endsWith('.localhost')) return host
  return isIP(host) && isPrivateAddress(host) ? host : null
}

/**
 * The private address a URL's host is or resolves to (every address DNS gives is checked), or
 * null. A host that answers differently a moment later could still slip through between this
 * lookup and the request's own; it narrows, not closes, DNS rebinding.
 */
export async function privateAddressOf(url: string | URL): Promise<string | null> {
  const host = hostOf(url)
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address)
  return addresses.find(isPrivateAddress) ?? null
}
