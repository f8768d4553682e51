import { describe, expect, it } from 'bun:test'
import { createTestDb } from '../db/testing.ts'
import { spawnParley, twoProcessesForFile, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, EventStreamClient, VisitorClient, cid } from '../testing/harness.ts'
import { gzipSync } from 'node:zlib'

const nodes = twoProcessesForFile()

describe('two server processes on one database', () => {
  it('deliver messages, typing, assignment and presence to each other’s clients', async () => {
    const agentOnA = new AgentClient(nodes.a.url)
    expect((await agentOnA.login('owner@example.com', 'owner-password')).status).toBe(200)
    const dashA = await agentOnA.socket()
    const helloA = await dashA.waitFor('hello')

    const visitorOnB = await VisitorClient.create(nodes.b.url)
    const vws = await visitorOnB.socket()
    const helloB = await vws.waitFor('hello')
    expect(helloA.nodeId).not.toBe(helloB.nodeId)

    // visitor on B → dashboard on A
    const clientId = cid()
    vws.send({ type: 'message.send', clientId, body: 'Hello from process B' })
    const ack = await vws.waitFor('ack', (f) => f.clientId === clientId)
    const got = await dashA.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(got.message.body).toBe('Hello from process B')
    await dashA.waitFor('conversation', (f) => f.conversation.id === ack.conversationId && f.change === 'created')

    // typing on B → A
    vws.send({ type: 'typing', conversationId: ack.conversationId, typing: true })
    await dashA.waitFor('typing', (f) => f.conversationId === ack.conversationId && f.typing)

    // agent on A replies → visitor on B
    const replyId = cid()
    dashA.send({ type: 'message.send', clientId: replyId, conversationId: ack.conversationId, body: 'Answer from process A' })
    const rack = await dashA.waitFor('ack', (f) => f.clientId === replyId)
    const reply = await vws.waitFor('message', (f) => f.message.id === rack.messageId)
    expect(reply.message.body).toBe('Answer from process A')

    // an agent on B resolves → the dashboard on A sees it, with counts
    const agentOnB = new AgentClient(nodes.b.url)
    await agentOnB.login('owner@example.com', 'owner-password')
    const dashB = await agentOnB.socket()
    await dashB.waitFor('hello')
    // presence: the agent's connection on B keeps them online for A's dashboard
    await agentOnB.request('POST', `/api/conversations/${ack.conversationId}/resolve`)
    await dashA.waitFor('conversation', (f) => f.conversation.id === ack.conversationId && f.change === 'resolved')
    await dashA.waitFor('counts')
    dashA.send({ type: 'status.set', status: 'away' })
    await dashB.waitFor('presence', (f) => f.presence.presence === 'away')

    for (const s of [dashA, dashB, vws]) s.close()
  })

  it("reconnect a visitor's tabs on the other process when the visitor signs in as a known user there", async () => {
    const { createHmac } = await import('node:crypto')
    const owner = new AgentClient(nodes.a.url)
    await owner.login('owner@example.com', 'owner-password')
    const { secret } = (await owner.request('GET', '/api/settings/identity')).body
    const sign = (id: string) => createHmac('sha256', secret).update(id).digest('hex')
    const known = await VisitorClient.create(nodes.a.url)
    expect((await known.request('POST', '/api/widget/identify', { id: 'cluster-user', hash: sign('cluster-user') })).status).toBe(200)
    // an anonymous visitor with a tab on B signs in on A as that user: its tab on B comes back as the user
    const anonymous = await VisitorClient.create(nodes.a.url)
    const sameBrowserOnB = Object.assign(new VisitorClient(nodes.b.url), { token: anonymous.token, id: anonymous.id })
    const tab = await sameBrowserOnB.socket()
    expect((await tab.waitFor('hello')).id).toBe(anonymous.id)
    const signedIn = await anonymous.request('POST', '/api/widget/identify', { id: 'cluster-user', hash: sign('cluster-user') })
    expect(signedIn.body).toMatchObject({ switched: true, visitor: { id: known.id } })
    expect((await tab.waitClosed(10_000)).code).toBe(1012)
  })

  it("tell the reading agent's tabs on the other process that a conversation was read", async () => {
    const visitor = await VisitorClient.create(nodes.a.url)
    const r = await visitor.request('POST', '/api/widget/messages', { body: 'Read me', clientId: cid() })
    expect(r.status).toBe(201)
    const id = r.body.conversation.id as string
    const onA = new AgentClient(nodes.a.url)
    const onB = new AgentClient(nodes.b.url)
    await onA.login('owner@example.com', 'owner-password')
    await onB.login('owner@example.com', 'owner-password')
    const tabOnB = await onB.socket()
    await tabOnB.waitFor('hello')
    expect((await onA.request('GET', '/api/conversations/unread')).body.unread[id]).toBe(1)
    expect((await onA.request('POST', `/api/conversations/${id}/read`, { seq: 1 })).body).toEqual({ seq: 1, unread: 0, upTo: 1 })
    expect(await tabOnB.waitFor('read', (f) => f.conversationId === id)).toEqual({ type: 'read', conversationId: id, seq: 1, unread: 0, upTo: 1 })
    expect((await onB.request('GET', '/api/conversations/unread')).body.unread[id]).toBeUndefined()
    tabOnB.close()
  })

  it("tell the other process's dashboards of a private note, and the mentioned agent there of the mention", async () => {
    const ownerOnB = new AgentClient(nodes.b.url)
    expect((await ownerOnB.login('owner@example.com', 'owner-password')).status).toBe(200)
    expect((await ownerOnB.request('POST', '/api/agents', { email: 'maya@example.com', name: 'Maya Cluster', password: 'maya-password-1', role: 'full' })).status).toBe(201)
    const mayaOnA = new AgentClient(nodes.a.url)
    expect((await mayaOnA.login('maya@example.com', 'maya-password-1')).status).toBe(200)
    const dash = await mayaOnA.socket()
    await dash.waitFor('hello')
    const visitor = await VisitorClient.create(nodes.b.url)
    const sent = await visitor.request('POST', '/api/widget/messages', { body: 'Who can help?', clientId: cid() })
    const conversationId = sent.body.conversation.id
    const note = await ownerOnB.request('POST', `/api/conversations/${conversationId}/notes`, { body: '@Maya Cluster can you take this?', clientId: cid() })
    expect(note.status).toBe(201)
    const got = await dash.waitFor('note', (f) => f.note.conversationId === conversationId)
    expect(got.note.body).toBe('@Maya Cluster can you take this?')
    const mention = await dash.waitFor('mention', (f) => f.note.id === got.note.id)
    expect(mention.conversation.id).toBe(conversationId)
    dash.close()
  })

  it('push a recording chunk stored on one process to a live view streaming from the other', async () => {
    const agentOnA = new AgentClient(nodes.a.url)
    expect((await agentOnA.login('owner@example.com', 'owner-password')).status).toBe(200)
    const visitorOnB = await VisitorClient.create(nodes.b.url)
    const rec = Bun.randomUUIDv7()
    const chunk = (seq: number, at: number) =>
      fetch(`${nodes.b.url}/api/widget/recordings/${rec}/chunks/${seq}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${visitorOnB.token}`, 'content-type': 'application/octet-stream' },
        body: gzipSync(JSON.stringify([{ type: 3, timestamp: at, data: { source: 1, positions: [{ x: 1, y: 2, id: 1, timeOffset: 0 }] } }])),
      }).then((r) => r.status)
    const t0 = Date.now() - 5000
    expect(await chunk(0, t0)).toBe(201)
    const stream = await EventStreamClient.open(`${nodes.a.url}/api/recordings/${rec}/live`, { cookie: agentOnA.cookie })
    await stream.waitFor('ready')
    expect(await chunk(1, t0 + 1000)).toBe(201)
    // Chunk 0's notice from b may still be on its way when the stream opens, and then the stream
    // hears it too: what matters is that chunk 1, stored on b, reaches the stream on a.
    let seen = await stream.waitFor('chunk')
    if (seen.data === '0') seen = await stream.waitFor('chunk', 10_000, stream.events.indexOf(seen) + 1)
    expect(seen.data).toBe('1')
    stream.close()
  })
})

describe('a burst across processes', () => {
  it("relays a burst of messages from several visitors (read together, one payload at a time) complete and in each conversation's order", async () => {
    const agentOnA = new AgentClient(nodes.a.url)
    await agentOnA.login('owner@example.com', 'owner-password')
    const dashA = await agentOnA.socket()
    await dashA.waitFor('hello')
    const visitors = await Promise.all(Array.from({ length: 4 }, () => VisitorClient.create(nodes.b.url)))
    const sockets = await Promise.all(visitors.map((v) => v.socket()))
    await Promise.all(sockets.map((s) => s.waitFor('hello')))
    const from = dashA.frames.length
    // Sent without waiting: B commits them in batches, and announces each batch in one notification.
    const sent = sockets.flatMap((s, v) => Array.from({ length: 6 }, (_, i) => {
      const clientId = cid()
      s.send({ type: 'message.send', clientId, body: `burst ${v}.${i}` })
      return clientId
    }))
    const acks = await Promise.all(sockets.flatMap((s, v) => sent.slice(v * 6, v * 6 + 6).map((id) => s.waitFor('ack', (f) => f.clientId === id))))
    const ids = new Set(acks.map((k) => k.messageId))
    for (const id of ids) await dashA.waitFor('message', (f) => f.message.id === id, 10_000, from)
    const got = dashA.frames.slice(from).flatMap((f) => (f.type === 'message' && ids.has(f.message.id) ? [f] : []))
    expect(new Set(got.map((f) => f.message.id)).size).toBe(ids.size)
    for (let v = 0; v < visitors.length; v++) {
      const bodies = got.filter((f) => f.message.body.startsWith(`burst ${v}.`)).map((f) => f.message.body)
      expect(bodies).toEqual(Array.from({ length: 6 }, (_, i) => `burst ${v}.${i}`))
    }
    for (const s of sockets) s.close()
    dashA.close()
  }, 30_000)
})

describe('system events and collision across processes (#15)', () => {
  it("relay who views a conversation and what happened to it to the other process's dashboards, never to the visitor", async () => {
    const ownerOnA = new AgentClient(nodes.a.url)
    await ownerOnA.login('owner@example.com', 'owner-password')
    const created = await ownerOnA.request('POST', '/api/agents', { email: 'alex@example.com', name: 'Alex', password: 'agent-password', role: 'full' })
    expect(created.status).toBe(201)
    const alexOnB = new AgentClient(nodes.b.url)
    expect((await alexOnB.login('alex@example.com', 'agent-password')).status).toBe(200)

    const visitor = await VisitorClient.create(nodes.b.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const c = cid()
    vws.send({ type: 'message.send', clientId: c, body: 'Anyone on either process?' })
    const { conversationId } = await vws.waitFor('ack', (f) => f.clientId === c)

    const dashA = await ownerOnA.socket()
    await dashA.waitFor('counts')
    const dashB = await alexOnB.socket()
    await dashB.waitFor('counts')
    // Alex opens the conversation on B: the owner's dashboard on A hears it, by name.
    dashB.send({ type: 'viewing', conversationId, hello: true })
    const seen = await dashA.waitFor('viewing', (f) => f.conversationId === conversationId && f.viewing)
    expect([seen.agentName, seen.hello]).toEqual(['Alex', true])

    // The owner takes it on A: Alex's dashboard on B gets the line.
    expect((await ownerOnA.request('POST', `/api/conversations/${conversationId}/take`)).status).toBe(200)
    const line = await dashB.waitFor('conversation.event', (f) => f.event.conversationId === conversationId)
    expect([line.event.kind, line.event.actor?.name]).toEqual(['taken', 'Olivia'])

    // Alex's tab on B closes: A hears that Alex left the conversation.
    dashB.close()
    await dashA.waitFor('viewing', (f) => f.conversationId === conversationId && !f.viewing && f.agentName === 'Alex')
    await Bun.sleep(200)
    expect(vws.frames.filter((f) => (f.type as string) === 'viewing' || (f.type as string) === 'conversation.event')).toEqual([])
    for (const s of [dashA, vws]) s.close()
  })
})

describe('a process alone, then joined', () => {
  it('sends no notifications while alone, and relays to a process that starts later', async () => {
    const db2 = await createTestDb()
    const env = { DATABASE_URL: db2.url, PARLEY_OWNER_EMAIL: 'owner@example.com', PARLEY_OWNER_PASSWORD: 'owner-password' }
    const heard: { from: string; notes?: { kind: string }[]; hello?: boolean }[] = []
    const listening = await db2.sql.listen('parley_events', (p) => heard.push(JSON.parse(p)))
    const first = await spawnParley(env)
    let second: ParleyProcess | null = null
    try {
      const visitor = await VisitorClient.create(first.url)
      const vws = await visitor.socket()
      await vws.waitFor('hello')
      const c1 = cid()
      vws.send({ type: 'message.send', clientId: c1, body: 'nobody else is here' })
      const ack = await vws.waitFor('ack', (f) => f.clientId === c1)
      await Bun.sleep(200)
      expect(heard.filter((h) => h.notes)).toEqual([])
      expect(heard.filter((h) => h.hello)).toHaveLength(1)

      second = await spawnParley(env)
      const agent = new AgentClient(second.url)
      await agent.login('owner@example.com', 'owner-password')
      const dash = await agent.socket()
      await dash.waitFor('hello')
      const c2 = cid()
      vws.send({ type: 'message.send', clientId: c2, conversationId: ack.conversationId, body: 'now someone is' })
      const ack2 = await vws.waitFor('ack', (f) => f.clientId === c2)
      const got = await dash.waitFor('message', (f) => f.message.id === ack2.messageId)
      expect(got.message.body).toBe('now someone is')
      expect(heard.some((h) => h.notes?.some((n) => n.kind === 'message'))).toBe(true)
      dash.close()
      vws.close()
    } finally {
      await listening.unlisten()
      await Promise.all([first.kill(), second?.kill()])
      await db2.drop()
    }
  })
})
