import { describe, expect, it } from 'bun:test'
import { GeoLocator } from './geo.ts'
import { parseUserAgent } from './useragent.ts'

describe('visitor facts', () => {
  const geo = new GeoLocator()
  it('finds country and city for IPv4 and IPv6 addresses', async () => {
    expect(await geo.locate('81.2.69.160')).toEqual({ countryCode: 'GB', region: 'England', city: 'Bracknell' })
    expect((await geo.locate('2a00:1450:4001:82a::200e'))?.countryCode).toBe('DE')
    expect((await geo.locate('::ffff:81.2.69.160'))?.countryCode).toBe('GB')
  })
  it('has no location for private, loopback and invalid addresses', async () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.10', '::1', 'fe80::1', 'unknown', '', null]) {
      expect(await geo.locate(ip)).toBeNull()
    }
  })
  it('reads OS and browser with versions from the User-Agent', () => {
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')).toEqual({
      osName: 'Windows',
      osVersion: '10',
      browserName: 'Chrome',
      browserVersion: '120.0.0.0',
    })
    const iphone = parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1')
    expect(iphone).toMatchObject({ osName: 'iOS', osVersion: '17.1', browserName: 'Safari', browserVersion: '17.1' })
    const ff = parseUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')
    expect(ff).toMatchObject({ osName: 'Linux', browserName: 'Firefox', browserVersion: '121.0' })
    expect(parseUserAgent('')).toEqual({ osName: null, osVersion: null, browserName: null, browserVersion: null })
  })
})
