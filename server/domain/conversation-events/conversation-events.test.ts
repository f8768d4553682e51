// System events (#15 "the thread tells its story"): each kind recorded once, in the transaction
// of its change, pushed live to the dashboards — and never to the visitor: not on the widget's
// socket, not in the visitor's messages, not by e-mail, not to Messenger, never unread, never the
// list's preview.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer, type TestSocket } from '../../testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../../testing/mail.ts'
import { APP_SECRET, FakeGraph, connectPage, eventually, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from '../../channels/messenger/testing/fake-graph.ts'
import { recordConversationEvent, listConversationEvents } from './conversation-events.usecases.ts'

let srv: TestServer
let owner: AgentClient
let alex: AgentClient
let alexId: string
let ownerId: string
let sink: SmtpSink
let graph: FakeGraph

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner({ messenger: { retryDelaysMs: [50] } }))
  sink = await startSmtpSink({ rejectRecipient: (a) => (a.startsWith('bounce') ? '550 no such mailbox' : null) })
  const r = await owner.request('POST', '/api/agents', { email: 'alex@example.com', name: 'Alex', password: 'agent-password', role: 'limited' })
  expect(r.status).toBe(201)
  alexId = r.body.id
  alex = new AgentClient(srv.url)
  expect((await alex.login('alex@example.com', 'agent-password')).status).toBe(200)
  ownerId = (await owner.request('GET', '/api/auth/me')).body.agent.id
  const s = await owner.request('PUT', '/api/settings/email', {
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@shop.test', fromName: 'Shop Support' },
    imap: null,
  })
  expect(s.status).toBe(200)
  graph = new FakeGraph()
}, 60_000)
afterAll(async () => {
  graph?.stop()
  await sink?.stop()
  await srv?.stop()
})

const sql = () => srv.running.deps.sql
type Ev = { id: string; kind: string; actor: { id: string | null; name: string } | null; agent: { id: string | null; name: string } | null; afterSeq: number; data: Record<string, unknown> }
const eventsOf = async (id: string) => {
  const r = await owner.request('GET', `/api/conversations/${id}/events`)
  expect(r.status).toBe(200)
  return r.body as Ev[]
}
const stored = async (id: string) => (await sql()`select count(*)::int as n from conversation_events where conversation_id = ${id}`)[0]!.n as number

async function visitorWrites(visitor: VisitorClient, body: string): Promise<{ id: string; seq: number }> {
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  return { id: r.body.conversation.id, seq: r.body.message.seq }
}

/** A visitor with their widget's socket open, and what it receives. */
async function visitorWithSocket(): Promise<{ visitor: VisitorClient; socket: TestSocket; id: string }> {
  const visitor = await VisitorClient.create(srv.url)
  const socket = await visitor.socket()
  await socket.waitFor('hello')
  const { id } = await visitorWrites(visitor, 'Hello, is anyone there?')
  return { visitor, socket, id }
}

describe('assignment events', () => {
  it('records taken, transferred, assigned and unassigned once each, by whom, and pushes them to every dashboard', async () => {
    const { socket: widget, id } = await visitorWithSocket()
    const dash = await owner.socket()
    await dash.waitFor('counts')

    expect((await alex.request('POST', `/api/conversations/${id}/take`)).status).toBe(200)
    const taken = await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'taken')
    expect(taken.event.actor).toEqual({ id: alexId, name: 'Alex' })
    expect(taken.event.afterSeq).toBe(1)

    expect((await owner.request('POST', `/api/conversations/${id}/assign`, { agentId: ownerId })).status).toBe(200)
    const moved = await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'transferred')
    expect([moved.event.actor?.name, moved.event.agent?.name, moved.event.data.fromName]).toEqual(['Olivia Owner', 'Olivia Owner', 'Alex'])

    expect((await owner.request('POST', `/api/conversations/${id}/assign`, { agentId: null })).status).toBe(200)
    expect((await owner.request('POST', `/api/conversations/${id}/assign`, { agentId: alexId })).status).toBe(200)
    // the same assignment again changes nothing, so it tells nothing
    expect((await owner.request('POST', `/api/conversations/${id}/assign`, { agentId: alexId })).status).toBe(200)
    await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'assigned')

    const events = await eventsOf(id)
    expect(events.map((e) => [e.kind, e.actor?.name ?? null, e.agent?.name ?? null])).toEqual([
      ['taken', 'Alex', 'Alex'],
      ['transferred', 'Olivia Owner', 'Olivia Owner'],
      ['unassigned', 'Olivia Owner', null],
      ['assigned', 'Olivia Owner', 'Alex'],
    ])
    expect(await stored(id)).toBe(4)
    // The widget's socket heard none of it.
    await Bun.sleep(100)
    expect(widget.frames.filter((f) => f.type === 'conversation.event')).toEqual([])
    widget.close()
    dash.close()
  })

  it('records nothing when the change is refused', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const { id } = await visitorWrites(visitor, 'Hi')
    expect((await owner.request('POST', `/api/conversations/${id}/take`)).status).toBe(200)
    // a limited agent may not take someone else's conversation, nor resolve it
    expect((await alex.request('POST', `/api/conversations/${id}/take`)).status).toBe(403)
    expect((await alex.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(403)
    expect((await eventsOf(id)).map((e) => e.kind)).toEqual(['taken'])
  })

  it('records the event in the caller\'s transaction: rolled back with it, nothing stays', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const { id } = await visitorWrites(visitor, 'Hi')
    await expect(
      sql().begin(async (tx) => {
        expect(await recordConversationEvent(tx, { conversationId: id, kind: 'rated', data: { rating: 'good' } })).not.toBeNull()
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect(await stored(id)).toBe(0)
    await sql().begin((tx) => recordConversationEvent(tx, { conversationId: id, kind: 'transferred_to_group', actorAgentId: ownerId, data: { groupName: 'Billing' } }))
    expect((await listConversationEvents({ sql: sql() }, id)).map((e) => [e.kind, e.actor?.name, e.data])).toEqual([['transferred_to_group', 'Olivia Owner', { groupName: 'Billing' }]])
  })

  it('refuses an unknown kind', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const { id } = await visitorWrites(visitor, 'Hi')
    await expect(sql().begin((tx) => recordConversationEvent(tx, { conversationId: id, kind: 'exploded' as never }))).rejects.toThrow('unknown conversation event kind')
    expect(await stored(id)).toBe(0)
  })
})

describe('resolve and reopen', () => {
  it('records resolved by whom and "reopened: the visitor wrote" before the visitor\'s message, with no trace for the visitor', async () => {
    const { visitor, socket: widget, id } = await visitorWithSocket()
    const dash = await alex.socket()
    await dash.waitFor('counts')
    // Alex answers an unassigned conversation: that takes it.
    expect((await alex.request('POST', `/api/conversations/${id}/messages`, { body: 'Hi, Alex here', clientId: cid() })).status).toBe(201)
    await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'taken')
    expect((await alex.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'resolved')
    const before = (await owner.request('GET', `/api/conversations/${id}`)).body

    const start = dash.frames.length
    const again = await visitorWrites(visitor, 'One more question')
    const reopened = await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'reopened', 5000, start)
    expect(reopened.event.data).toEqual({ reason: 'visitor_wrote' })
    expect(reopened.event.actor).toBeNull()
    expect(reopened.event.afterSeq).toBe(again.seq - 1)
    // in order: the line first, then the message it is about
    const idx = (pred: (f: (typeof dash.frames)[number]) => boolean) => dash.frames.findIndex((f, i) => i >= start && pred(f))
    await dash.waitFor('message', (f) => f.message.seq === again.seq, 5000, start)
    expect(idx((f) => f.type === 'conversation.event')).toBeLessThan(idx((f) => f.type === 'message' && f.message.seq === again.seq))

    expect((await alex.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    expect((await alex.request('POST', `/api/conversations/${id}/reopen`)).status).toBe(200)
    const events = await eventsOf(id)
    expect(events.map((e) => [e.kind, e.actor?.name ?? null, e.data.reason ?? null, e.afterSeq])).toEqual([
      ['taken', 'Alex', null, 1],
      ['resolved', 'Alex', null, 2],
      ['reopened', null, 'visitor_wrote', 2],
      ['resolved', 'Alex', null, 3],
      ['reopened', 'Alex', 'agent', 3],
    ])

    // Not messages: the sequence is the messages' alone, the preview is the visitor's words,
    // and nothing of it is unread.
    const after = (await owner.request('GET', `/api/conversations/${id}`)).body
    expect(after.lastSeq).toBe(3)
    expect(after.lastMessage.preview).toBe('One more question')
    expect(before.lastMessage.preview).toBe('Hi, Alex here')
    expect((await alex.request('GET', '/api/conversations/unread')).body.unread[id]).toBe(2)
    const visitorSees = await visitor.request('GET', `/api/widget/conversations/${id}/messages`)
    expect(visitorSees.status).toBe(200)
    expect((visitorSees.body as { body: string }[]).map((m) => m.body)).toEqual(['Hello, is anyone there?', 'Hi, Alex here', 'One more question'])
    await Bun.sleep(100)
    expect(widget.frames.filter((f) => f.type === 'conversation.event')).toEqual([])
    expect(JSON.stringify(widget.frames)).not.toContain('visitor_wrote')
    widget.close()
    dash.close()
  })
})

describe('e-mail copies and transcripts', () => {
  it('records that the copy of a reply was e-mailed, and e-mails nothing about it', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const c = await visitor.request('POST', '/api/widget/contact', { email: 'jana@example.cz', name: 'Jana', body: 'Is the blue jacket back?', clientId: cid() })
    expect(c.status).toBe(201)
    const id = c.body.conversation.id as string
    const dash = await owner.socket()
    await dash.waitFor('counts')
    const mailsBefore = sink.mails.length
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'Yes, it is back in stock', clientId: cid() })).status).toBe(201)
    const sent = await dash.waitFor('conversation.event', (f) => f.event.conversationId === id && f.event.kind === 'email_sent', 10_000)
    expect(sent.event.data).toEqual({ mail: 'copy' })
    await sink.waitFor((m) => m.to.includes('jana@example.cz'), 10_000, mailsBefore)
    await Bun.sleep(200)
    // one mail: the copy itself; the event is no mail
    expect(sink.mails.slice(mailsBefore).map((m) => m.parsed.text?.trim())).toEqual(['Yes, it is back in stock'])
    expect((await eventsOf(id)).map((e) => e.kind)).toEqual(['taken', 'email_sent'])

    // the transcript the visitor asks for
    const t = await visitor.request('POST', `/api/widget/conversations/${id}/transcript`, { language: 'en' })
    expect(t.status).toBe(202)
    await eventually(() => eventsOf(id), (e) => e.length === 3)
    expect((await eventsOf(id))[2]!.data).toEqual({ mail: 'transcript' })
    dash.close()
  })

  it('records a copy that could not be sent, with the reason', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const c = await visitor.request('POST', '/api/widget/contact', { email: 'bounce@example.cz', name: 'Petr', body: 'Do you ship to Brno?', clientId: cid() })
    expect(c.status).toBe(201)
    const id = c.body.conversation.id as string
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'We do', clientId: cid() })).status).toBe(201)
    const events = await eventually(() => eventsOf(id), (e) => e.some((x) => x.kind === 'email_failed'), 15_000)
    expect(events.find((e) => e.kind === 'email_failed')!.data).toEqual({ mail: 'copy', code: 'smtp.rejected_recipient' })
    expect(events.filter((e) => e.kind.startsWith('email_')).length).toBe(1)
  })
})

describe('other channels', () => {
  it('sends nothing to Messenger when a Messenger conversation is taken, resolved and reopened', async () => {
    const page = await connectPage(owner, graph, { name: 'Acme Support' })
    const psid = newPsid()
    const text = `hello ${crypto.randomUUID()}`
    const mid = () => `m_${crypto.randomUUID().replaceAll('-', '')}`
    expect((await postWebhook(srv.url, page.pageId, webhookBody(messagingEntry(page.pageId, [textEvent(page.pageId, psid, mid(), text)])), APP_SECRET)).status).toBe(200)
    const [row] = await eventually(() => sql()`select c.id from conversations c join messages m on m.conversation_id = c.id where m.body = ${text}`, (r) => r.length > 0)
    const id = row!.id as string
    expect((await owner.request('POST', `/api/conversations/${id}/take`)).status).toBe(200)
    expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    const again = `again ${crypto.randomUUID()}`
    expect((await postWebhook(srv.url, page.pageId, webhookBody(messagingEntry(page.pageId, [textEvent(page.pageId, psid, mid(), again)])), APP_SECRET)).status).toBe(200)
    await eventually(() => eventsOf(id), (e) => e.some((x) => x.kind === 'reopened'))
    await Bun.sleep(200)
    expect(graph.sends.filter((s) => s.body.recipient.id === psid)).toEqual([])
    expect((await eventsOf(id)).map((e) => e.kind)).toEqual(['taken', 'resolved', 'reopened'])
  })
})
