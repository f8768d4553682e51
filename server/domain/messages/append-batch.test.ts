import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { receiveInbound, type MessageResult } from './messages.usecases.ts'
import { appendMessages } from './messages.repo.ts'
import type { AppendItem } from './messages.types.ts'
import { effectOf } from '../conversations/conversations.rules.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import { newId } from '../../shared/ids.ts'
import { isDatabaseUnavailable } from '../../shared/errors.ts'
import { createSql } from '../../db/client.ts'
import { openDbDoor } from '../../testing/db-door.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

/** A visitor with one web conversation (made by the widget's HTTP path). */
async function visitorWithConversation(): Promise<{ visitorId: string; conversationId: string }> {
  const v = await VisitorClient.create(srv.url)
  const r = await v.request('POST', '/api/widget/messages', { body: 'first', clientId: cid() })
  expect(r.status).toBe(201)
  return { visitorId: r.body.conversation.visitor.id, conversationId: r.body.conversation.id }
}

/** A visitor's message as receiveInbound hands it to the append statement. */
const visitorItem = (visitorId: string, conversationId: string, body: string, clientId: string | null = cid()): AppendItem => ({
  id: newId(),
  conversationId,
  author: { type: 'visitor', id: visitorId, name: null },
  effect: effectOf({ type: 'visitor', id: visitorId }),
  owner: visitorId,
  body: maskCardNumbers(body),
  preview: maskCardNumbers(body),
  clientId,
  channel: 'web',
  deliveryStatus: 'received',
  eventId: newId(),
})

const send = (visitorId: string, conversationId: string, body: string, clientId: string | null = cid()) =>
  receiveInbound(srv.running.deps, { channel: 'web', visitorId, conversationId, body, clientId })

describe('visitors\' messages stored in batches (group commit)', () => {
  it('stores concurrent messages of many conversations in few statements, numbered in arrival order', async () => {
    const convs = await Promise.all(Array.from({ length: 8 }, visitorWithConversation))
    const batcher = srv.running.deps.visitorMessages
    const before = { ...batcher.stats }
    // 8 conversations × 6 messages, all sent in the same turn of the event loop.
    const sends: Promise<MessageResult>[] = []
    for (let i = 0; i < 6; i++) for (const c of convs) sends.push(send(c.visitorId, c.conversationId, `message ${i}`))
    const results = await Promise.all(sends)
    expect(batcher.stats.batches - before.batches).toBeLessThanOrEqual(2)
    expect(batcher.stats.messages - before.messages).toBe(48)
    expect(batcher.stats.failed).toBe(before.failed)
    for (const c of convs) {
      const rows = await srv.db.sql<{ seq: number; body: string }[]>`
        select seq, body from messages where conversation_id = ${c.conversationId} order by seq`
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
      expect(rows.map((r) => r.body)).toEqual(['first', 'message 0', 'message 1', 'message 2', 'message 3', 'message 4', 'message 5'])
      const [conv] = await srv.db.sql<{ lastSeq: number; lastMessagePreview: string }[]>`
        select last_seq, last_message_preview from conversations where id = ${c.conversationId}`
      expect(conv).toEqual({ lastSeq: 7, lastMessagePreview: 'message 5' })
    }
    // Every caller got its own message back, with the number it was stored under.
    for (const r of results) {
      expect(r.duplicate).toBe(false)
      const [row] = await srv.db.sql<{ seq: number; body: string }[]>`select seq, body from messages where id = ${r.message.id}`
      expect(row).toEqual({ seq: r.message.seq, body: r.message.body })
    }
  })

  it('keeps every character of the text exactly (arrays carry quotes, braces, backslashes, NULL)', async () => {
    const c = await visitorWithConversation()
    const bodies = ['"quoted" and \'single\'', '{a,b} {"x":1}', 'back\\slash \\\\ \\"', 'NULL', 'null', 'ünïcödé 😀 ŁÓDŹ', 'line\nbreak\ttab', ' , ']
    const results = await Promise.all(bodies.map((b) => send(c.visitorId, c.conversationId, b)))
    const rows = await srv.db.sql<{ body: string }[]>`select body from messages where conversation_id = ${c.conversationId} and seq > 1 order by seq`
    expect(rows.map((r) => r.body)).toEqual(bodies)
    expect(results.map((r) => r.message.body)).toEqual(bodies)
  })

  it('reopens a resolved conversation once and reports it on the first message only', async () => {
    const c = await visitorWithConversation()
    const resolved = await owner.request('POST', `/api/conversations/${c.conversationId}/resolve`, {})
    expect(resolved.status).toBe(200)
    const changes: string[] = []
    srv.running.deps.bus.on('conversation.changed', ({ conversation, change }) => {
      if (conversation.id === c.conversationId) changes.push(change)
    })
    const [a, b] = await Promise.all([send(c.visitorId, c.conversationId, 'back again'), send(c.visitorId, c.conversationId, 'hello?')])
    expect(a!.conversation.status).toBe('open')
    const [conv] = await srv.db.sql<{ status: string; resolvedAt: Date | null; waitingSince: Date | null }[]>`
      select status, resolved_at, waiting_since from conversations where id = ${c.conversationId}`
    expect(conv!.status).toBe('open')
    expect(conv!.resolvedAt).toBeNull()
    expect(conv!.waitingSince).not.toBeNull()
    expect(changes).toEqual(['reopened'])
    expect([a!.message.seq, b!.message.seq]).toEqual([2, 3])
  })

  it('answers a retried client id with the original and leaves out someone else\'s conversation, changing nothing for either', async () => {
    const mine = await visitorWithConversation()
    const theirs = await visitorWithConversation()
    const retried = cid()
    const original = await send(mine.visitorId, mine.conversationId, 'original', retried)
    const items = [
      visitorItem(mine.visitorId, mine.conversationId, 'retry', retried),
      visitorItem(mine.visitorId, theirs.conversationId, 'intruder'),
      visitorItem(mine.visitorId, mine.conversationId, 'new one'),
    ]
    const outcomes = await appendMessages(srv.running.deps.sql, items)
    expect(outcomes.map((o) => o.kind)).toEqual(['seen', 'missing', 'stored'])
    const [seen, , stored] = outcomes
    if (seen!.kind !== 'seen' || stored!.kind !== 'stored') throw new Error('unexpected outcome')
    expect(seen!.message).toEqual(original.message)
    expect(seen!.conversation.id).toBe(mine.conversationId)
    expect(stored!.message.seq).toBe(original.message.seq + 1)
    expect(stored!.message.id).toBe(items[2]!.id)
    const retries = await srv.db.sql<{ n: number }[]>`select count(*)::int as n from messages where client_id = ${retried}`
    expect(retries[0]!.n).toBe(1)
    const [their] = await srv.db.sql<{ lastSeq: number; n: number }[]>`
      select last_seq, (select count(*)::int from messages where conversation_id = ${theirs.conversationId}) as n
      from conversations where id = ${theirs.conversationId}`
    expect(their).toEqual({ lastSeq: 1, n: 1 })
    // Through the use case, the same two get the same answers.
    const again = await send(mine.visitorId, mine.conversationId, 'retry', retried)
    expect(again.duplicate).toBe(true)
    expect(again.message.id).toBe(original.message.id)
    expect(send(mine.visitorId, theirs.conversationId, 'intruder')).rejects.toMatchObject({ code: 'conversation.not_found', status: 404 })
    // A retry sent while its original still waits in the queue is answered as a duplicate too.
    const twice = cid()
    const [x, y] = await Promise.all([send(mine.visitorId, mine.conversationId, 'twice', twice), send(mine.visitorId, mine.conversationId, 'twice', twice)])
    expect([x.duplicate, y.duplicate].sort()).toEqual([false, true])
    expect(x.message.id).toBe(y.message.id)
    const [count] = await srv.db.sql<{ n: number }[]>`select count(*)::int as n from messages where client_id = ${twice}`
    expect(count!.n).toBe(1)
  })

  it('when a batch fails as a whole, stores every other message one by one and fails only the bad one', async () => {
    const c = await visitorWithConversation()
    // A trigger that refuses one body makes the whole batch statement fail.
    await srv.db.sql.unsafe(`
      create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.body = 'boom' then raise exception 'refused by test trigger'; end if; return new; end $$;
      create trigger refuse_boom before insert on messages for each row execute function refuse_boom();`)
    try {
      const batcher = srv.running.deps.visitorMessages
      const failedBefore = batcher.stats.failed
      const outcomes = await Promise.allSettled(['one', 'two', 'boom', 'four'].map((b) => send(c.visitorId, c.conversationId, b)))
      expect(batcher.stats.failed).toBeGreaterThan(failedBefore)
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
      const rows = await srv.db.sql<{ seq: number; body: string }[]>`select seq, body from messages where conversation_id = ${c.conversationId} order by seq`
      expect(rows.map((r) => r.body).sort()).toEqual(['first', 'four', 'one', 'two'])
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4])
    } finally {
      await srv.db.sql.unsafe(`drop trigger refuse_boom on messages; drop function refuse_boom();`)
    }
  })
})

describe('a batch while the database is away', () => {
  it('fails every message of it at once as unavailable, without storing them one by one', async () => {
    const { VisitorMessageBatcher } = await import('./append-batch.ts')
    const c = await visitorWithConversation()
    const door = await openDbDoor(srv.db.url)
    const pool = createSql(door.url, { max: 2 })
    const wholeFailures: unknown[] = []
    const batcher = new VisitorMessageBatcher(pool, (error) => wholeFailures.push(error), 1, 0)
    try {
      const deps = { ...srv.running.deps, visitorMessages: batcher }
      await receiveInbound(deps, { channel: 'web', visitorId: c.visitorId, conversationId: c.conversationId, body: 'before', clientId: cid() })
      await door.shut()
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => receiveInbound(deps, { channel: 'web', visitorId: c.visitorId, conversationId: c.conversationId, body: `away ${i}`, clientId: cid() })),
      )
      expect(outcomes.every((o) => o.status === 'rejected' && isDatabaseUnavailable(o.reason))).toBe(true)
      expect(wholeFailures).toEqual([])
      await door.open()
      const [row] = await srv.db.sql<{ n: number }[]>`select count(*)::int as n from messages where conversation_id = ${c.conversationId} and body like 'away %'`
      expect(row!.n).toBe(0)
    } finally {
      await pool.end({ timeout: 0 })
      await door.close()
    }
  })
})

describe('two batches in the database at once', () => {
  it('numbers one conversation\'s messages from two tabs without gaps, and answers a retry of a message still in flight once', async () => {
    const { VisitorMessageBatcher } = await import('./append-batch.ts')
    const c = await visitorWithConversation()
    const batcher = new VisitorMessageBatcher(srv.running.deps.sql, () => {}, 2, 0)
    const deps = { ...srv.running.deps, visitorMessages: batcher }
    const sendVia = (body: string, clientId = cid()) =>
      receiveInbound(deps, { channel: 'web', visitorId: c.visitorId, conversationId: c.conversationId, body, clientId })
    // Two tabs write in turns: each tab's next message waits for its ack, as the socket does.
    const tab = async (name: string) => {
      const out: MessageResult[] = []
      for (let i = 0; i < 10; i++) out.push(await sendVia(`${name} ${i}`))
      return out
    }
    const retried = cid()
    const [a, b, r1, r2] = await Promise.all([tab('a'), tab('b'), sendVia('retried', retried), sendVia('retried', retried)])
    expect(batcher.stats.batches).toBeGreaterThan(2)
    const rows = await srv.db.sql<{ seq: number; body: string }[]>`select seq, body from messages where conversation_id = ${c.conversationId} order by seq`
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1))
    // Each tab's messages keep their order.
    for (const name of ['a', 'b']) {
      const mine = rows.filter((r) => r.body.startsWith(`${name} `)).map((r) => r.body)
      expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `${name} ${i}`))
    }
    expect([...a, ...b].every((m) => !m.duplicate)).toBe(true)
    expect([r1.duplicate, r2.duplicate].sort()).toEqual([false, true])
    expect(r1.message.id).toBe(r2.message.id)
    expect(rows.filter((r) => r.body === 'retried')).toHaveLength(1)
  })
})
