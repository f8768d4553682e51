// Meta's webhook, end to end against a real Parley and database: the handshake, signatures over
// the exact bytes, batched and retried deliveries, every kind of event Meta documents, and what a
// person sees of them in the dashboard.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { APP_ID, APP_SECRET, FakeGraph, connectPage, eventually, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from './testing/fake-graph.ts'
import { signatureOf } from './signature.ts'

let srv: TestServer
let owner: AgentClient
let graph: FakeGraph
let page: Awaited<ReturnType<typeof connectPage>>

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  graph = new FakeGraph()
  page = await connectPage(owner, graph, { name: 'Acme Support' })
}, 60_000)
afterAll(async () => {
  graph?.stop()
  await srv?.stop()
})

const sql = () => srv.running.deps.sql
const mid = () => `m_${crypto.randomUUID().replaceAll('-', '')}`
const send = (body: unknown) => postWebhook(srv.url, page.pageId, body, APP_SECRET)
const one = (event: unknown) => webhookBody(messagingEntry(page.pageId, [event]))
/** A message event from this person to the page, now. */
const messageFrom = (psid: string, message: unknown) => send(one({ sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), message }))

type Conv = { id: string; channel: string; status: string; visitor: { id: string; name: string | null }; lastMessage: { preview: string } }
type Msg = { id: string; body: string; authorType: string; authorId: string | null; deliveryStatus: string; seq: number }

async function conversationOf(psid: string): Promise<Conv> {
  const [row] = await eventually(
    () => sql()`select visitor_id from visitor_identities where channel = 'messenger' and external_id = ${`${page.pageId}:${psid}`}`,
    (rows) => rows.length > 0,
  )
  const conv = await eventually(
    async () => (await owner.request('GET', `/api/visitors/${row!.visitorId}/conversations`)).body as Conv[],
    (list) => Array.isArray(list) && list.some((c) => c.channel === 'messenger'),
  )
  return conv.find((c) => c.channel === 'messenger')!
}
const messages = async (conversationId: string) => (await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body as Msg[]
const messagesUntil = (conversationId: string, done: (m: Msg[]) => boolean) => eventually(() => messages(conversationId), done)
const inboxCount = async () => Number((await sql()`select count(*)::int as n from messenger_inbox`)[0]!.n)
const conversationCount = async () => Number((await sql()`select count(*)::int as n from conversations`)[0]!.n)
const idle = () => eventually(inboxCount, (n) => n === 0)

describe('the webhook handshake', () => {
  it("answers Meta's verification with exactly the challenge when the verify token is the page's", async () => {
    const r = await fetch(`${srv.url}/webhooks/messenger/${page.pageId}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(page.verifyToken)}&hub.challenge=1158201444`)
    expect(r.status).toBe(200)
    expect(await r.text()).toBe('1158201444')
  })

  it('answers 403 to a wrong verify token, another mode, or a page that is not connected', async () => {
    const at = (q: string, pageId = page.pageId) => fetch(`${srv.url}/webhooks/messenger/${pageId}?${q}`).then((r) => r.status)
    expect(await at(`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).toBe(403)
    expect(await at(`hub.mode=unsubscribe&hub.verify_token=${encodeURIComponent(page.verifyToken)}&hub.challenge=1`)).toBe(403)
    expect(await at(`hub.mode=subscribe&hub.challenge=1`)).toBe(403)
    expect(await at(`hub.mode=subscribe&hub.verify_token=${encodeURIComponent(page.verifyToken)}&hub.challenge=1`, '999')).toBe(403)
  })
})

describe('signatures', () => {
  it('refuses a delivery without a signature with 401 and stores nothing', async () => {
    await idle()
    const [inbox, convs] = [await inboxCount(), await conversationCount()]
    const r = await postWebhook(srv.url, page.pageId, one(textEvent(page.pageId, newPsid(), mid(), 'unsigned')), null)
    expect(r.status).toBe(401)
    await Bun.sleep(200)
    expect([await inboxCount(), await conversationCount()]).toEqual([inbox, convs])
  })

  it('refuses a wrong signature, one made with another secret, or one for an unknown page with 403 and stores nothing', async () => {
    await idle()
    const [inbox, convs] = [await inboxCount(), await conversationCount()]
    const body = one(textEvent(page.pageId, newPsid(), mid(), 'forged'))
    const bytes = new TextEncoder().encode(JSON.stringify(body))
    expect((await postWebhook(srv.url, page.pageId, body, null, 'sha256=' + '0'.repeat(64))).status).toBe(403)
    expect((await postWebhook(srv.url, page.pageId, body, null, signatureOf(bytes, 'another-app-secret-0000000000000'))).status).toBe(403)
    expect((await postWebhook(srv.url, page.pageId, body, null, 'sha1=abc')).status).toBe(403)
    expect((await postWebhook(srv.url, '12345', body, APP_SECRET)).status).toBe(403)
    await Bun.sleep(200)
    expect([await inboxCount(), await conversationCount()]).toEqual([inbox, convs])
  })

  it('checks the exact bytes: the same JSON serialised differently does not match the signature', async () => {
    await idle()
    const convs = await conversationCount()
    const body = one(textEvent(page.pageId, newPsid(), mid(), 'spaced out'))
    const signedText = JSON.stringify(body, null, 2)
    const signature = signatureOf(new TextEncoder().encode(signedText), APP_SECRET)
    expect((await postWebhook(srv.url, page.pageId, JSON.stringify(body), null, signature)).status).toBe(403)
    // …while the very bytes that were signed are taken.
    expect((await postWebhook(srv.url, page.pageId, signedText, null, signature)).status).toBe(200)
    await idle()
    expect(await conversationCount()).toBe(convs + 1)
  })

  it("does not let one app's secret vouch for another app's page named inside the delivery", async () => {
    // A second page, of another Meta app with its own secret.
    const otherSecret = 'fedcba9876543210fedcba9876543210'
    const otherId = '555000111222333'
    const token = graph.addPage(otherId, 'Other App Page')
    const r = await owner.request('POST', '/api/settings/messenger/pages', { pageId: otherId, accessToken: token, appSecret: otherSecret })
    expect(r.status).toBe(201)
    const forged = webhookBody(messagingEntry(otherId, [textEvent(otherId, newPsid(), mid(), 'smuggled in')]))
    // Signed with the first page's secret and posted to its URL: verified, but not for this page.
    expect((await send(forged)).status).toBe(200)
    await idle()
    expect((await sql()`select count(*)::int as n from messages where body = 'smuggled in'`)[0]!.n).toBe(0)
    // The same delivery through its own page's URL and secret is taken.
    expect((await postWebhook(srv.url, otherId, forged, otherSecret)).status).toBe(200)
    await eventually(async () => (await sql()`select count(*)::int as n from messages where body = 'smuggled in'`)[0]!.n, (n) => n === 1)
    expect((await owner.request('DELETE', `/api/settings/messenger/pages/${otherId}`)).status).toBe(200)
  })

  it('refuses a body larger than any delivery Meta sends, storing nothing', async () => {
    const huge = JSON.stringify(one(textEvent(page.pageId, newPsid(), mid(), 'x'.repeat(600 * 1024))))
    const r = await postWebhook(srv.url, page.pageId, huge, APP_SECRET)
    expect(r.status).toBe(413)
  })
})

describe('deliveries', () => {
  it('stores every event of a batched delivery: several entries, several events each', async () => {
    const [ana, ben] = [newPsid(), newPsid()]
    graph.profiles.set(ana, { first_name: 'Ana', last_name: 'Novák' })
    const r = await send(
      webhookBody(
        messagingEntry(page.pageId, [textEvent(page.pageId, ana, mid(), 'hello from Ana'), textEvent(page.pageId, ben, mid(), 'hello from Ben')]),
        messagingEntry(page.pageId, [textEvent(page.pageId, ana, mid(), 'Ana again'), textEvent(page.pageId, ben, mid(), 'Ben again')]),
      ),
    )
    expect(r.status).toBe(200)
    expect(await r.text()).toBe('EVENT_RECEIVED')
    const a = await conversationOf(ana)
    const b = await conversationOf(ben)
    expect((await messagesUntil(a.id, (m) => m.length === 2)).map((m) => [m.authorType, m.body])).toEqual([['visitor', 'hello from Ana'], ['visitor', 'Ana again']])
    expect((await messagesUntil(b.id, (m) => m.length === 2)).map((m) => m.body)).toEqual(['hello from Ben', 'Ben again'])
    expect(a.channel).toBe('messenger')
    // Named from the Graph API profile; Ben's profile is not readable, so he stays unnamed.
    expect(a.visitor.name).toBe('Ana Novák')
    expect(b.visitor.name).toBeNull()
  })

  it('stores a message once when Meta delivers it again', async () => {
    const psid = newPsid()
    const id = mid()
    const delivery = one(textEvent(page.pageId, psid, id, 'only once'))
    expect((await send(delivery)).status).toBe(200)
    expect((await send(delivery)).status).toBe(200)
    const c = await conversationOf(psid)
    await idle()
    expect((await send(delivery)).status).toBe(200)
    await idle()
    expect((await messages(c.id)).map((m) => m.body)).toEqual(['only once'])
  })

  it('keeps a page-scoped id beyond 2^53 exactly as Meta sent it', async () => {
    const psid = '9007199254740993123'
    expect(Number(psid).toString()).not.toBe(psid)
    await send(one(textEvent(page.pageId, psid, mid(), 'big id')))
    await conversationOf(psid)
    const [contact] = await sql()`select psid from messenger_contacts where page_id = ${page.pageId} and psid = ${psid}`
    expect(contact!.psid).toBe(psid)
  })

  it('stores attachments through the generic attachments, names them in the message, and notes one it could not fetch', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])
    graph.files.set('photo.png', { type: 'image/png', bytes: png })
    graph.files.set('sticker', { type: 'image/png', bytes: new Uint8Array([9, 9]) })
    const psid = newPsid()
    await messageFrom(psid, {
      mid: mid(),
      attachments: [
        { type: 'image', payload: { url: `${graph.url}/files/photo.png` } },
        { type: 'image', payload: { url: `${graph.url}/files/sticker`, sticker_id: 369239263222822 } },
        { type: 'video', payload: { url: `${graph.url}/files/gone.mp4` } },
      ],
    })
    const c = await conversationOf(psid)
    const [m] = await messagesUntil(c.id, (m) => m.length === 1)
    expect(m!.body).toBe('[attachment: photo.png]\n[attachment: sticker-2.png]\n[attachment not stored: video: the file could not be fetched (404)]')
    const stored = await sql()`select id, filename, content_type, size, channel::text from attachments where message_row_id = ${m!.id} order by filename`
    expect(stored.map((a) => [a.filename, a.contentType, a.size, a.channel])).toEqual([['photo.png', 'image/png', 8, 'messenger'], ['sticker-2.png', 'image/png', 2, 'messenger']])
    const listed = await owner.request('GET', `/api/conversations/${c.id}/attachments`)
    expect(listed.body.map((a: { filename: string; messageRowId: string }) => [a.filename, a.messageRowId])).toEqual([['photo.png', m!.id], ['sticker-2.png', m!.id]])
    expect((await owner.request('GET', `/api/conversations/not-a-uuid/attachments`)).status).toBe(404)
    const download = await owner.request('GET', `/api/conversations/${c.id}/messages/${m!.id}/attachments/${stored[0]!.id}`)
    expect(download.status).toBe(200)
    expect(download.headers.get('content-disposition')).toContain('attachment; filename="photo.png"')
  })

  it("masks a card number in an incoming file's name before it is stored, as in an agent's upload", async () => {
    graph.files.set('card 4111 1111 1111 1111.pdf', { type: 'application/pdf', bytes: new Uint8Array([1, 2, 3]) })
    const psid = newPsid()
    await messageFrom(psid, { mid: mid(), attachments: [{ type: 'file', payload: { url: `${graph.url}/files/${encodeURIComponent('card 4111 1111 1111 1111.pdf')}` } }] })
    const c = await conversationOf(psid)
    const [m] = await messagesUntil(c.id, (m) => m.length === 1)
    const stored = await sql()`select filename from attachments where message_row_id = ${m!.id}`
    expect(stored.map((a) => a.filename)).toEqual(['card •••• •••• •••• 1111.pdf'])
    expect(m!.body).not.toContain('4111 1111')
  })

  it('keeps a file whose address holds a "%" that starts no escape, under its name as sent', async () => {
    graph.files.set('100%.pdf', { type: 'application/pdf', bytes: new Uint8Array([4, 5, 6]) })
    const psid = newPsid()
    await messageFrom(psid, { mid: mid(), attachments: [{ type: 'file', payload: { url: `${graph.url}/files/100%.pdf` } }] })
    const c = await conversationOf(psid)
    const [m] = await messagesUntil(c.id, (m) => m.length === 1)
    expect(m!.body).toBe('[attachment: 100%.pdf]')
    expect((await sql()`select filename, size from attachments where message_row_id = ${m!.id}`).map((a) => [a.filename, a.size])).toEqual([['100%.pdf', 3]])
  })

  it('keeps a message whose text PostgreSQL cannot store as sent (a NUL, an unpaired surrogate), mended, rather than refuse the delivery', async () => {
    const psid = newPsid()
    const r = await send(one({ sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), message: { mid: mid(), text: 'a\u0000b \ud800c' } }))
    expect(r.status).toBe(200)
    const c = await conversationOf(psid)
    const [m] = await messagesUntil(c.id, (m) => m.length === 1)
    expect(m!.body).toBe('a\ufffdb \ufffdc')
  })

  it("shows a postback's button title as the visitor's message, never its payload, and a quick reply by its text", async () => {
    const psid = newPsid()
    await send(one({ sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), postback: { mid: mid(), title: 'Talk to a person', payload: 'SECRET_BOT_STATE_42' } }))
    await send(one(textEvent(page.pageId, psid, mid(), 'Red', { quick_reply: { payload: 'COLOR_RED' } })))
    const c = await conversationOf(psid)
    const list = await messagesUntil(c.id, (m) => m.length === 2)
    expect(list.map((m) => m.body)).toEqual(['Talk to a person', 'Red'])
    expect(JSON.stringify(list)).not.toContain('SECRET_BOT_STATE_42')
    expect(JSON.stringify(list)).not.toContain('COLOR_RED')
  })

  it('changes nothing visible for reactions, unknown fields and unknown event types, and never fails the delivery', async () => {
    const psid = newPsid()
    await send(one(textEvent(page.pageId, psid, mid(), 'first')))
    const c = await conversationOf(psid)
    await messagesUntil(c.id, (m) => m.length === 1)
    const odd = webhookBody(
      messagingEntry(page.pageId, [
        { sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), reaction: { mid: mid(), action: 'react', emoji: '❤️', reaction: 'love' } },
        { sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), something_new: { x: 1 } },
        { sender: { id: 42 }, recipient: { id: page.pageId }, message: { mid: 7, text: ['not', 'text'] } },
        'not even an object',
      ]),
      { id: page.pageId, time: Date.now(), changes: [{ field: 'feed', value: {} }] },
    )
    expect((await send(odd)).status).toBe(200)
    expect((await send({ object: 'instagram', entry: 'nope' })).status).toBe(200)
    await idle()
    expect((await messages(c.id)).map((m) => m.body)).toEqual(['first'])
    expect(Number((await sql()`select count(*)::int as n from messenger_inbox where status = 'failed'`)[0]!.n)).toBe(0)
  })

  it("masks card numbers before the delivery is stored, in the inbox and in the message", async () => {
    const psid = newPsid()
    graph.holdProfileLookups()
    try {
      await send(one(textEvent(page.pageId, psid, mid(), 'my card is 4111 1111 1111 1111')))
      const [row] = await eventually(() => sql()`select body::text as body from messenger_inbox`, (r) => r.length > 0)
      expect(row!.body).not.toContain('4111 1111 1111 1111')
      expect(row!.body).toContain('•••• •••• •••• 1111')
    } finally {
      graph.releaseProfileLookups()
    }
    const c = await conversationOf(psid)
    expect((await messagesUntil(c.id, (m) => m.length === 1))[0]!.body).toBe('my card is •••• •••• •••• 1111')
  })

  it('reopens a resolved conversation when the person writes again', async () => {
    const psid = newPsid()
    await send(one(textEvent(page.pageId, psid, mid(), 'before')))
    const c = await conversationOf(psid)
    await messagesUntil(c.id, (m) => m.length === 1)
    expect((await owner.request('POST', `/api/conversations/${c.id}/resolve`)).status).toBe(200)
    await send(one(textEvent(page.pageId, psid, mid(), 'after')))
    await messagesUntil(c.id, (m) => m.length === 2)
    const again = (await owner.request('GET', `/api/conversations/${c.id}`)).body as Conv
    expect(again.status).toBe('open')
  })
})

describe('echoes and receipts', () => {
  it("does not show an echo of Parley's own reply twice, and shows a reply typed in Meta's inbox as an agent message", async () => {
    const psid = newPsid()
    await send(one(textEvent(page.pageId, psid, mid(), 'question')))
    const c = await conversationOf(psid)
    await messagesUntil(c.id, (m) => m.length === 1)
    const reply = await owner.request('POST', `/api/conversations/${c.id}/messages`, { body: 'answer from Parley', clientId: crypto.randomUUID() })
    expect(reply.status).toBe(201)
    const sent = await graph.waitForSend((s) => s.body.recipient.id === psid)
    const echo = (m: string, text: string, appId: number | string) => one({ sender: { id: page.pageId }, recipient: { id: psid }, timestamp: Date.now(), message: { is_echo: true, app_id: appId, mid: m, text } })
    // Meta echoes our send (our app id, our mid), and also a reply typed in the Page inbox (Meta's own app).
    await send(echo(sent.messageId, 'answer from Parley', Number(APP_ID)))
    await send(echo(mid(), 'answer typed in Meta Business Suite', 263902037430900))
    const list = await messagesUntil(c.id, (m) => m.length === 3)
    expect(list.map((m) => [m.authorType, m.body])).toEqual([
      ['visitor', 'question'],
      ['agent', 'answer from Parley'],
      ['agent', 'answer typed in Meta Business Suite'],
    ])
    expect(list[2]!.authorId).toBeNull()
    expect(list[2]!.deliveryStatus).toBe('sent')
    await idle()
    await Bun.sleep(300)
    // …and the imported reply is not sent back to Messenger.
    expect(graph.sends.filter((s) => s.body.recipient.id === psid).map((s) => s.body.message.text)).toEqual(['answer from Parley'])
  })

  it("moves our replies to delivered when Meta reports them delivered or read", async () => {
    const psid = newPsid()
    await send(one(textEvent(page.pageId, psid, mid(), 'hi')))
    const c = await conversationOf(psid)
    await messagesUntil(c.id, (m) => m.length === 1)
    const first = await owner.request('POST', `/api/conversations/${c.id}/messages`, { body: 'one', clientId: crypto.randomUUID() })
    const sent = await graph.waitForSend((s) => s.body.recipient.id === psid)
    await messagesUntil(c.id, (m) => m.find((x) => x.id === first.body.message.id)?.deliveryStatus === 'sent')
    await send(one({ sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), delivery: { mids: [sent.messageId], watermark: Date.now() } }))
    await messagesUntil(c.id, (m) => m.find((x) => x.id === first.body.message.id)?.deliveryStatus === 'delivered')

    const second = await owner.request('POST', `/api/conversations/${c.id}/messages`, { body: 'two', clientId: crypto.randomUUID() })
    await messagesUntil(c.id, (m) => m.find((x) => x.id === second.body.message.id)?.deliveryStatus === 'sent')
    await send(one({ sender: { id: psid }, recipient: { id: page.pageId }, timestamp: Date.now(), read: { watermark: Date.now() + 1000 } }))
    await messagesUntil(c.id, (m) => m.find((x) => x.id === second.body.message.id)?.deliveryStatus === 'delivered')
  })
})
