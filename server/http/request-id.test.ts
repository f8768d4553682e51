// Every answer names its request (X-Request-Id): the caller's own id when it is a sane token, a new
// one otherwise; an unexpected failure's 500 and its log line carry the same id, and no query string.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createLogger } from '../shared/logger.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { handleError } from './errors.ts'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

describe('request ids', () => {
  it("answers with the caller's id when it is a sane token, and with a fresh one otherwise", async () => {
    const own = await fetch(`${srv.url}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.92:1' } })
    expect(own.headers.get('x-request-id')).toBe('lb-7f3a.92:1')
    const odd = await fetch(`${srv.url}/healthz`, { headers: { 'x-request-id': 'a b"<script>' } })
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const none = await fetch(`${srv.url}/api/nothing-here`)
    expect(none.status).toBe(404)
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('names the id in the 500 and in its log line, with the path but not the query string', async () => {
    const lines: string[] = []
    const log = createLogger('info', (l) => lines.push(l))
    const request = new Request('http://127.0.0.1/api/things?token=secret-token-value', { headers: { 'x-request-id': 'req-42' } })
    const res = handleError(log, { code: 'UNKNOWN', error: new Error('boom'), request })
    expect(res.status).toBe(500)
    const body = (await res.json()) as { error: { message: string; details: { requestId: string } } }
    expect(body.error.details.requestId).toBe('req-42')
    expect(body.error.message).toContain('req-42')
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0]!)
    expect(entry).toMatchObject({ level: 'error', requestId: 'req-42', url: '/api/things' })
    expect(lines[0]).not.toContain('secret-token-value')
  })
})
