import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startTestServer, type TestServer } from '../testing/harness.ts'
import { runMaintenance } from './maintenance.ts'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

describe('maintenance', () => {
  it('removes expired sessions and login failures older than the window, and keeps the rest', async () => {
    const owner = new AgentClient(srv.url)
    await owner.setup()
    await new AgentClient(srv.url).login('owner@example.com', 'wrong-password')
    const { sql } = srv.db
    await sql`update agent_sessions set expires_at = now() - interval '1 minute'
              where token_hash = (select token_hash from agent_sessions order by created_at limit 1)`
    await sql`insert into login_failures (email, ip, at) values ('old@example.com', '127.0.0.1', now() - interval '2 hours')`
    const before = await sql`select count(*)::int as n from agent_sessions`
    const result = await runMaintenance(sql, 900)
    expect(result.expiredSessions).toBe(1)
    const after = await sql`select count(*)::int as n from agent_sessions`
    expect(after[0]!.n).toBe(before[0]!.n - 1)
    const failures = await sql`select email from login_failures`
    expect(failures.map((f) => f.email)).toEqual(['owner@example.com'])
  })
})
