// The dashboard's HTTP client against a real HTTP server: a read refused because the database is
// away is asked again after its Retry-After, doubling, a bounded number of times; a write is not.
import { afterAll, describe, expect, it } from 'bun:test'
import { ApiClient, ApiError } from './api.ts'

let refuseNext = 0
const asked: { method: string; at: number }[] = []
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req) {
    asked.push({ method: req.method, at: performance.now() })
    if (refuseNext > 0) {
      refuseNext--
      // Retry-After in whole seconds, as the server sends it; the client doubles it each time.
      return Response.json({ error: { code: 'database.unavailable', message: 'retry' } }, { status: 503, headers: { 'retry-after': '1' } })
    }
    return Response.json({ ok: true })
  },
})
afterAll(() => server.stop(true))
const api = new ApiClient(`http://127.0.0.1:${server.port}`)

describe('a 503 database.unavailable', () => {
  it('is asked again for a read, after 1 s and then 2 s, until it answers', async () => {
    asked.length = 0
    refuseNext = 2
    expect(await api.get<{ ok: boolean }>('/api/x')).toEqual({ ok: true })
    expect(asked).toHaveLength(3)
    expect(asked[1]!.at - asked[0]!.at).toBeGreaterThanOrEqual(950)
    expect(asked[2]!.at - asked[1]!.at).toBeGreaterThanOrEqual(1950)
  }, 10_000)

  it('reaches the screen for a write, asked once', async () => {
    asked.length = 0
    refuseNext = 1
    let told = 0
    api.onUnavailable = () => told++
    const error = await api.post('/api/x', {}).then(() => null, (e: unknown) => e)
    api.onUnavailable = null
    expect(told).toBe(1)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 503, code: 'database.unavailable', retryAfter: 1 })
    expect(asked).toHaveLength(1)
  })

  it('reaches the screen for a read after the last try', async () => {
    asked.length = 0
    refuseNext = 100
    const original = ApiClient.READ_RETRIES
    ApiClient.READ_RETRIES = 1
    try {
      const error = await api.get('/api/x').then(() => null, (e: unknown) => e)
      expect(error).toMatchObject({ status: 503, code: 'database.unavailable' })
      expect(asked).toHaveLength(2)
    } finally {
      ApiClient.READ_RETRIES = original
      refuseNext = 0
    }
  }, 10_000)
})

describe('a 403 auth.csrf', () => {
  // The server of an upgrade that makes CSRF tokens differently: the token the page held is
  // refused, and the session hands out the new one.
  const seen: string[] = []
  const current = 'new-token'
  const csrfServer = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname
      seen.push(`${req.method} ${path} ${req.headers.get('x-csrf-token') ?? ''}`.trim())
      if (path === '/api/auth/session') return Response.json({ agent: { id: 'a' }, csrfToken: current })
      if (req.headers.get('x-csrf-token') !== current) return Response.json({ error: { code: 'auth.csrf', message: 'reload' } }, { status: 403 })
      return Response.json({ ok: true })
    },
  })
  afterAll(() => csrfServer.stop(true))
  const client = new ApiClient(`http://127.0.0.1:${csrfServer.port}`)

  it('asks the session for its token again and sends the change once more', async () => {
    seen.length = 0
    client.csrfToken = 'old-token'
    expect(await client.post<{ ok: boolean }>('/api/tags', {})).toEqual({ ok: true })
    expect(seen).toEqual(['POST /api/tags old-token', 'GET /api/auth/session', 'POST /api/tags new-token'])
    expect(client.csrfToken).toBe('new-token')
  })

  it('reaches the screen when the session has no other token (a cross-site refusal, a wrong token)', async () => {
    seen.length = 0
    // A server that refuses every change: the session's token is the one held, so no retry.
    const refusing = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(req) {
        const path = new URL(req.url).pathname
        seen.push(`${req.method} ${path}`)
        if (path === '/api/auth/session') return Response.json({ csrfToken: 'still-refused' })
        return Response.json({ error: { code: 'auth.csrf', message: 'cross-site request refused' } }, { status: 403 })
      },
    })
    try {
      const c = new ApiClient(`http://127.0.0.1:${refusing.port}`)
      c.csrfToken = 'still-refused'
      const error = await c.post('/api/tags', {}).then(() => null, (e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).code).toBe('auth.csrf')
      expect(seen).toEqual(['POST /api/tags', 'GET /api/auth/session'])
    } finally {
      refusing.stop(true)
    }
  })
})
