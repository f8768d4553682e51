import { describe, expect, it } from 'bun:test'
import { AppError } from '../../shared/errors.ts'
import { formatRange, normalizeIp, parseAddress, rangeContains } from '../../shared/ip.ts'
import { parseRange } from './blocking.rules.ts'

const refusal = (input: string): string => {
  try {
    parseRange(input)
  } catch (e) {
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).status).toBe(400)
    expect((e as AppError).code).toBe('blocking.invalid_range')
    return (e as AppError).message
  }
  throw new Error(`${input} was accepted`)
}
const canonical = (input: string) => formatRange(parseRange(input))
const inside = (range: string, ip: string) => rangeContains(parseRange(range), parseAddress(ip)!)

describe('IP ranges typed by the owner', () => {
  it('accepts IPv4 and IPv6 ranges and writes them canonically', () => {
    expect(canonical('192.0.2.0/24')).toBe('192.0.2.0/24')
    expect(canonical(' 10.0.0.0/8 ')).toBe('10.0.0.0/8')
    expect(canonical('2001:DB8::/32')).toBe('2001:db8::/32')
    expect(canonical('2001:db8:0:0:0:0:0:1/128')).toBe('2001:db8::1/128')
    expect(canonical('::/1')).toBe('::/1')
  })

  it('takes a single address as a /32 or /128', () => {
    expect(canonical('203.0.113.9')).toBe('203.0.113.9/32')
    expect(canonical('2001:db8::7')).toBe('2001:db8::7/128')
  })

  it('stores an IPv4-mapped IPv6 range as the IPv4 range it covers', () => {
    expect(canonical('::ffff:192.0.2.0/120')).toBe('192.0.2.0/24')
    expect(canonical('::ffff:192.0.2.5')).toBe('192.0.2.5/32')
    expect(canonical('::ffff:c000:0200/120')).toBe('192.0.2.0/24')
  })

  it('refuses /0: it would hide the chat from every visitor', () => {
    expect(refusal('0.0.0.0/0')).toContain('every visitor')
    expect(refusal('::/0')).toContain('every visitor')
    expect(refusal('::ffff:0.0.0.0/96')).toContain('every visitor')
  })

  it('refuses what is no address or no prefix, saying why', () => {
    expect(refusal('')).toContain('enter an IP address')
    expect(refusal('192.0.2.256/24')).toContain('is not an IPv4 or IPv6 address')
    expect(refusal('example.com')).toContain('is not an IPv4 or IPv6 address')
    expect(refusal('fe80::1%eth0')).toContain('is not an IPv4 or IPv6 address')
    expect(refusal('192.0.2.0/33')).toContain('from 1 to 32')
    expect(refusal('2001:db8::/129')).toContain('from 1 to 128')
    expect(refusal('192.0.2.0/')).toContain('prefix')
    expect(refusal('192.0.2.0/2a')).toContain('prefix')
    expect(refusal('192.0.2.0/-1')).toContain('prefix')
    expect(refusal("1.2.3.4/24'; drop table visitors; --")).toContain('prefix')
  })

  it('refuses host bits after the prefix and suggests the network that was probably meant', () => {
    expect(refusal('192.0.2.77/24')).toBe('192.0.2.77/24 has bits set after the first 24; did you mean 192.0.2.0/24?')
    expect(refusal('2001:db8::1/32')).toContain('did you mean 2001:db8::/32?')
  })
})

describe('whether an address is inside a range', () => {
  it('matches by the prefix bits, at the edges too', () => {
    expect(inside('192.0.2.0/24', '192.0.2.0')).toBe(true)
    expect(inside('192.0.2.0/24', '192.0.2.255')).toBe(true)
    expect(inside('192.0.2.0/24', '192.0.3.0')).toBe(false)
    expect(inside('192.0.2.0/24', '192.0.1.255')).toBe(false)
    expect(inside('203.0.113.9', '203.0.113.9')).toBe(true)
    expect(inside('203.0.113.9', '203.0.113.10')).toBe(false)
    expect(inside('2001:db8::/32', '2001:db8:ffff::1')).toBe(true)
    expect(inside('2001:db8::/32', '2001:db9::1')).toBe(false)
    expect(inside('128.0.0.0/1', '255.255.255.255')).toBe(true)
  })

  it('never matches across families, but an IPv4-mapped client is its IPv4 address', () => {
    expect(inside('::/1', '192.0.2.1')).toBe(false)
    expect(inside('192.0.2.0/24', '::ffff:192.0.2.1')).toBe(true)
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(normalizeIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1')
    expect(normalizeIp('unknown')).toBeNull()
    expect(normalizeIp(null)).toBeNull()
  })
})
