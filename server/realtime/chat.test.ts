import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, TestSocket, VisitorClient, cid, startTestServer, type TestServer } from '../testing/harness.ts'
import { recordingPool } from '../db/testing.ts'

let srv: TestServer
let owner: AgentClient

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
})
afterAll(() => srv.stop())

async function visitorSocket() {
  const visitor = await VisitorClient.create(srv.url)
  const ws = await visitor.socket()
  await ws.waitFor('hello')
  return { visitor, ws }
}

async function send(ws: TestSocket, body: string, conversationId?: string, clientId = cid()) {
  ws.send({ type: 'message.send', clientId, body, ...(conversationId ? { conversationId } : {}) })
  return ws.waitFor('ack', (f) => f.clientId === clientId)
}

describe('realtime chat', () => {
  it('delivers a visitor message to the dashboard and the reply back to the visitor', async () => {
    const agentWs = await owner.socket()
    await agentWs.waitFor('hello')
    const { ws: vws } = await visitorSocket()
    const ack = await send(vws, 'Hello, is anyone there?')
    expect(ack.seq).toBe(1)
    const seen = await agentWs.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(seen.message.body).toBe('Hello, is anyone there?')
    expect(seen.conversation.status).toBe('open')
    const rack = await send(agentWs, 'Hi! How can I help?', ack.conversationId)
    const got = await vws.waitFor('message', (f) => f.message.id === rack.messageId)
    expect(got.message.authorName).toBe('Olivia Owner')
    expect(got.message.seq).toBe(2)
    // the widget confirms it showed the reply; the dashboard sees it delivered
    vws.send({ type: 'delivered', conversationId: ack.conversationId, seq: 2 })
    const upd = await agentWs.waitFor('message.updated', (f) => f.message.id === rack.messageId && f.message.deliveryStatus === 'delivered')
    expect(upd.message.deliveryStatus).toBe('delivered')
    agentWs.close()
    vws.close()
  })

  it('acks only committed messages and stores a retried frame once', async () => {
    const { visitor, ws } = await visitorSocket()
    const clientId = cid()
    const first = await send(ws, 'Only once please', undefined, clientId)
    const n = ws.frames.length
    ws.send({ type: 'message.send', clientId, body: 'Only once please' })
    const second = await ws.waitFor('ack', (f) => f.clientId === clientId, 5000, n)
    expect(second.messageId).toBe(first.messageId)
    expect(second.duplicate).toBe(true)
    expect(first.duplicate).toBe(false)
    // Stored as sent: the ack does not send the text back.
    expect('body' in first).toBe(false)
    // an HTTP retry of the same frame is the same message too
    const http = await visitor.request('POST', '/api/widget/messages', { body: 'Only once please', clientId })
    expect(http.status).toBe(200)
    expect(http.body.message.id).toBe(first.messageId)
    // concurrent retries race on the unique index; still one row
    const racing = cid()
    const results = await Promise.all(
      Array.from({ length: 5 }, () => visitor.request('POST', '/api/widget/messages', { body: 'race', clientId: racing })),
    )
    expect(new Set(results.map((r) => r.body.message.id)).size).toBe(1)
    const msgs = await owner.request('GET', `/api/conversations/${first.conversationId}/messages`)
    expect(msgs.body.map((m: { body: string }) => m.body)).toEqual(['Only once please', 'race'])
    ws.close()
  })

  it('gives a reconnecting client what it missed after the last sequence it saw', async () => {
    const { visitor, ws } = await visitorSocket()
    // The hello names the visitor's newest conversation: none yet.
    expect(ws.frames.find((f) => f.type === 'hello')).toMatchObject({ role: 'visitor', id: visitor.id, conversationId: null })
    const a = await send(ws, 'one')
    await send(ws, 'two', a.conversationId)
    ws.close()
    for (const body of ['three (while away)', 'four (while away)']) {
      await owner.request('POST', `/api/conversations/${a.conversationId}/messages`, { body, clientId: cid() })
    }
    const again = await visitor.socket()
    expect(await again.waitFor('hello')).toMatchObject({ conversationId: a.conversationId })
    again.send({ type: 'resume', conversationId: a.conversationId, afterSeq: 2 })
    const done = await again.waitFor('resumed')
    expect(done.lastSeq).toBe(4)
    const missed = again.frames.filter((f) => f.type === 'message').map((f) => (f as { message: { seq: number; body: string } }).message)
    expect(missed.map((m) => [m.seq, m.body])).toEqual([
      [3, 'three (while away)'],
      [4, 'four (while away)'],
    ])
    again.close()

    // The usual reconnect missed nothing: told so at once, from the conversation alone (every
    // widget in a conversation resumes after a restart). The statements are counted on the way.
    const deps = srv.running.deps as { sql: object }
    const pool = deps.sql
    const recorded = recordingPool(pool)
    const third = await visitor.socket()
    await third.waitFor('hello')
    deps.sql = recorded.sql
    try {
      third.send({ type: 'resume', conversationId: a.conversationId, afterSeq: 4 })
      expect((await third.waitFor('resumed')).lastSeq).toBe(4)
    } finally {
      deps.sql = pool
    }
    expect(third.frames.filter((f) => f.type === 'message')).toEqual([])
    expect(recorded.statements(/from messages m\b/)).toBe(0)
    // (the conversation's statement: its own text holds the where, the view's columns are fragments)
    expect(recorded.statements(/where c\.id = \$/)).toBe(1)
    third.close()
  })

  it('keeps the order of frames sent in a burst', async () => {
    const { ws } = await visitorSocket()
    const first = await send(ws, 'm0')
    const ids = Array.from({ length: 20 }, () => cid())
    ids.forEach((clientId, i) => ws.send({ type: 'message.send', clientId, conversationId: first.conversationId, body: `m${i + 1}` }))
    for (const id of ids) await ws.waitFor('ack', (f) => f.clientId === id)
    const msgs = await owner.request('GET', `/api/conversations/${first.conversationId}/messages`)
    expect(msgs.body.map((m: { body: string }) => m.body)).toEqual(Array.from({ length: 21 }, (_, i) => `m${i}`))
    ws.close()
  })

  it('relays typing both ways', async () => {
    const agentWs = await owner.socket()
    await agentWs.waitFor('hello')
    const { ws: vws } = await visitorSocket()
    const ack = await send(vws, 'typing test')
    vws.send({ type: 'typing', conversationId: ack.conversationId, typing: true })
    const t1 = await agentWs.waitFor('typing', (f) => f.conversationId === ack.conversationId && f.from === 'visitor')
    expect(t1.typing).toBe(true)
    agentWs.send({ type: 'typing', conversationId: ack.conversationId, typing: true })
    const t2 = await vws.waitFor('typing', (f) => f.from === 'agent')
    expect(t2.agentName).toBe('Olivia Owner')
    agentWs.close()
    vws.close()
  })

  it('tells every dashboard about new conversations, assignment, resolve, reopen and counts', async () => {
    const d1 = await owner.socket()
    const second = new AgentClient(srv.url)
    await owner.request('POST', '/api/agents', { email: 'watcher@example.com', name: 'Watcher', password: 'agent-password', role: 'full' })
    await second.login('watcher@example.com', 'agent-password')
    const d2 = await second.socket()
    await d1.waitFor('hello')
    await d2.waitFor('hello')
    const { ws: vws } = await visitorSocket()
    const ack = await send(vws, 'new here')
    const id = ack.conversationId
    for (const d of [d1, d2]) await d.waitFor('conversation', (f) => f.conversation.id === id && f.change === 'created')
    const before = d2.frames.length
    await owner.request('POST', `/api/conversations/${id}/take`)
    for (const d of [d1, d2]) await d.waitFor('conversation', (f) => f.conversation.id === id && f.change === 'assigned' && f.conversation.assignee?.id === owner.agent!.id)
    const counts = await d2.waitFor('counts', (f) => f.counts.byAssignee[owner.agent!.id] !== undefined, 5000, before)
    expect(counts.counts.byAssignee[owner.agent!.id]).toBeGreaterThanOrEqual(1)
    await owner.request('POST', `/api/conversations/${id}/resolve`)
    for (const d of [d1, d2]) await d.waitFor('conversation', (f) => f.conversation.id === id && f.change === 'resolved')
    await send(vws, 'back again', id)
    for (const d of [d1, d2]) await d.waitFor('conversation', (f) => f.conversation.id === id && f.change === 'reopened' && f.conversation.status === 'open')
    // the visitor hears about the resolve as well (the widget can say the chat ended)
    await vws.waitFor('conversation', (f) => f.change === 'resolved')
    for (const s of [d1, d2, vws]) s.close()
  })
})

describe('bad frames', () => {
  it('answers each bad frame with an error frame and keeps the socket usable', async () => {
    const { ws } = await visitorSocket()
    const errorAfter = async (raw: unknown) => {
      const n = ws.frames.length
      ws.send(raw)
      return ws.waitFor('error', () => true, 5000, n)
    }
    expect((await errorAfter('this is not json')).code).toBe('frame.not_json')
    expect((await errorAfter('{"type": "message.send", "body": ')).code).toBe('frame.not_json')
    expect((await errorAfter('[1,2,3]')).code).toBe('frame.not_json')
    expect((await errorAfter({ type: 'launch.missiles' })).code).toBe('frame.unknown_type')
    const invalid = await errorAfter({ type: 'message.send', body: 5, clientId: 'x' })
    expect(invalid.code).toBe('frame.invalid')
    expect(invalid.ref).toBe('x')
    expect((await errorAfter({ type: 'message.send', body: 'hi' })).code).toBe('frame.invalid')
    expect((await errorAfter({ type: 'message.send', clientId: cid(), body: 'hi', language: 'xx' })).code).toBe('frame.invalid')
    expect((await errorAfter({ type: 'message.send', clientId: cid(), body: 'x'.repeat(70_000) })).code).toBe('frame.too_large')
    const tooLong = await errorAfter({ type: 'message.send', clientId: 'long', body: 'ž'.repeat(9000) })
    expect(tooLong.code).toBe('message.too_long')
    expect(tooLong.ref).toBe('long')
    expect((await errorAfter({ type: 'status.set', status: 'online' })).code).toBe('frame.forbidden')
    const nul = await errorAfter({ type: 'message.send', clientId: 'nul', body: 'a\u0000b' })
    expect([nul.code, nul.ref]).toEqual(['frame.invalid_text', 'nul'])
    expect((await errorAfter({ type: 'message.send', clientId: cid(), body: 'x\ud800y' })).code).toBe('frame.invalid_text')
    expect((await errorAfter({ type: 'page.view', url: 'https://shop.example/\u0000' })).code).toBe('frame.invalid_text')
    expect((await errorAfter({ type: 'resume', conversationId: cid(), afterSeq: 2 ** 40 })).code).toBe('frame.invalid')
    const n = ws.frames.length
    ws.ws.send(new Uint8Array([1, 2, 3]))
    expect((await ws.waitFor('error', () => true, 5000, n)).code).toBe('frame.binary')
    // still usable
    ws.send({ type: 'ping' })
    await ws.waitFor('pong')
    const ok = await send(ws, 'still here')
    expect(ok.seq).toBe(1)
    ws.close()
  })

  it('refuses sockets without a valid token or session', async () => {
    await expect(TestSocket.open(srv.url.replace('http', 'ws') + '/ws/visitor?token=forged', {})).rejects.toThrow()
    await expect(TestSocket.open(srv.url.replace('http', 'ws') + '/ws/visitor', {})).rejects.toThrow()
    await expect(TestSocket.open(srv.url.replace('http', 'ws') + '/ws/agent', {})).rejects.toThrow()
    await expect(
      TestSocket.open(srv.url.replace('http', 'ws') + '/ws/agent', { cookie: owner.cookie, origin: 'https://evil.example' }),
    ).rejects.toThrow()
  })
})

describe('visitor isolation', () => {
  it("keeps a visitor out of another visitor's conversation, over HTTP and the socket", async () => {
    const alice = await visitorSocket()
    const mallory = await visitorSocket()
    const ack = await send(alice.ws, 'my secret order number is 555')
    const id = ack.conversationId
    const read = await mallory.visitor.request('GET', `/api/widget/conversations/${id}/messages`)
    expect(read.status).toBe(404)
    expect(JSON.stringify(read.body)).not.toContain('secret')
    const write = await mallory.visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'injected', clientId: cid() })
    expect(write.status).toBe(404)
    const list = await mallory.visitor.request('GET', '/api/widget/conversations')
    expect(list.body).toEqual([])
    for (const frame of [
      { type: 'message.send', clientId: 'evil', conversationId: id, body: 'injected' },
      { type: 'resume', conversationId: id, afterSeq: 0 },
      { type: 'typing', conversationId: id, typing: true },
      { type: 'delivered', conversationId: id, seq: 1 },
    ]) {
      const n = mallory.ws.frames.length
      mallory.ws.send(frame)
      expect((await mallory.ws.waitFor('error', () => true, 5000, n)).code).toBe('conversation.not_found')
    }
    expect(mallory.ws.frames.some((f) => f.type === 'message')).toBe(false)
    const msgs = await owner.request('GET', `/api/conversations/${id}/messages`)
    expect(msgs.body.map((m: { body: string }) => m.body)).toEqual(['my secret order number is 555'])
    expect((await mallory.visitor.request('GET', '/api/widget/conversations')).status).toBe(200)
    expect((await new VisitorClient(srv.url).request('GET', '/api/widget/conversations')).status).toBe(401)
    alice.ws.close()
    mallory.ws.close()
  })
})

describe('frames for the dashboards, coalesced', () => {
  it('sends what is published to every dashboard in one turn as one batch frame, in order; a lone frame as itself', async () => {
    const agentWs = await owner.socket()
    await agentWs.waitFor('hello')
    await agentWs.waitFor('counts')
    const { ws: vws } = await visitorSocket()
    const first = await send(vws, 'the conversation')
    await agentWs.waitFor('message', (f) => f.message.id === first.messageId)
    const hub = srv.running.deps.hub
    // One turn: three presence frames published back to back.
    const before = { ...agentWs.received }
    for (const online of [true, false, true]) hub.publish('agents', { type: 'visitor.presence', visitorId: first.messageId, online })
    await agentWs.waitFor('visitor.presence', (f) => f.visitorId === first.messageId && agentWs.frames.filter((x) => x.type === 'visitor.presence' && x.visitorId === first.messageId).length === 3)
    expect(agentWs.received.batches - before.batches).toBe(1)
    expect(agentWs.received.messages - before.messages).toBe(1)
    const mine = agentWs.frames.filter((x) => x.type === 'visitor.presence' && x.visitorId === first.messageId) as { online: boolean }[]
    expect(mine.map((f) => f.online)).toEqual([true, false, true])
    // A frame alone in its turn is not wrapped.
    const alone = { ...agentWs.received }
    hub.publish('agents', { type: 'visitor.presence', visitorId: first.conversationId, online: true })
    await agentWs.waitFor('visitor.presence', (f) => f.visitorId === first.conversationId)
    expect(agentWs.received.messages - alone.messages).toBe(1)
    expect(agentWs.received.batches - alone.batches).toBe(0)
    // A turn with more than ~256 KB is split into several batch frames, still in order.
    const big = { ...agentWs.received }
    const name = (i: number) => `${i}`.padEnd(100_000, '.')
    for (let i = 0; i < 5; i++) hub.publish('agents', { type: 'typing', conversationId: first.conversationId, from: 'agent', agentId: first.messageId, agentName: name(i), typing: true })
    await agentWs.waitFor('typing', (f) => f.agentName === name(4))
    expect(agentWs.received.messages - big.messages).toBe(3)
    const typed = agentWs.frames.filter((f) => f.type === 'typing' && f.agentId === first.messageId) as { agentName: string }[]
    expect(typed.map((f) => f.agentName)).toEqual([0, 1, 2, 3, 4].map(name))
    // Messages stored together reach the dashboard complete and in order, however they were framed.
    const { ws: other } = await visitorSocket()
    const o = await send(other, 'first of a burst')
    const clientIds = Array.from({ length: 12 }, () => cid())
    for (const clientId of clientIds) other.send({ type: 'message.send', clientId, body: `burst ${clientId}`, conversationId: o.conversationId })
    await agentWs.waitFor('message', (f) => f.message.clientId === clientIds[11])
    const burst = agentWs.frames.filter((x) => x.type === 'message' && clientIds.includes(x.message.clientId ?? '')) as { message: { clientId: string; seq: number } }[]
    expect(burst.map((f) => f.message.clientId)).toEqual(clientIds)
    expect(burst.map((f) => f.message.seq)).toEqual(Array.from({ length: 12 }, (_, i) => o.seq + 1 + i))
  })
})
