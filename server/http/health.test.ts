import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { createApp } from '../app.ts'
import { createSql } from '../db/client.ts'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

describe('health and API docs', () => {
  it('answers 200 once the database is reachable and migrated', async () => {
    const r = await fetch(`${srv.url}/healthz`)
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual({ status: 'ok' })
  })

  it('answers 503 before migrations have run', async () => {
    const app = createApp({ ...srv.running.deps, state: { migrated: false } })
    const r = await app.handle(new Request('http://localhost/healthz'))
    expect(r.status).toBe(503)
  })

  it('answers 503 at once while the embedded PostgreSQL is being restarted', async () => {
    const app = createApp({ ...srv.running.deps, state: { migrated: true, database: 'restarting' } })
    const r = await app.handle(new Request('http://localhost/healthz'))
    expect(r.status).toBe(503)
    expect(await r.json()).toEqual({ status: 'unavailable', database: 'restarting' })
  })

  it('answers 503 when the database is unreachable', async () => {
    const dead = createSql('postgres://nobody:x@127.0.0.1:1/none', { max: 1 })
    const app = createApp({ ...srv.running.deps, sql: dead })
    const r = await app.handle(new Request('http://localhost/healthz'))
    expect(r.status).toBe(503)
    expect((await r.json()).database).toBe('unreachable')
    await dead.end({ timeout: 0 })
  })

  it('answers a request that needs an unreachable database "not stored, retry": 503 database.unavailable with Retry-After', async () => {
    const dead = createSql('postgres://nobody:x@127.0.0.1:1/none', { max: 1 })
    const app = createApp({ ...srv.running.deps, sql: dead })
    const r = await app.handle(new Request('http://localhost/api/widget/visitors', { method: 'POST' }))
    expect(r.status).toBe(503)
    expect(r.headers.get('retry-after')).toBe('1')
    expect((await r.json()).error.code).toBe('database.unavailable')
    await dead.end({ timeout: 0 })
  })

  it('describes the HTTP API with OpenAPI at /api/docs', async () => {
    const html = await fetch(`${srv.url}/api/docs`)
    expect(html.status).toBe(200)
    const spec = await (await fetch(`${srv.url}/api/docs/json`)).json()
    for (const path of ['/api/auth/login', '/api/conversations', '/api/conversations/{id}/resolve', '/api/widget/messages', '/healthz']) {
      expect(Object.keys(spec.paths)).toContain(path)
    }
    expect(spec.paths['/api/widget/messages'].post.requestBody).toBeDefined()
  })

  it('answers an unknown route with a JSON 404 and never leaks a stack trace', async () => {
    const r = await fetch(`${srv.url}/api/nothing-here`)
    expect(r.status).toBe(404)
    const body = await r.json()
    expect(body.error.code).toBe('route.not_found')
    expect(JSON.stringify(body)).not.toContain('at ')
  })

  it('refuses to start on a port another server already has, instead of sharing it', async () => {
    const err = await startTestServer({ port: srv.running.port }).catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(String(err.message ?? err)).toMatch(/in use|EADDRINUSE/i)
  })
})
