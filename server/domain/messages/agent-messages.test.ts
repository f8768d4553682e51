// A long conversation: questions about its agent messages read those, not the whole conversation
// (migration 00021). Each test first checks that the conversation is long, then counts the rows
// of `messages` the statement's plan read (rowsRead runs it again under explain analyze).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { rowsRead } from '../../db/testing.ts'
import { markDeliveredUpTo } from './messages.repo.ts'
import { startMissedTimers, startOfflineTimers } from '../notifications/notifications.repo.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

const LONG = 3_000

/**
 * A web conversation: the visitor's first message, `answers` agent replies, then LONG more
 * visitor messages (written straight into the table: the API would take minutes).
 */
async function longConversation(answers: number): Promise<{ visitorId: string; conversationId: string; lastAgentSeq: number; lastSeq: number }> {
  const v = await VisitorClient.create(srv.url)
  const first = await v.request('POST', '/api/widget/messages', { body: 'hello', clientId: cid() })
  const conversationId: string = first.body.conversation.id
  const visitorId: string = first.body.conversation.visitor.id
  let lastAgentSeq = 0
  let lastSeq: number = first.body.message.seq
  for (let i = 0; i < answers; i++) {
    const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: `answer ${i}`, clientId: cid() })
    expect(r.status).toBe(201)
    lastAgentSeq = lastSeq = r.body.message.seq
  }
  const sql = srv.db.sql
  await sql`
    insert into messages (id, conversation_id, seq, author_type, author_id, body, channel, delivery_status)
    select gen_random_uuid(), ${conversationId}, ${lastSeq + 1} + g, 'visitor', ${visitorId}, 'still there? ' || g, 'web', 'received'
    from generate_series(0, ${LONG - 1}) g`
  await sql`update conversations set last_seq = ${lastSeq + LONG}, waiting_since = now() where id = ${conversationId}`
  await sql`analyze messages`
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from messages where conversation_id = ${conversationId}`
  expect(count?.n).toBeGreaterThan(LONG)
  return { visitorId, conversationId, lastAgentSeq, lastSeq: lastSeq + LONG }
}

describe('a long conversation\'s agent messages', () => {
  it('a leaving visitor\'s missed-conversation timer finds the last answer without reading the visitor\'s messages', async () => {
    const c = await longConversation(2)
    const read = await rowsRead(srv.db.url, 'messages', (sql) => startMissedTimers(sql, [{ visitorId: c.visitorId, graceMs: 60_000 }]))
    expect(read).toBeLessThan(10)
    // and the timer counts from after that answer
    await startMissedTimers(srv.db.sql, [{ visitorId: c.visitorId, graceMs: 60_000 }])
    const [timer] = await srv.db.sql`select from_seq from notification_timers where conversation_id = ${c.conversationId} and kind = 'missed_conversation'`
    expect(timer).toEqual({ fromSeq: c.lastAgentSeq + 1 })
  })

  it('a never-answered conversation\'s timer starts at its first message, still without reading it all', async () => {
    const c = await longConversation(0)
    expect(await rowsRead(srv.db.url, 'messages', (sql) => startMissedTimers(sql, [{ visitorId: c.visitorId, graceMs: 60_000 }]))).toBeLessThan(10)
    await startMissedTimers(srv.db.sql, [{ visitorId: c.visitorId, graceMs: 60_000 }])
    const [timer] = await srv.db.sql`select from_seq from notification_timers where conversation_id = ${c.conversationId} and kind = 'missed_conversation'`
    expect(timer).toEqual({ fromSeq: 1 })
  })

  it('an offline-message timer checks for an answer after its message in one probe', async () => {
    const c = await longConversation(1)
    const read = await rowsRead(srv.db.url, 'messages', (sql) => startOfflineTimers(sql, [{ conversationId: c.conversationId, fromSeq: 2 }], 60_000))
    expect(read).toBeLessThan(10)
  })

  it('a read receipt reads only the agent messages it marks delivered', async () => {
    const c = await longConversation(3)
    const last = c.lastSeq
    // the first two answers were shown before; the third is the one this receipt confirms
    await srv.db.sql`update messages set delivery_status = 'delivered' where conversation_id = ${c.conversationId} and author_type = 'agent' and seq < ${c.lastAgentSeq}`
    const read = await rowsRead(srv.db.url, 'messages', (sql) => markDeliveredUpTo(sql, c.conversationId, last))
    expect(read).toBeLessThan(10)
    const updated = await markDeliveredUpTo(srv.db.sql, c.conversationId, last)
    expect(updated.map((m) => m.seq)).toEqual([c.lastAgentSeq])
    const statuses = await srv.db.sql`select seq, delivery_status from messages where conversation_id = ${c.conversationId} and author_type = 'agent' order by seq`
    expect(statuses.map((r) => r.deliveryStatus)).toEqual(['delivered', 'delivered', 'delivered'])
  })
})
