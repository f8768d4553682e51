// Blocking (#16) through the API and the sockets, with two Parley servers on one database (each
// with its own hub and LISTEN/NOTIFY relay, as two processes are).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, TestSocket, VisitorClient, cid, startTestServer, type TestServer } from '../testing/harness.ts'
import { receiveInbound } from '../domain/messages/messages.usecases.ts'
import { findOrCreateVisitorByEmail } from '../domain/visitors/visitors.usecases.ts'
import { isBlocked } from '../domain/blocking/blocking.usecases.ts'

let a: TestServer
let b: TestServer
let owner: AgentClient
let agent: AgentClient
let ownerOnB: AgentClient

const options = { trustProxy: ['127.0.0.1'] }

beforeAll(async () => {
  a = await startTestServer(options)
  b = await startTestServer(options, a.db)
  owner = new AgentClient(a.url)
  expect((await owner.setup()).status).toBe(201)
  const r = await owner.request('POST', '/api/agents', { email: 'lim@example.com', name: 'Lima', password: 'agent-password-x', role: 'limited' })
  expect(r.status).toBe(201)
  agent = new AgentClient(a.url)
  expect((await agent.login('lim@example.com', 'agent-password-x')).status).toBe(200)
  ownerOnB = new AgentClient(b.url)
  expect((await ownerOnB.login('owner@example.com', 'owner-password')).status).toBe(200)
})
afterAll(async () => {
  await b.stop()
  await a.stop()
})

/** A visitor created from `ip` (through the trusted proxy header), with an open socket. */
async function visitorFrom(srv: TestServer, ip: string): Promise<{ visitor: VisitorClient; ws: TestSocket }> {
  const res = await fetch(`${srv.url}/api/widget/visitors`, { method: 'POST', headers: { 'x-forwarded-for': ip } })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { token: string; visitor: { id: string } }
  const visitor = new VisitorClient(srv.url)
  visitor.token = body.token
  visitor.id = body.visitor.id
  const ws = await openFrom(srv, visitor, ip)
  await ws.waitFor('hello')
  return { visitor, ws }
}

const openFrom = (srv: TestServer, visitor: VisitorClient, ip: string) =>
  TestSocket.open(`${srv.url.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(visitor.token)}`, { 'x-forwarded-for': ip })

async function send(ws: TestSocket, body: string) {
  const clientId = cid()
  ws.send({ type: 'message.send', clientId, body })
  return ws.waitFor('ack', (f) => f.clientId === clientId)
}

async function messageCount(conversationId: string): Promise<number> {
  const [row] = await a.db.sql<{ n: number }[]>`select count(*)::int as n from messages where conversation_id = ${conversationId}`
  return row!.n
}

describe('blocking a visitor', () => {
  it('closes their live sockets on every process, refuses new ones with an error frame, and keeps their data', async () => {
    const { visitor, ws: onA } = await visitorFrom(a, '198.51.100.10')
    const onB = await openFrom(b, visitor, '198.51.100.10')
    await onB.waitFor('hello')
    const ack = await send(onA, 'I have a question')
    // a bystander from another address is untouched
    const other = await visitorFrom(b, '198.51.100.11')

    const r = await agent.request('PUT', `/api/visitors/${visitor.id}/block`, { reason: 'Abusive language' })
    expect(r.status).toBe(200)
    expect(r.body.block).toMatchObject({ visitorId: visitor.id, reason: 'Abusive language', blockedBy: { name: 'Lima' } })

    for (const ws of [onA, onB]) {
      expect((await ws.waitClosed()).code).toBe(4003)
      expect(ws.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'visitor.blocked', message: 'chat is not available' })
    }
    // a new socket, on either process: an error frame, then closed, without a hello
    for (const srv of [a, b]) {
      const again = await openFrom(srv, visitor, '198.51.100.10')
      expect((await again.waitClosed()).code).toBe(4003)
      expect(again.frames.map((f) => f.type)).toEqual(['error'])
    }
    // HTTP doors refuse too, and nothing is stored
    const http = await visitor.request('POST', '/api/widget/messages', { body: 'let me in', clientId: cid(), conversationId: ack.conversationId })
    expect([http.status, http.body.error.code]).toEqual([403, 'visitor.blocked'])
    const contact = await visitor.request('POST', '/api/widget/contact', { email: 'x@example.com', body: 'hello', clientId: cid() })
    expect(contact.status).toBe(403)
    expect((await visitor.request('GET', '/api/widget/me')).status).toBe(403)
    // a recording chunk is refused too, and no recording is made
    const chunk = await fetch(`${a.url}/api/widget/recordings/${Bun.randomUUIDv7()}/chunks/0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'application/octet-stream' },
      body: JSON.stringify([{ type: 4, timestamp: Date.now(), data: { href: 'http://shop.test/', width: 1, height: 1 } }]),
    })
    expect(chunk.status).toBe(403)
    expect((await a.db.sql`select count(*)::int as n from recordings where visitor_id = ${visitor.id}`)[0]!.n).toBe(0)
    expect(await messageCount(ack.conversationId)).toBe(1)
    const card = await owner.request('GET', `/api/visitors/${visitor.id}`)
    expect(card.status).toBe(200)
    expect(card.body.email).toBeNull()

    // the bystander still chats
    expect((await send(other.ws, 'Still here')).seq).toBe(1)
    expect(other.ws.closed).toBeNull()

    // undo: the visitor chats again, and the first message is still there
    expect((await agent.request('DELETE', `/api/visitors/${visitor.id}/block`)).status).toBe(200)
    const back = await openFrom(b, visitor, '198.51.100.10')
    await back.waitFor('hello')
    expect((await send(back, 'Thanks for unblocking')).seq).toBe(2)
    expect((await owner.request('GET', `/api/visitors/${visitor.id}/block`)).body).toEqual({ block: null })
    back.close()
    other.ws.close()
  })

  it('refuses a blocked visitor\'s e-mail and Messenger messages too (their identities are the visitor)', async () => {
    const visitorId = await findOrCreateVisitorByEmail(a.db.sql, { address: 'pest@example.com', name: 'Pest' })
    const deps = a.running.deps
    const first = await receiveInbound(deps, { channel: 'email', visitorId, body: 'first mail', clientId: '<1@example.com>' })
    expect((await owner.request('PUT', `/api/visitors/${visitorId}/block`, {})).status).toBe(200)
    for (const channel of ['email', 'messenger', 'web'] as const) {
      const refused = await receiveInbound(deps, { channel, visitorId, body: 'again', clientId: `${channel}-2` }).catch((e) => e)
      expect([refused.code, refused.status]).toEqual(['visitor.blocked', 403])
    }
    expect(await messageCount(first.conversation.id)).toBe(1)
    // the other process learns of the block through the relay, not its own cache
    // (b had cached "no blocks at all": only the relay's note makes it look again; it arrives a moment later.)
    const deadline = Date.now() + 5_000
    while (!(await isBlocked(b.running.deps, { visitorId })) && Date.now() < deadline) await Bun.sleep(20)
    const onB = await receiveInbound(b.running.deps, { channel: 'email', visitorId, body: 'via b', clientId: 'b-1' }).catch((e) => e)
    expect(onB.code).toBe('visitor.blocked')
  })

  it('answers 404 for an unknown visitor and refuses a reason longer than 500 characters', async () => {
    expect((await agent.request('PUT', `/api/visitors/${crypto.randomUUID()}/block`, {})).status).toBe(404)
    expect((await agent.request('PUT', '/api/visitors/not-a-uuid/block', {})).status).toBe(404)
    const v = await VisitorClient.create(a.url)
    const r = await agent.request('PUT', `/api/visitors/${v.id}/block`, { reason: 'x'.repeat(501) })
    expect(r.status).toBe(400)
    expect((await owner.request('GET', `/api/visitors/${v.id}/block`)).body).toEqual({ block: null })
  })
})

describe('blocking IP ranges', () => {
  it('lets only the owner manage ranges and refuses bad ones with a clear 400, storing nothing', async () => {
    expect((await agent.request('POST', '/api/settings/blocking/ranges', { range: '192.0.2.0/24' })).status).toBe(403)
    expect((await agent.request('GET', '/api/settings/blocking')).status).toBe(403)
    const cases: [string, string][] = [
      ['0.0.0.0/0', 'every visitor'],
      ['::/0', 'every visitor'],
      ['192.0.2.1/24', 'did you mean 192.0.2.0/24?'],
      ['300.1.1.1', 'not an IPv4 or IPv6 address'],
      ['10.0.0.0/40', 'from 1 to 32'],
      ['', 'enter an IP address'],
    ]
    for (const [range, says] of cases) {
      const r = await owner.request('POST', '/api/settings/blocking/ranges', { range })
      expect([range, r.status, r.body.error.code]).toEqual([range, 400, 'blocking.invalid_range'])
      expect(r.body.error.message).toContain(says)
    }
    expect((await owner.request('POST', '/api/settings/blocking/ranges', { range: 'x'.repeat(101) })).status).toBe(400)
    expect((await owner.request('GET', '/api/settings/blocking')).body.ranges).toEqual([])
  })

  it('blocks a range live on every process: sockets inside it close, new visitors and sockets are refused', async () => {
    const inside = await visitorFrom(b, '203.0.113.45')
    const mapped = await visitorFrom(a, '::ffff:203.0.113.46')
    const outside = await visitorFrom(a, '203.0.114.1')
    const v6 = await visitorFrom(b, '2001:db8:1::5')

    const r = await owner.request('POST', '/api/settings/blocking/ranges', { range: '203.0.113.0/24', reason: 'Spam wave' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ range: '203.0.113.0/24', reason: 'Spam wave', blockedBy: { name: 'Olivia Owner' } })
    expect((await owner.request('POST', '/api/settings/blocking/ranges', { range: '203.0.113.0/24' })).status).toBe(409)
    expect((await inside.ws.waitClosed()).code).toBe(4003)
    expect((await mapped.ws.waitClosed()).code).toBe(4003)

    const six = await ownerOnB.request('POST', '/api/settings/blocking/ranges', { range: '2001:db8::/32' })
    expect(six.status).toBe(201)
    expect((await v6.ws.waitClosed()).code).toBe(4003)

    // new visitors from inside are refused on both processes; from outside they are welcome
    for (const srv of [a, b]) {
      for (const ip of ['203.0.113.200', '2001:db8:ffff::1', '::ffff:203.0.113.7']) {
        const res = await fetch(`${srv.url}/api/widget/visitors`, { method: 'POST', headers: { 'x-forwarded-for': ip } })
        expect([ip, res.status]).toEqual([ip, 403])
      }
    }
    // an existing visitor who moves into the range is refused at the socket
    const moved = await openFrom(a, outside.visitor, '203.0.113.99')
    expect((await moved.waitClosed()).code).toBe(4003)
    expect((await send(outside.ws, 'I am outside')).seq).toBe(1)

    // The owner's range blocks are in the audit log (field names, never values).
    const audit = await owner.request('GET', '/api/audit')
    const recorded = audit.body.filter((e: { action: string }) => e.action === 'POST /api/settings/blocking/ranges')
    expect(recorded.map((e: { fields: string[] }) => e.fields)).toEqual([['range'], ['range', 'reason']])
    const list = await owner.request('GET', '/api/settings/blocking')
    expect(list.body.ranges.map((x: { range: string }) => x.range)).toEqual(['2001:db8::/32', '203.0.113.0/24'])
    // undo on the other process: the range is welcome again everywhere
    const id = list.body.ranges[1].id
    expect((await ownerOnB.request('DELETE', `/api/settings/blocking/ranges/${id}`)).status).toBe(200)
    expect((await ownerOnB.request('DELETE', `/api/settings/blocking/ranges/${id}`)).status).toBe(404)
    const res = await fetch(`${a.url}/api/widget/visitors`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.200' } })
    expect(res.status).toBe(201)
    outside.ws.close()
  })

  it('answers the check from the GiST index with >>=', async () => {
    // The table is tiny here, so the planner would scan it; with scans off it shows the index is usable.
    const rows = await a.db.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`
      return tx.unsafe(`explain select exists (select 1 from blocked_ranges where range >>= '2001:db8::1'::inet)`)
    })
    const text = rows.map((r) => Object.values(r as Record<string, string>)[0]).join('\n')
    expect(text).toContain('blocked_ranges_contains')
  })
})
