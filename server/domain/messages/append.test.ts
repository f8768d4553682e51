// The one append path: a lone message, a retry, an agent's reply and a race between two
// connections all go through the same statement, and each costs one round trip.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import postgres from 'postgres'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import type { Sql } from '../../db/client.ts'
import { applyEffect, effectOf, type ConversationState } from '../conversations/conversations.rules.ts'
import type { ConversationRow } from '../conversations/conversations.types.ts'
import { VisitorMessageBatcher } from './append-batch.ts'
import { receiveInbound, sendReply } from './messages.usecases.ts'

let srv: TestServer
let owner: AgentClient
let ownerActor: { id: string; role: 'owner'; name: string }
/** Statements sent on the counting connections. */
let statements = 0
const pools: Sql[] = []
/**
 * A connection of its own that counts every statement it sends (postgres.js calls `debug` once per
 * query), already open: opening runs a statement of its own (the array types).
 */
async function countingSql(): Promise<Sql> {
  const sql = postgres(srv.db.url, { max: 1, transform: postgres.camel, onnotice: () => {}, debug: () => void statements++ })
  pools.push(sql)
  await sql`select 1`
  return sql
}

beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
  ownerActor = { id: owner.agent!.id, role: 'owner', name: owner.agent!.name }
})
afterAll(async () => {
  for (const p of pools) await p.end()
  await srv.stop()
})

async function visitorWithConversation(): Promise<{ visitorId: string; conversationId: string }> {
  const v = await VisitorClient.create(srv.url)
  const r = await v.request('POST', '/api/widget/messages', { body: 'first', clientId: cid() })
  expect(r.status).toBe(201)
  return { visitorId: r.body.conversation.visitor.id, conversationId: r.body.conversation.id }
}

async function conversationRow(id: string): Promise<ConversationRow> {
  const [row] = await srv.db.sql<ConversationRow[]>`select * from conversations where id = ${id}`
  return row!
}

const state = (r: ConversationRow): ConversationState => ({
  status: r.status,
  assigneeId: r.assigneeId,
  waitingSince: r.waitingSince,
  resolvedAt: r.resolvedAt,
  resolvedBy: r.resolvedBy,
  lastMessageAuthor: r.lastMessageAuthor,
  lastMessageAt: r.lastMessageAt,
})

describe('one append statement', () => {
  it("stores a visitor's lone message in one statement and answers its retry with the original in one more", async () => {
    const c = await visitorWithConversation()
    const deps = { ...srv.running.deps, visitorMessages: new VisitorMessageBatcher(await countingSql()) }
    const clientId = cid()
    const send = () => receiveInbound(deps, { channel: 'web', visitorId: c.visitorId, conversationId: c.conversationId, body: 'only once', clientId })
    statements = 0
    const first = await send()
    expect(statements).toBe(1)
    expect(first.duplicate).toBe(false)
    statements = 0
    const again = await send()
    expect(statements).toBe(1)
    expect(again.duplicate).toBe(true)
    expect(again.message).toEqual(first.message)
    expect(again.conversation.id).toBe(c.conversationId)
    const rows = await srv.db.sql<{ id: string }[]>`select id from messages where client_id = ${clientId}`
    expect(rows.map((r) => r.id)).toEqual([first.message.id])
    expect((await conversationRow(c.conversationId)).lastSeq).toBe(2)
  })

  it("stores an agent's reply in one statement, takes the conversation, and answers a retry with the original", async () => {
    const c = await visitorWithConversation()
    const deps = { ...srv.running.deps, sql: await countingSql() }
    const clientId = cid()
    const changes: string[] = []
    const off = srv.running.deps.bus.on('conversation.changed', ({ conversation, change }) => {
      if (conversation.id === c.conversationId) changes.push(change)
    })
    try {
      statements = 0
      const reply = await sendReply(deps, ownerActor, { conversationId: c.conversationId, body: 'Hello!', clientId })
      expect(statements).toBe(1)
      expect(reply.conversation.assignee?.id).toBe(ownerActor.id)
      expect(reply.message).toMatchObject({ authorType: 'agent', authorName: ownerActor.name, channel: 'web', deliveryStatus: 'pending' })
      statements = 0
      const again = await sendReply(deps, ownerActor, { conversationId: c.conversationId, body: 'Hello!', clientId })
      expect(statements).toBe(1)
      expect(again.duplicate).toBe(true)
      // the original as it is now: the delivery listener may have marked it sent meanwhile
      const { deliveryStatus, ...original } = reply.message
      expect(again.message).toMatchObject(original)
      expect([deliveryStatus, 'sent']).toContain(again.message.deliveryStatus)
      expect(changes).toEqual(['assigned'])
    } finally {
      off()
    }
  })

  it('stores a retry racing on another connection once, and answers both with the same message', async () => {
    const c = await visitorWithConversation()
    const here = { ...srv.running.deps, visitorMessages: new VisitorMessageBatcher(await countingSql()) }
    const there = { ...srv.running.deps, visitorMessages: new VisitorMessageBatcher(await countingSql()) }
    for (let round = 0; round < 5; round++) {
      const clientId = cid()
      const input = { channel: 'web' as const, visitorId: c.visitorId, conversationId: c.conversationId, body: `race ${round}`, clientId }
      const [a, b] = await Promise.all([receiveInbound(here, input), receiveInbound(there, input)])
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true])
      expect(a.message.id).toBe(b.message.id)
      const [count] = await srv.db.sql<{ n: number }[]>`select count(*)::int as n from messages where client_id = ${clientId}`
      expect(count!.n).toBe(1)
    }
    const seqs = await srv.db.sql<{ seq: number }[]>`select seq from messages where conversation_id = ${c.conversationId} order by seq`
    expect(seqs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it("answers someone else's conversation and a missing one alike: not found, nothing written", async () => {
    const mine = await visitorWithConversation()
    const theirs = await visitorWithConversation()
    const deps = srv.running.deps
    for (const conversationId of [theirs.conversationId, Bun.randomUUIDv7(), 'not-a-uuid']) {
      const attempt = receiveInbound(deps, { channel: 'web', visitorId: mine.visitorId, conversationId, body: 'hi', clientId: cid() })
      expect(attempt).rejects.toMatchObject({ code: 'conversation.not_found', status: 404 })
      await attempt.catch(() => {})
    }
    expect((await conversationRow(theirs.conversationId)).lastSeq).toBe(1)
  })

  it('changes the conversation exactly as the rules describe, for a visitor and for an agent', async () => {
    const c = await visitorWithConversation()
    const deps = srv.running.deps
    // a resolved conversation that a visitor writes in again
    expect((await owner.request('POST', `/api/conversations/${c.conversationId}/take`, {})).status).toBe(200)
    expect((await owner.request('POST', `/api/conversations/${c.conversationId}/resolve`, {})).status).toBe(200)
    let before = await conversationRow(c.conversationId)
    await receiveInbound(deps, { channel: 'web', visitorId: c.visitorId, conversationId: c.conversationId, body: 'back', clientId: cid() })
    let after = await conversationRow(c.conversationId)
    expect(state(after)).toEqual(applyEffect(state(before), effectOf({ type: 'visitor', id: c.visitorId }), after.lastMessageAt))
    expect(after.status).toBe('open')
    // an agent's answer ends the wait
    before = after
    await sendReply(deps, ownerActor, { conversationId: c.conversationId, body: 'welcome back', clientId: cid() })
    after = await conversationRow(c.conversationId)
    expect(state(after)).toEqual(applyEffect(state(before), effectOf({ type: 'agent', id: ownerActor.id }), after.lastMessageAt))
    expect(after.waitingSince).toBeNull()
  })
})
