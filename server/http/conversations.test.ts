import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startTestServer, startWithOwner, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let full: AgentClient
let limA: AgentClient
let limB: AgentClient

async function agent(email: string, role: 'full' | 'limited') {
  await owner.request('POST', '/api/agents', { email, name: email.split('@')[0], password: 'agent-password', role })
  const c = new AgentClient(srv.url)
  await c.login(email, 'agent-password')
  return c
}

/** A visitor writes; returns the new conversation's id. */
async function visitorWrites(body = 'Hello'): Promise<{ visitor: VisitorClient; id: string }> {
  const visitor = await VisitorClient.create(srv.url)
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  return { visitor, id: r.body.conversation.id }
}

beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
  full = await agent('full@example.com', 'full')
  limA = await agent('lima@example.com', 'limited')
  limB = await agent('limb@example.com', 'limited')
})
afterAll(() => srv.stop())

const statusOf = async (id: string) => (await owner.request('GET', `/api/conversations/${id}`)).body

describe('resolve permission', () => {
  const cases: [string, () => AgentClient, 'self' | 'other' | 'none', number][] = [
    ['the owner', () => owner, 'other', 200],
    ['the owner', () => owner, 'none', 200],
    ['a full-access agent', () => full, 'other', 200],
    ['a full-access agent', () => full, 'none', 200],
    ['a limited agent', () => limA, 'self', 200],
    ['a limited agent', () => limA, 'other', 403],
    ['a limited agent', () => limA, 'none', 403],
  ]
  for (const [who, client, assigned, status] of cases) {
    const where = assigned === 'self' ? 'their own' : assigned === 'other' ? "a colleague's" : 'an unassigned'
    it(`${status === 200 ? 'lets' : 'forbids'} ${who} resolve ${where} conversation`, async () => {
      const { id } = await visitorWrites()
      if (assigned === 'self') expect((await client().request('POST', `/api/conversations/${id}/take`)).status).toBe(200)
      if (assigned === 'other') expect((await limB.request('POST', `/api/conversations/${id}/take`)).status).toBe(200)
      const before = await statusOf(id)
      const r = await client().request('POST', `/api/conversations/${id}/resolve`)
      expect(r.status).toBe(status)
      const after = await statusOf(id)
      if (status === 200) {
        expect(after.status).toBe('resolved')
        expect(after.resolvedBy).toBe(client().agent!.id)
      } else {
        expect(r.body.error.code).toBe('conversation.forbidden')
        expect(after).toEqual(before)
      }
    })
  }
})

describe('assignment permission', () => {
  it('lets anyone take an unassigned conversation', async () => {
    const { id } = await visitorWrites()
    const r = await limA.request('POST', `/api/conversations/${id}/take`)
    expect(r.status).toBe(200)
    expect(r.body.assignee.id).toBe(limA.agent!.id)
  })

  it("forbids a limited agent to take or move a colleague's conversation, and changes nothing", async () => {
    const { id } = await visitorWrites()
    await limB.request('POST', `/api/conversations/${id}/take`)
    expect((await limA.request('POST', `/api/conversations/${id}/take`)).status).toBe(403)
    expect((await limA.request('POST', `/api/conversations/${id}/assign`, { agentId: full.agent!.id })).status).toBe(403)
    expect((await limA.request('POST', `/api/conversations/${id}/assign`, { agentId: null })).status).toBe(403)
    expect((await statusOf(id)).assignee.id).toBe(limB.agent!.id)
  })

  it('lets a limited agent hand over their own conversation', async () => {
    const { id } = await visitorWrites()
    await limA.request('POST', `/api/conversations/${id}/take`)
    const r = await limA.request('POST', `/api/conversations/${id}/assign`, { agentId: limB.agent!.id })
    expect(r.status).toBe(200)
    expect(r.body.assignee.id).toBe(limB.agent!.id)
  })

  it('forbids a limited agent to assign an unassigned conversation to someone else', async () => {
    const { id } = await visitorWrites()
    expect((await limA.request('POST', `/api/conversations/${id}/assign`, { agentId: limB.agent!.id })).status).toBe(403)
    expect((await statusOf(id)).assignee).toBeNull()
  })

  it('lets full-access agents and the owner reassign and unassign anything', async () => {
    const { id } = await visitorWrites()
    await limA.request('POST', `/api/conversations/${id}/take`)
    expect((await full.request('POST', `/api/conversations/${id}/assign`, { agentId: limB.agent!.id })).body.assignee.id).toBe(limB.agent!.id)
    expect((await owner.request('POST', `/api/conversations/${id}/assign`, { agentId: null })).body.assignee).toBeNull()
    expect((await full.request('POST', `/api/conversations/${id}/take`)).body.assignee.id).toBe(full.agent!.id)
  })

  it('refuses assigning to an unknown agent', async () => {
    const { id } = await visitorWrites()
    const r = await owner.request('POST', `/api/conversations/${id}/assign`, { agentId: '00000000-0000-7000-8000-000000000000' })
    expect(r.status).toBe(404)
    expect((await statusOf(id)).assignee).toBeNull()
  })

  it('assigns an unassigned conversation to the agent who answers it', async () => {
    const { id } = await visitorWrites()
    const r = await full.request('POST', `/api/conversations/${id}/messages`, { body: 'On it!', clientId: cid() })
    expect(r.status).toBe(201)
    expect(r.body.conversation.assignee.id).toBe(full.agent!.id)
    expect(r.body.conversation.waitingSince).toBeNull()
  })
})

describe('open and resolved', () => {
  it('reopens a resolved conversation when the visitor writes again, in the same transaction', async () => {
    const { visitor, id } = await visitorWrites('First')
    await owner.request('POST', `/api/conversations/${id}/resolve`)
    expect((await statusOf(id)).status).toBe('resolved')
    const r = await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'One more thing', clientId: cid() })
    expect(r.status).toBe(201)
    expect(r.body.conversation.id).toBe(id)
    expect(r.body.conversation.status).toBe('open')
    expect(r.body.conversation.resolvedAt).toBeNull()
    // without a conversation id the visitor's latest conversation continues too
    await owner.request('POST', `/api/conversations/${id}/resolve`)
    const again = await visitor.request('POST', '/api/widget/messages', { body: 'And another', clientId: cid() })
    expect(again.body.conversation.id).toBe(id)
    expect(again.body.conversation.status).toBe('open')
    expect(again.body.message.seq).toBe(3)
  })

  it('does not reopen when the message fails, and stores nothing', async () => {
    const { visitor, id } = await visitorWrites('First')
    await owner.request('POST', `/api/conversations/${id}/resolve`)
    const r = await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: '   ', clientId: cid() })
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('message.empty')
    const c = await statusOf(id)
    expect(c.status).toBe('resolved')
    expect(c.lastSeq).toBe(1)
  })

  it('lets an agent allowed to resolve reopen, and forbids the rest', async () => {
    const { id } = await visitorWrites()
    await limB.request('POST', `/api/conversations/${id}/take`)
    await limB.request('POST', `/api/conversations/${id}/resolve`)
    expect((await limA.request('POST', `/api/conversations/${id}/reopen`)).status).toBe(403)
    expect((await limB.request('POST', `/api/conversations/${id}/reopen`)).body.status).toBe('open')
  })
})

describe('lists', () => {
  it('splits Open into Unassigned (oldest wait first), Mine and Others, with counts', async () => {
    const s = await startTestServer()
    try {
      const o = new AgentClient(s.url)
      await o.setup()
      await o.request('POST', '/api/agents', { email: 'f@example.com', name: 'F', password: 'agent-password', role: 'full' })
      const f = new AgentClient(s.url)
      await f.login('f@example.com', 'agent-password')
      const ids: string[] = []
      for (let i = 0; i < 6; i++) {
        const v = await VisitorClient.create(s.url)
        ids.push((await v.request('POST', '/api/widget/messages', { body: `visitor ${i}`, clientId: cid() })).body.conversation.id)
      }
      await o.request('POST', `/api/conversations/${ids[1]}/take`)
      await o.request('POST', `/api/conversations/${ids[2]}/take`)
      await f.request('POST', `/api/conversations/${ids[3]}/take`)
      const view = async (c: AgentClient, v: string) => (await c.request('GET', `/api/conversations?view=${v}`)).body.items.map((x: { id: string }) => x.id)
      expect(await view(o, 'unassigned')).toEqual([ids[0], ids[4], ids[5]])
      expect((await view(o, 'mine')).sort()).toEqual([ids[1], ids[2]].sort())
      expect(await view(o, 'others')).toEqual([ids[3]])
      expect(await view(f, 'mine')).toEqual([ids[3]])
      expect((await view(f, 'others')).sort()).toEqual([ids[1], ids[2]].sort())
      const counts = (await o.request('GET', '/api/conversations/counts')).body
      expect(counts).toEqual({ unassigned: 3, unassignedByGroup: { '': 3 }, byAssignee: { [o.agent!.id]: 2, [f.agent!.id]: 1 } })
      const bad = await o.request('GET', '/api/conversations?view=everything')
      expect(bad.status).toBe(400)
    } finally {
      await s.stop()
    }
  })

  it('lists Resolved newest first in keyset pages with nothing skipped or repeated', async () => {
    const s = await startTestServer()
    try {
      const o = new AgentClient(s.url)
      await o.setup()
      const resolved: string[] = []
      for (let i = 0; i < 23; i++) {
        const v = await VisitorClient.create(s.url)
        const id = (await v.request('POST', '/api/widget/messages', { body: `q${i}`, clientId: cid() })).body.conversation.id
        await o.request('POST', `/api/conversations/${id}/resolve`)
        resolved.push(id)
      }
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const r: { body: { items: { id: string; resolvedAt: string }[]; nextCursor: string | null } } = await o.request(
          'GET',
          `/api/conversations?view=resolved&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        )
        seen.push(...r.body.items.map((x) => x.id))
        cursor = r.body.nextCursor
        pages++
      } while (cursor && pages < 10)
      expect(pages).toBe(3)
      expect(seen).toEqual([...resolved].reverse())
      expect((await o.request('GET', '/api/conversations?view=resolved&cursor=garbage')).status).toBe(400)

      // Times one microsecond apart, inside one millisecond: the cursor keeps PostgreSQL's
      // microseconds (a JavaScript Date would round them off and skip or repeat rows).
      await s.db.sql`update conversations set resolved_at = '2030-01-01 00:00:00.000100+00'::timestamptz + (interval '1 microsecond' * (ascii(right(id::text, 1)) % 7))
        where id = any(${resolved.slice(0, 6)}::uuid[])`
      const order = (await s.db.sql<{ id: string }[]>`select id from conversations where status = 'resolved' order by resolved_at desc, id desc`).map((r) => r.id)
      const paged: string[] = []
      cursor = null
      for (let i = 0; i < 30; i++) {
        const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await o.request('GET', `/api/conversations?view=resolved&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        paged.push(...r.body.items.map((x) => x.id))
        cursor = r.body.nextCursor
        if (!cursor) break
      }
      expect(paged).toEqual(order)
    } finally {
      await s.stop()
    }
  })
})

describe('bad input', () => {
  it('answers unknown and malformed ids with 404', async () => {
    expect((await owner.request('GET', '/api/conversations/00000000-0000-7000-8000-000000000000')).status).toBe(404)
    expect((await owner.request('GET', '/api/conversations/nope')).status).toBe(404)
    expect((await owner.request('POST', '/api/conversations/00000000-0000-7000-8000-000000000000/resolve')).status).toBe(404)
    const r = await owner.request('POST', '/api/conversations/00000000-0000-7000-8000-000000000000/messages', { body: 'hi', clientId: cid() })
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('conversation.not_found')
  })

  it('refuses wrong types, non-JSON and oversized bodies, and messages over 16 KB', async () => {
    const { visitor, id } = await visitorWrites()
    const wrong = await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 42, clientId: cid() })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.code).toBe('request.invalid')
    const notJson = await fetch(`${srv.url}/api/widget/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'application/json' },
      body: '{"body": "unterminated',
    })
    expect(notJson.status).toBe(400)
    const huge = await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'x'.repeat(2_000_000), clientId: cid() })
    expect(huge.status).toBe(413)
    const long = await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'é'.repeat(9000), clientId: cid() })
    expect(long.status).toBe(413)
    expect(long.body.error.code).toBe('message.too_long')
    const exactly = await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'a'.repeat(16 * 1024), clientId: cid() })
    expect(exactly.status).toBe(201)
    const msgs = await owner.request('GET', `/api/conversations/${id}/messages`)
    expect(msgs.body.map((m: { seq: number }) => m.seq)).toEqual([1, 2])
  })
})
