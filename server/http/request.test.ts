import { describe, expect, it } from 'bun:test'
import { isCrossSite } from './request.ts'
import { testConfig } from '../testing/harness.ts'

const req = (origin: string | null, host: string) =>
  new Request(`http://${host}/api/agents`, { method: 'POST', headers: { host, ...(origin === null ? {} : { origin }) } })

describe('the Origin check', () => {
  it('with PUBLIC_URL, accepts only that origin, whatever Host the request names', () => {
    const config = testConfig({ publicUrl: 'https://chat.example.com' })
    expect(isCrossSite(config, req('https://chat.example.com', 'chat.example.com'))).toBe(false)
    // DNS rebinding: a foreign name pointed at this server sends matching Origin and Host.
    expect(isCrossSite(config, req('http://evil.example', 'evil.example'))).toBe(true)
    expect(isCrossSite(config, req('http://chat.example.com', 'chat.example.com'))).toBe(true)
    expect(isCrossSite(config, req('https://chat.example.com:8443', 'chat.example.com'))).toBe(true)
  })

  it('without PUBLIC_URL, compares with the Host the request came to', () => {
    const config = testConfig({ publicUrl: null })
    expect(isCrossSite(config, req('http://localhost:8080', 'localhost:8080'))).toBe(false)
    expect(isCrossSite(config, req('http://evil.example', 'localhost:8080'))).toBe(true)
  })

  it('treats a missing Origin as same-site (not a browser) and "null" or garbage as cross-site', () => {
    const config = testConfig({ publicUrl: 'https://chat.example.com' })
    expect(isCrossSite(config, req(null, 'chat.example.com'))).toBe(false)
    expect(isCrossSite(config, req('null', 'chat.example.com'))).toBe(true)
    expect(isCrossSite(config, req('not a url', 'chat.example.com'))).toBe(true)
  })
})
