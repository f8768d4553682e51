// IP addresses and ranges (CIDR) for blocking: parsed, checked and written one way, here. An
// IPv4-mapped IPv6 address (::ffff:192.0.2.1, what a dual-stack socket reports for an IPv4
// client) is the IPv4 address it carries, so a block on 192.0.2.0/24 covers it too.
import { isIP } from 'node:net'
import { AppError } from '../../shared/errors.ts'

export interface Address {
  family: 4 | 6
  bits: bigint
}

export interface Range extends Address {
  prefix: number
}

const width = (family: 4 | 6) => (family === 4 ? 32 : 128)

function v4Bits(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)
}

function v6Bits(s: string): bigint {
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

/** `reason` says why for code (the dashboard words it): empty, not_address, prefix, zero, host_bits. */
const bad = (reason: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError('blocking.invalid_range', 400, message, { field: 'range', reason, ...extra })

/**
 * A range the owner typed: `192.0.2.0/24`, `2001:db8::/32`, or one address (`192.0.2.7`, a /32 or
 * /128). Refused, with a message saying why: anything that is no address, a prefix beyond the
 * family's width, host bits set beyond the prefix (which network was meant?), and /0 — that
 * would hide the chat from every visitor, which is switching the widget off, not blocking.
 */
export function parseRange(input: string): Range {
  const s = input.trim()
  if (s === '') throw bad('empty', 'enter an IP address or a range such as 192.0.2.0/24')
  if (s.length > 100) throw bad('not_address', 'that is not an IP address or range')
  const slash = s.indexOf('/')
  const addrText = slash < 0 ? s : s.slice(0, slash)
  const prefixText = slash < 0 ? null : s.slice(slash + 1)
  const kind = isIP(addrText)
  if (kind === 0 || addrText.includes('%')) throw bad('not_address', `"${addrText}" is not an IPv4 or IPv6 address`)
  const raw: Address = kind === 4 ? { family: 4, bits: v4Bits(addrText) } : { family: 6, bits: v6Bits(addrText) }
  let prefix = width(raw.family)
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > width(raw.family)) {
      throw bad('prefix', `the prefix after "/" must be a number from 1 to ${width(raw.family)} for an IPv${raw.family} range`)
    }
    prefix = Number(prefixText)
  }
  if (prefix === 0) throw bad('zero', 'a /0 range would block every visitor; to hide the chat from everyone, remove the widget instead')
  let range: Range = { ...raw, prefix }
  // ::ffff:192.0.2.0/120 is 192.0.2.0/24: stored the IPv4 way, so it matches IPv4 clients.
  if (raw.family === 6 && raw.bits >> 32n === 0xffffn && prefix >= 96) range = { family: 4, bits: raw.bits & 0xffffffffn, prefix: prefix - 96 }
  if (range.prefix === 0) throw bad('zero', 'a /0 range would block every visitor; to hide the chat from everyone, remove the widget instead')
  const hostBits = BigInt(width(range.family) - range.prefix)
  const network = (range.bits >> hostBits) << hostBits
  if (network !== range.bits) {
    const meant = formatRange({ ...range, bits: network })
    throw bad('host_bits', `${s} has bits set after the first ${range.prefix}; did you mean ${meant}?`, { suggestion: meant })
  }
  return range
}

/** Whether the address lies inside the range (same family, same first `prefix` bits). */
export function rangeContains(range: Range, address: Address): boolean {
  if (range.family !== address.family) return false
  const hostBits = BigInt(width(range.family) - range.prefix)
  return range.bits >> hostBits === address.bits >> hostBits
}

