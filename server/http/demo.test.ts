import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connect } from 'node:net'
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

  it('answers a Host header that is no host with a 400, never a page built from it or a 500', async () => {
    const { port } = new URL(srv.url)
    const host = `x</script><script>alert(1)</script>`
    const text = await new Promise<string>((resolve, reject) => {
      let got = ''
      const s = connect(Number(port), '127.0.0.1', () => s.write(`GET /demo HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))
      s.on('data', (d) => (got += d.toString()))
      s.on('end', () => resolve(got))
      s.on('error', reject)
    })
    // A 400 of the API's own, not a page with the text in it, nor Bun's error page (which names
    // the server's folder and shows its source).
    expect(text).toStartWith('HTTP/1.1 400')
    expect(text).toContain('"code":"request.malformed"')
    expect(text).not.toContain('alert(1)')
    expect(text).not.toContain(process.cwd())
  })

  it('names this server in the snippet by the Host header it was reached by, without PUBLIC_URL', async () => {
    const { port } = new URL(srv.url)
    const get = (host: string) =>
      fetch(`${srv.url}/demo`, { headers: { host } }).then(async (r) => ({ status: r.status, text: await r.text() }))
    const named = await get(`shop.localhost:${port}`)
    expect(named.text).toContain(JSON.stringify(`http://shop.localhost:${port}`))
  })

  it('answers an unknown product with 404 and a way back', async () => {
    const p = await page('/demo/nothing-here')
    expect(p.status).toBe(404)
    expect(p.text).toContain('Back to the shop')
  })
})
