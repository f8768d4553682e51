// The cluster relay reads on connections that plan each statement once, for any parameters
// (runtime.ts: relaySql, generic plans). A generic plan is chosen without the ids, so it must stay
// an index walk when the tables are large: a hash join over every visitor would be cheap on a
// test database and ruinous on a real one. Each relay read is captured and its generic plan
// explained at 20,000 visitors, conversations and messages.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'
import type { Sql } from '../db/client.ts'
import { statementsOf } from '../db/testing.ts'
import { findConversations } from '../domain/conversations/conversations.usecases.ts'
import { findMessages } from '../domain/messages/messages.usecases.ts'
import { findVisitor } from '../domain/visitors/visitors.usecases.ts'

let srv: TestServer
beforeAll(async () => {
  ({ srv } = await startWithOwner())
})
afterAll(() => srv.stop())

describe('the relay\'s reads, planned once for any ids', () => {
  it('walk indexes at 20,000 visitors, conversations and messages, never every row', async () => {
    const v = await VisitorClient.create(srv.url)
    const first = await v.request('POST', '/api/widget/messages', { body: 'hello', clientId: cid() })
    const conversationId: string = first.body.conversation.id
    const messageId: string = first.body.message.id
    const visitorId: string = first.body.conversation.visitor.id
    const sql = srv.db.sql
    await sql`insert into visitors (id) select gen_random_uuid() from generate_series(1, 20000)`
    await sql`insert into conversations (id, visitor_id, channel) select gen_random_uuid(), id, 'web' from visitors where id <> ${visitorId}`
    await sql`
      insert into messages (id, conversation_id, seq, author_type, author_id, body, channel, delivery_status)
      select gen_random_uuid(), c.id, 1, 'visitor', c.visitor_id, 'hello', 'web', 'received' from conversations c where c.id <> ${conversationId}`
    await sql`analyze`
    const reads: [string, (db: Sql) => Promise<unknown>][] = [
      ['conversations', (db) => findConversations({ sql: db }, [conversationId])],
      ['messages', (db) => findMessages({ sql: db }, [messageId])],
      ['visitor', (db) => findVisitor({ sql: db }, visitorId)],
    ]
    for (const [name, run] of reads) {
      const statements = await statementsOf(srv.db.url, (tx) => run(tx as unknown as Sql))
      expect(statements.length).toBeGreaterThan(0)
      for (const { query } of statements) {
        const rows = await sql.unsafe(`explain (generic_plan) ${query}`)
        const plan = rows.map((r) => Object.values(r as Record<string, string>)[0]).join('\n')
        // (agents, groups and tags are a team's few rows: a scan of them is fine)
        for (const big of ['visitors', 'conversations', 'messages']) {
          expect({ read: name, scan: plan.includes(`Seq Scan on ${big}`) ? plan : null }).toEqual({ read: name, scan: null })
        }
      }
    }
  }, 60_000)
})
