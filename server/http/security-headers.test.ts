import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

const get = (path: string, init?: RequestInit) => fetch(srv.url + path, init)

describe('security headers', () => {
  it('sends nosniff and a same-origin Referrer-Policy on every answer, errors and refusals included', async () => {
    const answers = [
      await get('/'),
      await get('/api/auth/me'),
      await get('/api/no-such-route'),
      await get('/assets/loader.js'),
      await get('/api/conversations?cursor=a%00b'),
      await get('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) }, body: 'x'.repeat(10) }).catch(() => null),
    ]
    for (const r of answers.filter((a): a is Response => a !== null)) {
      expect(`${r.url} ${r.headers.get('x-content-type-options')}`).toBe(`${r.url} nosniff`)
      expect(r.headers.get('referrer-policy')).toBe('same-origin')
    }
  })

  it('gives the dashboard and the API docs a CSP without inline script, and forbids framing them', async () => {
    for (const path of ['/', '/api/docs']) {
      const r = await get(path)
      const csp = r.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline\'; script')
      expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe')
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("object-src 'none'")
      expect(r.headers.get('x-frame-options')).toBe('DENY')
      const html = await r.text()
      // Every script is a file: nothing inline to allow.
      for (const tag of html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? []) expect(tag).toMatch(/^<script[^>]*\ssrc="[^"]+"[^>]*><\/script>$/)
    }
  })

  it('serves the API viewer from Parley itself, never from a CDN', async () => {
    const html = await (await get('/api/docs')).text()
    expect(html).not.toMatch(/https?:\/\//)
    for (const asset of ['/api/docs/assets/swagger-ui-bundle.js', '/api/docs/assets/swagger-ui.css', '/api/docs/assets/init.js']) {
      const r = await get(asset)
      expect(r.status).toBe(200)
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(100)
    }
    expect((await get('/api/docs/assets/../../package.json')).status).toBe(404)
    const doc = await (await get('/api/docs/json')).json()
    expect(doc.openapi).toMatch(/^3\./)
  })

  it('lets other sites embed the widget: its files and API carry no frame or CSP restrictions', async () => {
    for (const r of [await get('/assets/loader.js'), await get('/api/widget/visitors', { method: 'OPTIONS' })]) {
      expect(r.headers.get('content-security-policy')).toBeNull()
      expect(r.headers.get('x-frame-options')).toBeNull()
    }
  })
})
