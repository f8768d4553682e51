// The ranges (CIDR) an owner types to block: what is refused, and the message that says why. The
// addresses themselves are parsed and compared in shared/ip.ts.
import { isIP } from 'node:net'
import { AppError } from '../../shared/errors.ts'
import { formatRange, v4Bits, v6Bits, width, type Address, type Range } from '../../shared/ip.ts'

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
