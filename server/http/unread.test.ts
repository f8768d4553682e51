// Unread per agent and conversation (#15): stored in PostgreSQL, so it survives a reload and
// follows the agent to every tab; each agent reads for themself.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer, type TestSocket } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let alex: AgentClient

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  expect((await owner.request('POST', '/api/agents', { email: 'alex@example.com', name: 'Alex', password: 'agent-password', role: 'full' })).status).toBe(201)
  alex = new AgentClient(srv.url)
  expect((await alex.login('alex@example.com', 'agent-password')).status).toBe(200)
})
afterAll(() => srv.stop())

async function visitorWrites(visitor: VisitorClient, body: string): Promise<string> {
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  return r.body.conversation.id
}

const unreadOf = async (who: AgentClient) => (await who.request('GET', '/api/conversations/unread')).body.unread as Record<string, number>
const lastSeq = async (id: string) => (await owner.request('GET', `/api/conversations/${id}`)).body.lastSeq as number

describe('unread visitor messages', () => {
  it("counts a visitor's messages as unread for every agent until that agent reads them", async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'Hello?')
    await visitorWrites(visitor, 'Anyone?')
    expect((await unreadOf(owner))[id]).toBe(2)
    expect((await unreadOf(alex))[id]).toBe(2)

    const r = await owner.request('POST', `/api/conversations/${id}/read`, { seq: await lastSeq(id) })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ seq: 2, unread: 0, upTo: 2 })
    expect((await unreadOf(owner))[id]).toBeUndefined()
    // Alex has not read it: reading is each agent's own.
    expect((await unreadOf(alex))[id]).toBe(2)

    await visitorWrites(visitor, 'Still there?')
    expect((await unreadOf(owner))[id]).toBe(1)
    expect((await unreadOf(alex))[id]).toBe(3)
    // Each count says which of the conversation's seqs it accounts for, so a dashboard can place a
    // message frame that crossed the answer before or after it.
    expect((await alex.request('GET', '/api/conversations/unread')).body.upTo[id]).toBe(3)
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'Yes', clientId: cid() })).status).toBe(201)
    expect((await alex.request('GET', '/api/conversations/unread')).body.upTo[id]).toBe(4)
  })

  it("does not count an agent's replies, and stops counting once the conversation is resolved", async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'A question')
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'An answer', clientId: cid() })).status).toBe(201)
    expect((await unreadOf(alex))[id]).toBe(1)
    expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    expect((await unreadOf(alex))[id]).toBeUndefined()
  })

  it('never marks read messages unread again, and cannot mark read what has not been written yet', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'One')
    await visitorWrites(visitor, 'Two')
    expect((await alex.request('POST', `/api/conversations/${id}/read`, { seq: 2 })).body).toEqual({ seq: 2, unread: 0, upTo: 2 })
    // An older tab that read only the first message does not take the second back.
    expect((await alex.request('POST', `/api/conversations/${id}/read`, { seq: 1 })).body).toEqual({ seq: 2, unread: 0, upTo: 2 })
    // A number from the future is clamped to the last message: the next one is unread.
    expect((await alex.request('POST', `/api/conversations/${id}/read`, { seq: 99 })).body).toEqual({ seq: 2, unread: 0, upTo: 2 })
    await visitorWrites(visitor, 'Three')
    expect((await unreadOf(alex))[id]).toBe(1)
  })

  it('tells every tab of the reading agent, and no other agent', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'Ping')
    const tabA: TestSocket = await alex.socket()
    const tabB: TestSocket = await alex.socket()
    const ownerTab: TestSocket = await owner.socket()
    await Promise.all([tabA.waitFor('counts'), tabB.waitFor('counts'), ownerTab.waitFor('counts')])
    expect((await alex.request('POST', `/api/conversations/${id}/read`, { seq: 1 })).status).toBe(200)
    for (const tab of [tabA, tabB]) expect(await tab.waitFor('read', (f) => f.conversationId === id)).toEqual({ type: 'read', conversationId: id, seq: 1, unread: 0, upTo: 1 })
    // The owner's tab had the same chance to hear it: a later frame arrives, the read one never does.
    await owner.request('POST', `/api/conversations/${id}/read`, { seq: 0 })
    await ownerTab.waitFor('read', (f) => f.conversationId === id && f.seq === 0)
    expect(ownerTab.frames.filter((f) => f.type === 'read' && f.seq === 1)).toEqual([])
    for (const s of [tabA, tabB, ownerTab]) s.close()
  })

  it('answers bad input with a 4xx and changes nothing', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'Hi')
    for (const body of [{ seq: -1 }, { seq: 1.5 }, { seq: 'one' }, {}, { seq: 2 ** 31 }]) {
      expect((await alex.request('POST', `/api/conversations/${id}/read`, body)).status).toBe(400)
    }
    expect((await alex.request('POST', `/api/conversations/${Bun.randomUUIDv7()}/read`, { seq: 1 })).status).toBe(404)
    expect((await alex.request('POST', '/api/conversations/not-an-id/read', { seq: 1 })).status).toBe(404)
    expect((await new AgentClient(srv.url).request('POST', `/api/conversations/${id}/read`, { seq: 1 })).status).toBe(401)
    expect((await unreadOf(alex))[id]).toBe(1)
    const [row] = await srv.db.sql`select count(*)::int as n from conversation_reads where conversation_id = ${id}`
    expect(row!.n).toBe(0)
  })
})
