// Private notes (#16) end to end: a real Parley, the visitor's real socket, the SMTP test sink and
// the fake Graph API. A note reaches agents only — never the widget (live or on reload), never a
// mail to the visitor, never Messenger — and an @mention tells the mentioned agent live, and by
// mail when they are offline.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer, type TestSocket } from '../../testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../../testing/mail.ts'
import { APP_SECRET, FakeGraph, connectPage, eventually, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from '../../channels/messenger/testing/fake-graph.ts'
import { mentionsIn } from './notes.rules.ts'
import { freePort } from '../../db/embedded.ts'

let PUBLIC_URL = ''
let srv: TestServer
let owner: AgentClient
let alex: AgentClient
let alexId: string
let sink: SmtpSink
let graph: FakeGraph

beforeAll(async () => {
  // The dashboard accepts requests only from PUBLIC_URL, so it is this server's own address.
  const port = await freePort()
  PUBLIC_URL = `http://127.0.0.1:${port}`
  ;({ srv, owner } = await startWithOwner({ port, publicUrl: PUBLIC_URL }))
  sink = await startSmtpSink()
  const smtp = await owner.request('PUT', '/api/settings/email', {
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@support.test', fromName: 'Acme Support' },
    imap: null,
  })
  expect(smtp.status).toBe(200)
  const a = await owner.request('POST', '/api/agents', { email: 'alex@example.com', name: 'Alex Smith', password: 'agent-password', role: 'full' })
  expect(a.status).toBe(201)
  alexId = a.body.id
  alex = new AgentClient(srv.url)
  expect((await alex.login('alex@example.com', 'agent-password')).status).toBe(200)
  graph = new FakeGraph()
}, 60_000)
afterAll(async () => {
  graph?.stop()
  await sink?.stop()
  await srv?.stop()
})

async function visitorWrites(visitor: VisitorClient, body: string): Promise<string> {
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  return r.body.conversation.id
}

const note = (who: AgentClient, id: string, body: string, clientId = cid()) =>
  who.request('POST', `/api/conversations/${id}/notes`, { body, clientId })

describe('mentionsIn', () => {
  const agents = [
    { id: 'a', name: 'Ann' },
    { id: 'b', name: 'Ann Lee' },
    { id: 'c', name: 'Bob' },
  ]
  it('finds agents named after @, the longest name first, ignoring case', () => {
    expect(mentionsIn('@ann lee please look', agents)).toEqual(['b'])
    expect(mentionsIn('@Ann and @BOB, see this', agents).sort()).toEqual(['a', 'c'])
  })
  it('does not take a longer word or an address for a mention', () => {
    expect(mentionsIn('@Annabel, mail bob@Bobcat.test', agents)).toEqual([])
    expect(mentionsIn('no mention of Ann here', agents)).toEqual([])
  })
})

describe('private notes', () => {
  it("are stored masked, shown to agents, and never reach the visitor's widget, live or after a reload", async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'My order is late')
    const tab: TestSocket = await visitor.socket()
    await tab.waitFor('hello')
    const dashboard = await owner.socket()
    await dashboard.waitFor('hello')
    const before = (await owner.request('GET', `/api/conversations/${id}`)).body

    const r = await note(owner, id, 'Secret: card 4111 1111 1111 1111, refund approved')
    expect(r.status).toBe(201)
    expect(r.body.note.body).toBe('Secret: card •••• •••• •••• 1111, refund approved')
    expect(r.body.note.authorName).toBe('Olivia Owner')
    // The agents' dashboards hear of it…
    const live = await dashboard.waitFor('note', (f) => f.note.id === r.body.note.id)
    expect(live.note.body).toContain('refund approved')
    // …and an agent's reply afterwards does reach the visitor: the socket works.
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'We are on it', clientId: cid() })).status).toBe(201)
    await tab.waitFor('message', (f) => f.message.body === 'We are on it')
    expect(JSON.stringify(tab.frames)).not.toContain('refund approved')
    expect(tab.frames.some((f) => f.type === 'note' || f.type === 'mention')).toBe(false)

    // The widget's history after a reload, its resume, and its list of conversations: no note.
    const history = await visitor.request('GET', `/api/widget/conversations/${id}/messages`)
    expect(history.body.map((m: { body: string }) => m.body)).toEqual(['My order is late', 'We are on it'])
    const tab2 = await visitor.socket()
    await tab2.waitFor('hello')
    tab2.send({ type: 'resume', conversationId: id, afterSeq: 0 })
    await tab2.waitFor('resumed')
    expect(JSON.stringify(tab2.frames)).not.toContain('refund approved')
    const list = await visitor.request('GET', '/api/widget/conversations')
    expect(JSON.stringify(list.body)).not.toContain('refund approved')

    // Not a message: no sequence number, no preview, nothing unread.
    const after = (await owner.request('GET', `/api/conversations/${id}`)).body
    expect(after.lastSeq).toBe(before.lastSeq + 1)
    expect(after.lastMessage.preview).toBe('We are on it')
    const notes = await alex.request('GET', `/api/conversations/${id}/notes`)
    expect(notes.body.map((n: { body: string }) => n.body)).toEqual(['Secret: card •••• •••• •••• 1111, refund approved'])
    tab.ws.close()
    tab2.ws.close()
    dashboard.ws.close()
  })

  it('is stored once for a retried client id, and refuses empty notes and unknown conversations without storing anything', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'Hello')
    const clientId = cid()
    expect((await note(owner, id, 'Once only', clientId)).status).toBe(201)
    const again = await note(owner, id, 'Once only', clientId)
    expect(again.status).toBe(200)
    expect(again.body.duplicate).toBe(true)
    expect((await note(owner, id, '   ')).status).toBe(400)
    expect((await note(owner, '00000000-0000-7000-8000-000000000000', 'Nowhere')).status).toBe(404)
    expect((await note(owner, 'not-a-uuid', 'Nowhere')).status).toBe(404)
    const anon = await fetch(`${srv.url}/api/conversations/${id}/notes`)
    expect(anon.status).toBe(401)
    expect((await owner.request('GET', `/api/conversations/${id}/notes`)).body.length).toBe(1)
  })

  it('is never e-mailed to a visitor who left: the reply written after it is, alone', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const contact = await visitor.request('POST', '/api/widget/contact', { email: 'vera@example.com', name: 'Vera', body: 'Call me back', clientId: cid() })
    expect(contact.status).toBe(201)
    const id = contact.body.conversation.id
    expect((await note(owner, id, 'Internal: she is a VIP, note-for-mail-test')).status).toBe(201)
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'We will call you today', clientId: cid() })).status).toBe(201)
    await sink.waitFor((m) => m.to.includes('vera@example.com') && (m.parsed.text ?? '').includes('We will call you today'))
    const toVisitor = sink.mails.filter((m) => m.to.includes('vera@example.com'))
    expect(toVisitor.length).toBeGreaterThan(0)
    expect(toVisitor.some((m) => m.raw.toString().includes('note-for-mail-test'))).toBe(false)
    // nothing for her waits in the outbox either: every row to her is a copy of a real reply
    const queued = await srv.db.sql<{ kind: string }[]>`select kind from outbox where to_address = 'vera@example.com'`
    expect(queued.map((q) => q.kind)).toEqual(['copy'])
  })

  it('is never sent to Messenger: the fake Graph API gets the reply and not the note', async () => {
    const page = await connectPage(owner, graph, { name: 'Acme Support' })
    const psid = newPsid()
    const text = `hello ${crypto.randomUUID()}`
    const mid = `m_${crypto.randomUUID().replaceAll('-', '')}`
    expect((await postWebhook(srv.url, page.pageId, webhookBody(messagingEntry(page.pageId, [textEvent(page.pageId, psid, mid, text)])), APP_SECRET)).status).toBe(200)
    const sql = srv.running.deps.sql
    const [row] = await eventually(() => sql`select c.id from conversations c join messages m on m.conversation_id = c.id where m.body = ${text}`, (r) => r.length > 0)
    const id = row!.id as string
    expect((await note(owner, id, 'Internal: messenger-note-secret')).status).toBe(201)
    expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'Reply on Messenger', clientId: cid() })).status).toBe(201)
    const sends = await eventually(async () => graph.sends.filter((s) => s.body.recipient.id === psid), (s) => s.length > 0)
    expect(sends.map((s) => s.body.message.text)).toEqual(['Reply on Messenger'])
    expect(JSON.stringify(graph.sends)).not.toContain('messenger-note-secret')
  })
})

describe('@mentions', () => {
  it('tells the mentioned agent live on their own tabs, and nobody else', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'Can someone check stock?')
    const alexTab = await alex.socket()
    await alexTab.waitFor('hello')
    // The socket's connection is counted just after its hello: a note right after the hello
    // could still find Alex offline (and mail Alex), as it once did in CI.
    await eventually(async () => (await owner.request('GET', '/api/agents')).body.find((a: { id: string }) => a.id === alexId), (a) => a.presence === 'online')
    const ownerTab = await owner.socket()
    await ownerTab.waitFor('hello')
    try {
      const before = sink.mails.length
      const r = await note(owner, id, '@Alex Smith can you check the warehouse?')
      expect(r.body.note.mentions).toEqual([alexId])
      const frame = await alexTab.waitFor('mention', (f) => f.note.id === r.body.note.id)
      expect(frame.conversation.id).toBe(id)
      expect(frame.note.authorName).toBe('Olivia Owner')
      await ownerTab.waitFor('note', (f) => f.note.id === r.body.note.id)
      expect(ownerTab.frames.some((f) => f.type === 'mention')).toBe(false)
      // Alex is online (a dashboard is connected): no mail.
      await Bun.sleep(300)
      expect(sink.mails.slice(before).filter((m) => m.to.includes('alex@example.com'))).toEqual([])
    } finally {
      // the next test needs Alex offline, whatever happened here
      alexTab.ws.close()
      ownerTab.ws.close()
    }
  })

  it('e-mails a mentioned agent who is offline, with a link to the conversation', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const id = await visitorWrites(visitor, 'Where is my parcel?')
    // no dashboard of Alex's is connected: Alex is offline
    await eventually(async () => (await owner.request('GET', '/api/agents')).body.find((a: { id: string }) => a.id === alexId), (a) => a.presence === 'offline')
    const r = await note(owner, id, 'Over to you @alex smith: courier 4111-1111-1111-1111 lost it')
    expect(r.status).toBe(201)
    const mail = await sink.waitFor((m) => m.to.includes('alex@example.com') && (m.parsed.text ?? '').includes(id))
    expect(mail.parsed.subject).toMatch(/^Olivia Owner mentioned you in a note/)
    expect(mail.parsed.text).toContain(`${PUBLIC_URL}/#/c/${id}`)
    expect(mail.parsed.text).toContain('courier ••••-••••-••••-1111 lost it')
    expect(mail.raw.toString()).not.toContain('4111-1111-1111-1111')
  })
})
