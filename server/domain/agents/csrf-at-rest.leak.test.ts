// A copy of the database must not hand out what signs an agent's requests: the session token is
// stored only as a hash, and so is nothing else that a request could present: the CSRF token is
// derived from the session's own token, not kept beside it in the clear.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startWithOwner, type TestServer } from '../../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
})
afterAll(() => srv?.stop())

describe("a session's CSRF token", () => {
  it('is not stored in the clear, and still guards every change', async () => {
    expect(owner.csrf.length).toBeGreaterThan(20)
    const rows = JSON.stringify(await srv.db.sql`select * from agent_sessions`)
    expect(rows).not.toContain(owner.csrf)
    expect(rows).not.toContain(owner.cookie.split('=')[1]!)

    // The dashboard reloaded: the session gives it the same token back.
    const again = await owner.request('GET', '/api/auth/session')
    expect(again.body.csrfToken).toBe(owner.csrf)
    expect((await owner.request('POST', '/api/tags', { name: 'vip', color: 'red' })).status).toBe(201)
    expect((await owner.request('POST', '/api/tags', { name: 'other', color: 'red' }, { 'x-csrf-token': 'x'.repeat(43) })).status).toBe(403)

    // Another session of the same agent has a token of its own, which does not sign the first one's requests.
    const second = new AgentClient(srv.url)
    await second.login('owner@example.com', 'owner-password')
    expect(second.csrf).not.toBe(owner.csrf)
    expect((await owner.request('POST', '/api/tags', { name: 'third', color: 'red' }, { 'x-csrf-token': second.csrf })).status).toBe(403)
    expect(JSON.stringify(await srv.db.sql`select * from agent_sessions`)).not.toContain(second.csrf)
  })
})
