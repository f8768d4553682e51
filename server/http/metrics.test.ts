// /metrics after a real chat: Prometheus's text format, behind METRICS_TOKEN, counting messages,
// acks, sockets, HTTP answers and queues, and showing no text, address or id of anyone.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'
import { configError } from '../testing/harness.ts'

const TOKEN = 'metrics-token-for-the-test-run'
let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner({ metricsToken: TOKEN }))
})
afterAll(() => srv.stop())

const scrape = async () => {
  const res = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
  return res.text()
}
/** The value of one sample line, e.g. value(text, 'parley_messages_total{channel="web",direction="in"}'). */
const value = (text: string, sample: string) => {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' '))
  return line === undefined ? null : Number(line.slice(sample.length + 1))
}

describe('/metrics', () => {
  it('asks for the token when one is set, and refuses a short one at start-up', async () => {
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401)
    expect(configError({ METRICS_TOKEN: 'short' })).toContain('METRICS_TOKEN')
  })

  it('counts a chat: messages in and out, acks, sockets, HTTP answers; and names nobody', async () => {
    const before = await scrape()
    const dash = await owner.socket()
    await dash.waitFor('hello')
    const visitor = await VisitorClient.create(srv.url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const text = 'Do you ship to Brno? My number is 4111 1111 1111 1111'
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, body: text })
    const ack = await ws.waitFor('ack', (f) => f.clientId === clientId)
    const replyId = cid()
    dash.send({ type: 'message.send', clientId: replyId, conversationId: ack.conversationId, body: 'Yes, we do.' })
    await dash.waitFor('ack', (f) => f.clientId === replyId)

    const after = await scrape()
    const delta = (sample: string) => (value(after, sample) ?? 0) - (value(before, sample) ?? 0)
    expect(delta('parley_messages_total{channel="web",direction="in"}')).toBe(1)
    expect(delta('parley_messages_total{channel="web",direction="out"}')).toBe(1)
    expect(delta('parley_ack_seconds_count{sender="visitor"}')).toBe(1)
    expect(delta('parley_ack_seconds_count{sender="agent"}')).toBe(1)
    expect(value(after, 'parley_ack_seconds_bucket{sender="visitor",le="+Inf"}')).toBe(value(after, 'parley_ack_seconds_count{sender="visitor"}'))
    expect(value(after, 'parley_connections{kind="agent"}')).toBeGreaterThanOrEqual(1)
    expect(value(after, 'parley_connections{kind="visitor"}')).toBeGreaterThanOrEqual(1)
    expect(delta('parley_conversation_changes_total{change="created"}')).toBe(1)
    expect(value(after, 'parley_http_responses_total{code="2xx"}')).toBeGreaterThan(0)
    expect(value(after, 'parley_database_up')).toBe(1)
    expect(value(after, 'parley_process_memory_bytes{kind="rss"}')).toBeGreaterThan(10_000_000)
    for (const queue of ['mail', 'messenger', 'webhooks', 'notifications']) {
      expect(value(after, `parley_queue_items{queue="${queue}",status="queued"}`)).not.toBeNull()
      expect(value(after, `parley_queue_oldest_seconds{queue="${queue}"}`)).not.toBeNull()
    }
    expect(value(after, 'parley_channel_up{channel="web",state="connected"}') ?? value(after, 'parley_channel_up{channel="web",state="configured"}')).toBe(1)
    expect(value(after, 'parley_channel_up{channel="email",state="off"}')).toBe(0)
    // Counts only: no text, no card, no id, no address.
    for (const secret of ['Brno', '4111', '1111 1111', ack.conversationId, ack.messageId, visitor.id, visitor.token, '127.0.0.1']) expect(after).not.toContain(secret)
    // Every line is a comment or a sample.
    for (const line of after.trim().split('\n')) expect(line).toMatch(/^(# .*|[a-z_]+(\{[^}]*\})? [-+0-9.eInfNa]+)$/)
    ws.close()
    dash.close()
  })
})
