// Agents' files: uploaded on their own under the route's own limit, claimed by the reply in its
// transaction (acknowledged only after commit), downloaded by the agent and by the visitor with
// their token only, e-mailed as real MIME attachments; bad input refused with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startTestServer, testConfig, type TestServer } from '../testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../testing/mail.ts'
import { runMaintenance } from '../jobs/maintenance.ts'

let srv: TestServer
let owner: AgentClient
let sink: SmtpSink

beforeAll(async () => {
  sink = await startSmtpSink()
  const email = {
    ...testConfig().email,
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none' as const, user: null, password: null, fromName: 'Acme', fromAddress: 'support@acme.test' },
  }
  srv = await startTestServer({ email })
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
}, 60_000)
afterAll(async () => {
  await srv?.stop()
  await sink?.stop()
})

const sql = () => srv.db.sql
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4, 5])
const bytesOf = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256)

function upload(conversationId: string, content: Uint8Array, o: { name?: string | null; type?: string | null; agent?: AgentClient | null; csrf?: boolean } = {}) {
  const agent = o.agent === undefined ? owner : o.agent
  const headers: Record<string, string> = { origin: srv.url }
  if (agent?.cookie) headers.cookie = agent.cookie
  if (agent?.csrf && o.csrf !== false) headers['x-csrf-token'] = agent.csrf
  if (o.type !== null) headers['content-type'] = o.type ?? 'application/pdf'
  if (o.name !== null) headers['x-filename'] = encodeURIComponent(o.name ?? 'plan.pdf')
  return fetch(`${srv.url}/api/conversations/${conversationId}/uploads`, { method: 'POST', headers, body: content as Uint8Array<ArrayBuffer> })
}

async function newConversation(text = `hi ${cid()}`) {
  const visitor = await VisitorClient.create(srv.url)
  const r = await visitor.request('POST', '/api/widget/messages', { body: text, clientId: cid() })
  expect(r.status).toBe(201)
  return { visitor, conversationId: r.body.conversation.id as string }
}

const pending = async () => (await sql()<{ n: number }[]>`select count(*)::int as n from attachment_uploads`)[0]!.n
const stored = async () => (await sql()<{ n: number }[]>`select count(*)::int as n from attachments`)[0]!.n
const messageCount = async (conversationId: string) =>
  (await sql()<{ n: number }[]>`select count(*)::int as n from messages where conversation_id = ${conversationId}`)[0]!.n

describe('uploading a file for a reply', () => {
  it('sends a reply with files over the socket, acknowledged after commit, and the thread, agent and visitor see the same bytes', async () => {
    const { visitor, conversationId } = await newConversation()
    const pdf = bytesOf(300_000)
    const up1 = await upload(conversationId, pdf, { name: 'Price list 2027.pdf', type: 'application/pdf' })
    expect(up1.status).toBe(201)
    const f1 = (await up1.json()) as { id: string; filename: string; contentType: string; size: number }
    expect(f1).toMatchObject({ filename: 'Price list 2027.pdf', contentType: 'application/pdf', size: 300_000 })
    const f2 = (await (await upload(conversationId, PNG, { name: 'screen.png', type: 'image/png' })).json()) as { id: string }
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const ws = await owner.socket()
    await ws.waitFor('hello')
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, conversationId, body: 'Here you are', attachmentIds: [f1.id, f2.id] })
    const ack = await ws.waitFor('ack', (f) => f.clientId === clientId)
    // acknowledged only once committed: the files are the message's already
    const rows = await sql()<{ filename: string; messageRowId: string }[]>`
      select filename, message_row_id from attachments where message_row_id = ${ack.messageId} order by created_at`
    expect(rows.map((r) => r.filename)).toEqual(['Price list 2027.pdf', 'screen.png'])
    expect(await sql()`select 1 from attachment_uploads where id in ${sql()([f1.id, f2.id])}`).toHaveLength(0)
    const seen = await vws.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(seen.message.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['Price list 2027.pdf', 'application/pdf', 300_000],
      ['screen.png', 'image/png', PNG.byteLength],
    ])
    // the thread lists them with the message
    const thread = await owner.request('GET', `/api/conversations/${conversationId}/messages`)
    expect((thread.body as { id: string; attachments: { id: string }[] }[]).find((m) => m.id === ack.messageId)!.attachments.map((a) => a.id)).toEqual(
      seen.message.attachments.map((a) => a.id),
    )
    const fileId = seen.message.attachments[0]!.id
    // the visitor downloads it with their token, exactly, and only as a download
    const res = await fetch(`${srv.url}/api/widget/conversations/${conversationId}/attachments/${fileId}`, { headers: { authorization: `Bearer ${visitor.token}` } })
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf)
    expect(res.headers.get('content-disposition')).toStartWith('attachment; filename="Price list 2027.pdf"')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    // the agent downloads it too
    const agentRes = await fetch(`${srv.url}/api/conversations/${conversationId}/messages/${ack.messageId}/attachments/${fileId}`, { headers: { cookie: owner.cookie } })
    expect(new Uint8Array(await agentRes.arrayBuffer())).toEqual(pdf)
    // no token, or another visitor's: nothing
    expect((await fetch(`${srv.url}/api/widget/conversations/${conversationId}/attachments/${fileId}`)).status).toBe(401)
    const stranger = await VisitorClient.create(srv.url)
    expect((await stranger.request('GET', `/api/widget/conversations/${conversationId}/attachments/${fileId}`)).status).toBe(404)
    // a retried frame is the same message, with its files
    const n = ws.frames.length
    ws.send({ type: 'message.send', clientId, conversationId, body: 'Here you are', attachmentIds: [f1.id, f2.id] })
    const again = await ws.waitFor('ack', (f) => f.clientId === clientId, 5000, n)
    expect([again.messageId, again.duplicate]).toEqual([ack.messageId, true])
    expect(await stored()).toBeGreaterThanOrEqual(2)
    ws.close()
    vws.close()
  })

  it('stores a reply with files once when two tabs send the same frame at once, and acks both', async () => {
    const { conversationId } = await newConversation()
    const f = (await (await upload(conversationId, bytesOf(100), { name: 'twice.txt', type: 'text/plain' })).json()) as { id: string }
    const tabs = [await owner.socket(), await owner.socket()]
    for (const ws of tabs) await ws.waitFor('hello')
    const clientId = cid()
    const frame = { type: 'message.send', clientId, conversationId, body: 'once', attachmentIds: [f.id] }
    for (const ws of tabs) ws.send(frame)
    const acks = await Promise.all(tabs.map((ws) => ws.waitFor('ack', (a) => a.clientId === clientId)))
    expect(new Set(acks.map((a) => a.messageId)).size).toBe(1)
    expect(acks.map((a) => a.duplicate).sort()).toEqual([false, true])
    expect(await messageCount(conversationId)).toBe(2)
    expect((await sql()`select 1 from attachments where message_row_id = ${acks[0]!.messageId}`).length).toBe(1)
    for (const ws of tabs) {
      expect(ws.frames.filter((e) => e.type === 'error')).toEqual([])
      ws.close()
    }
  })

  it('sends files without text (the list previews their names), but not an empty message without files', async () => {
    const { conversationId } = await newConversation()
    const f = (await (await upload(conversationId, bytesOf(10), { name: 'notes.txt', type: 'text/plain; charset=utf-8' })).json()) as { id: string; contentType: string }
    expect(f.contentType).toBe('text/plain')
    const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: '', clientId: cid(), attachmentIds: [f.id] })
    expect(r.status).toBe(201)
    expect(r.body.message.body).toBe('')
    expect(r.body.message.attachments.map((a: { filename: string }) => a.filename)).toEqual(['notes.txt'])
    expect(r.body.conversation.lastMessage.preview).toBe('📎 notes.txt')
    const empty = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: '  ', clientId: cid() })
    expect([empty.status, empty.body.error.code]).toEqual([400, 'message.empty'])
  })

  it('masks a card number in a file name like message text', async () => {
    const { conversationId } = await newConversation()
    const r = await upload(conversationId, bytesOf(5), { name: 'card 4111 1111 1111 1111.txt', type: 'text/plain' })
    expect(((await r.json()) as { filename: string }).filename).toBe('card •••• •••• •••• 1111.txt')
    const [row] = await sql()<{ filename: string }[]>`select filename from attachment_uploads where filename like 'card %'`
    expect(row!.filename).toBe('card •••• •••• •••• 1111.txt')
  })
})

describe('bad input changes nothing', () => {
  it('refuses uploads without a session (401) or without the CSRF token (403)', async () => {
    const { conversationId } = await newConversation()
    const before = await pending()
    const anon = await upload(conversationId, bytesOf(10), { agent: null })
    expect(anon.status).toBe(401)
    const noCsrf = await upload(conversationId, bytesOf(10), { csrf: false })
    expect(noCsrf.status).toBe(403)
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('auth.csrf')
    expect(await pending()).toBe(before)
  })

  it('refuses a file over 10 MB (413), an empty one, a malformed type, an image that is not one, and an unknown conversation', async () => {
    const { conversationId } = await newConversation()
    const before = await pending()
    const big = await upload(conversationId, bytesOf(10 * 1024 * 1024 + 1))
    expect(big.status).toBe(413)
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('attachment.too_large')
    // exactly 10 MB is allowed (the route's own limit, not the global 1 MB)
    const max = await upload(conversationId, bytesOf(10 * 1024 * 1024), { name: 'max.bin', type: 'application/octet-stream' })
    expect(max.status).toBe(201)
    await owner.request('DELETE', `/api/conversations/${conversationId}/uploads/${((await max.json()) as { id: string }).id}`)
    const codes = async (r: Response) => [r.status, ((await r.json()) as { error: { code: string } }).error.code]
    expect(await codes(await upload(conversationId, new Uint8Array(0)))).toEqual([400, 'attachment.empty'])
    expect(await codes(await upload(conversationId, bytesOf(10), { type: 'text/html<script>' }))).toEqual([400, 'attachment.bad_type'])
    expect(await codes(await upload(conversationId, new TextEncoder().encode('<svg onload=alert(1)>'), { type: 'image/png', name: 'x.png' }))).toEqual([
      400,
      'attachment.type_mismatch',
    ])
    expect(await codes(await upload(conversationId, bytesOf(10), { name: null }))).toEqual([400, 'attachment.no_name'])
    expect(await codes(await upload(crypto.randomUUID(), bytesOf(10)))).toEqual([404, 'conversation.not_found'])
    expect(await codes(await upload('not-a-uuid', bytesOf(10)))).toEqual([404, 'conversation.not_found'])
    expect(await pending()).toBe(before)
  })

  it('keeps the global 1 MB limit for every other request', async () => {
    const r = await fetch(`${srv.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: srv.url },
      body: JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(2 * 1024 * 1024) }),
    })
    expect(r.status).toBe(413)
  })

  it("refuses a reply naming another conversation's upload, or one that is not an upload: no message stored, the upload kept", async () => {
    const a = await newConversation()
    const b = await newConversation()
    const f = (await (await upload(a.conversationId, bytesOf(10), { name: 'a.txt', type: 'text/plain' })).json()) as { id: string }
    const beforeB = await messageCount(b.conversationId)
    const storedBefore = await stored()
    const wrong = await owner.request('POST', `/api/conversations/${b.conversationId}/messages`, { body: 'see file', clientId: cid(), attachmentIds: [f.id] })
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'attachment.not_found'])
    const unknown = await owner.request('POST', `/api/conversations/${a.conversationId}/messages`, { body: 'see file', clientId: cid(), attachmentIds: [crypto.randomUUID()] })
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'attachment.not_found'])
    // the same id twice, or a mix of a good and a bad one
    const twice = await owner.request('POST', `/api/conversations/${a.conversationId}/messages`, { body: 'x', clientId: cid(), attachmentIds: [f.id, f.id] })
    expect(twice.status).toBe(400)
    const mixed = await owner.request('POST', `/api/conversations/${a.conversationId}/messages`, { body: 'x', clientId: cid(), attachmentIds: [f.id, crypto.randomUUID()] })
    expect(mixed.status).toBe(400)
    expect(await messageCount(b.conversationId)).toBe(beforeB)
    expect(await messageCount(a.conversationId)).toBe(1)
    expect(await stored()).toBe(storedBefore)
    expect(await sql()`select 1 from attachment_uploads where id = ${f.id}`).toHaveLength(1)
    // over the socket: an error frame, nothing stored
    const ws = await owner.socket()
    await ws.waitFor('hello')
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, conversationId: b.conversationId, body: 'x', attachmentIds: [f.id] })
    const err = await ws.waitFor('error', (e) => e.ref === clientId)
    expect(err.code).toBe('attachment.not_found')
    expect(await messageCount(b.conversationId)).toBe(beforeB)
    ws.close()
    // a visitor cannot attach files
    const vws = await a.visitor.socket()
    await vws.waitFor('hello')
    const vref = cid()
    vws.send({ type: 'message.send', clientId: vref, conversationId: a.conversationId, body: 'mine', attachmentIds: [f.id] })
    expect((await vws.waitFor('error', (e) => e.ref === vref)).code).toBe('frame.forbidden')
    vws.close()
    expect(await messageCount(a.conversationId)).toBe(1)
  })

  it('lets the agent remove an upload, and the maintenance job delete uploads no reply claimed within an hour', async () => {
    const { conversationId } = await newConversation()
    const f1 = (await (await upload(conversationId, bytesOf(10))).json()) as { id: string }
    const f2 = (await (await upload(conversationId, bytesOf(10))).json()) as { id: string }
    expect((await owner.request('DELETE', `/api/conversations/${conversationId}/uploads/${f1.id}`)).status).toBe(204)
    expect((await owner.request('DELETE', `/api/conversations/${conversationId}/uploads/${f1.id}`)).status).toBe(404)
    await sql()`update attachment_uploads set created_at = now() - interval '61 minutes' where id = ${f2.id}`
    const fresh = (await (await upload(conversationId, bytesOf(10))).json()) as { id: string }
    const result = await runMaintenance(sql(), 900)
    // The server runs the same job 5 s after it starts (jobs/maintenance.ts): in a slow run that
    // one may have deleted the old upload first. Either way it is deleted once, the fresh one kept.
    expect(result.unclaimedUploads).toBeLessThanOrEqual(1)
    expect((await sql()<{ id: string }[]>`select id from attachment_uploads where id in ${sql()([f1.id, f2.id, fresh.id])}`).map((r) => r.id)).toEqual([fresh.id])
  })
})

describe('by e-mail', () => {
  it('sends the reply with its files as real MIME attachments', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const address = `files${cid().slice(-8)}@visitor.test`
    const first = `question ${cid()}`
    expect((await visitor.request('POST', '/api/widget/contact', { email: address, body: first, clientId: cid() })).status).toBe(201)
    const list = await owner.request('GET', '/api/conversations?view=unassigned&limit=50')
    const conv = (list.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview === first)!
    const pdf = bytesOf(50_000, 3)
    const f1 = (await (await upload(conv.id, pdf, { name: 'Angebot Ü.pdf', type: 'application/pdf' })).json()) as { id: string }
    const f2 = (await (await upload(conv.id, PNG, { name: 'shot.png', type: 'image/png' })).json()) as { id: string }
    const r = await owner.request('POST', `/api/conversations/${conv.id}/messages`, { body: 'Attached as promised', clientId: cid(), attachmentIds: [f1.id, f2.id] })
    expect(r.status).toBe(201)
    const mail = await sink.waitFor((m) => m.to.includes(address), 20_000)
    expect(mail.parsed.text?.trim()).toBe('Attached as promised')
    expect(mail.raw.toString()).toContain('multipart/mixed')
    const parts = mail.parsed.attachments.map((a) => [a.filename, a.contentType, a.contentDisposition, new Uint8Array(a.content)])
    expect(parts).toEqual([
      ['Angebot Ü.pdf', 'application/pdf', 'attachment', pdf],
      ['shot.png', 'image/png', 'attachment', PNG],
    ])
    // and the message moves to sent, as a text reply does
    const deadline = Date.now() + 10_000
    let status = ''
    while (Date.now() < deadline) {
      status = ((await owner.request('GET', `/api/conversations/${conv.id}/messages`)).body as { id: string; deliveryStatus: string }[]).find((m) => m.id === r.body.message.id)!.deliveryStatus
      if (status === 'sent') break
      await Bun.sleep(50)
    }
    expect(status).toBe('sent')
  }, 30_000)
})
