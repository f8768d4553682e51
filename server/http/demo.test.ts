import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

const page = async (path: string) => {
  const r = await fetch(srv.url + path)
  return { status: r.status, text: await r.text() }
}

describe('the demo shop', () => {
  it('serves the shop with the embed snippet for this server on every page', async () => {
    for (const path of ['/demo', '/demo/boots', '/demo?page=about']) {
      const p = await page(path)
      expect(p.status).toBe(200)
      expect(p.text).toContain("'/assets/loader.js'")
      expect(p.text).toContain(JSON.stringify(srv.url))
    }
  })

  it('shows an About page under the About link, not the shop front', async () => {
    const about = await page('/demo?page=about')
    expect(about.text).toContain('<h1>About Northwind Outdoor</h1>')
    expect(about.text).toContain('<a href="/demo?page=about" aria-current="page">About</a>')
    expect(about.text).not.toContain('Gear for long walks')
    const front = await page('/demo')
    expect(front.text).toContain('Gear for long walks')
    expect(front.text).toContain('<a href="/demo" aria-current="page">Shop</a>')
  })

  it('answers an unknown product with 404 and a way back', async () => {
    const p = await page('/demo/nothing-here')
    expect(p.status).toBe(404)
    expect(p.text).toContain('Back to the shop')
  })
})
