// An agent's files reach Messenger through the Send API's attachment upload (multipart
// `filedata`, the type Meta names: image, video, audio or file), after the reply's text; the
// message moves to sent as a text reply does, and a file Meta failed for a moment is sent again.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { APP_SECRET, ERROR_TRANSIENT, FakeGraph, connectPage, eventually, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from './testing/fake-graph.ts'

let srv: TestServer
let owner: AgentClient
let graph: FakeGraph
let page: Awaited<ReturnType<typeof connectPage>>

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner({ messenger: { retryDelaysMs: [50, 50] } }))
  graph = new FakeGraph()
  page = await connectPage(owner, graph, { name: 'Acme Support' })
}, 60_000)
afterAll(async () => {
  graph?.stop()
  await srv?.stop()
})

const sql = () => srv.running.deps.sql
const mid = () => `m_${crypto.randomUUID().replaceAll('-', '')}`
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 9, 9, 9])

async function personWrites() {
  const psid = newPsid()
  const text = `hello ${crypto.randomUUID()}`
  expect((await postWebhook(srv.url, page.pageId, webhookBody(messagingEntry(page.pageId, [textEvent(page.pageId, psid, mid(), text)])), APP_SECRET)).status).toBe(200)
  const [row] = await eventually(() => sql()`select c.id from conversations c join messages m on m.conversation_id = c.id where m.body = ${text}`, (r) => r.length > 0)
  return { psid, conversationId: row!.id as string }
}

async function upload(conversationId: string, content: Uint8Array, name: string, type: string): Promise<string> {
  const r = await fetch(`${srv.url}/api/conversations/${conversationId}/uploads`, {
    method: 'POST',
    headers: { origin: srv.url, cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': type, 'x-filename': encodeURIComponent(name) },
    body: content as Uint8Array<ArrayBuffer>,
  })
  expect(r.status).toBe(201)
  return ((await r.json()) as { id: string }).id
}

const statusOf = (conversationId: string, id: string) =>
  eventually(
    async () => ((await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body as { id: string; deliveryStatus: string }[]).find((m) => m.id === id)!,
    (m) => m !== undefined && ['sent', 'failed'].includes(m.deliveryStatus),
  )

describe("an agent's files on Messenger", () => {
  it('sends the text, then each file as a Messenger attachment of its kind, uploaded as filedata; the reply is sent', async () => {
    const { psid, conversationId } = await personWrites()
    const pdf = Uint8Array.from({ length: 4000 }, (_, i) => i % 251)
    const ids = [await upload(conversationId, PNG, 'photo.png', 'image/png'), await upload(conversationId, pdf, 'invoice.pdf', 'application/pdf'), await upload(conversationId, new Uint8Array([1, 2, 3]), 'clip.mp4', 'video/mp4')]
    const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'Your documents', clientId: crypto.randomUUID(), attachmentIds: ids })
    expect(r.status).toBe(201)
    expect((await statusOf(conversationId, r.body.message.id)).deliveryStatus).toBe('sent')
    const sends = graph.sends.filter((s) => s.body.recipient.id === psid)
    expect(sends.map((s) => [s.body.messaging_type, s.body.message.text ?? null, s.body.message.attachment?.type ?? null])).toEqual([
      ['RESPONSE', 'Your documents', null],
      ['RESPONSE', null, 'image'],
      ['RESPONSE', null, 'file'],
      ['RESPONSE', null, 'video'],
    ])
    expect(sends.slice(1).map((s) => [s.file!.name, s.file!.type, s.file!.bytes])).toEqual([
      ['photo.png', 'image/png', PNG],
      ['invoice.pdf', 'application/pdf', pdf],
      ['clip.mp4', 'video/mp4', new Uint8Array([1, 2, 3])],
    ])
    expect(sends[1]!.body.message.attachment!.payload).toEqual({ is_reusable: false })
    // every mid is Parley's own: their echoes are not shown twice
    const mids = await sql()`select external_id from channel_message_ids where message_row_id = ${r.body.message.id} and direction = 'out'`
    expect(mids.length).toBe(4)
  })

  it('sends a reply that is only a file, and sends the file again after Meta failed it for a moment', async () => {
    const { psid, conversationId } = await personWrites()
    const id = await upload(conversationId, PNG, 'only.png', 'image/png')
    graph.failNext(ERROR_TRANSIENT)
    const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: '', clientId: crypto.randomUUID(), attachmentIds: [id] })
    expect(r.status).toBe(201)
    expect((await statusOf(conversationId, r.body.message.id)).deliveryStatus).toBe('sent')
    const sends = graph.sends.filter((s) => s.body.recipient.id === psid)
    expect(sends.map((s) => [s.body.message.text ?? null, s.body.message.attachment?.type, s.file?.name])).toEqual([[null, 'image', 'only.png']])
  })
})
