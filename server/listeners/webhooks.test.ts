// Outgoing webhooks end to end: a real Parley and a local HTTP server as the receiver, which can
// fail, stall or answer at length. Deliveries are signed, retried with back-off and logged.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createHmac } from 'node:crypto'
import { AgentClient, VisitorClient, cid, startTestServer, startWithOwner, type TestServer } from '../testing/harness.ts'
import { runMaintenance } from '../jobs/maintenance.ts'

interface Received {
  headers: Record<string, string>
  body: string
  json: any
}

/** The receiver: records every request; `answer` decides each response (default 200 "ok"). */
function receiver() {
  const got: Received[] = []
  let answer: (n: number, r: Received) => Response | Promise<Response> = () => new Response('ok')
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const body = await req.text()
      const r: Received = { headers: Object.fromEntries(req.headers), body, json: JSON.parse(body) }
      got.push(r)
      return answer(got.filter((g) => g.headers['x-parley-delivery'] === r.headers['x-parley-delivery']).length, r)
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/hook`,
    got,
    answer(fn: typeof answer) {
      answer = fn
    },
    stop: () => server.stop(true),
  }
}

let srv: TestServer
let owner: AgentClient
let rx: ReturnType<typeof receiver>

const CARD = '4111 1111 1111 1111'
const MASKED = '•••• •••• •••• 1111'

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}

/** What a receiver does to check a delivery (the README's Node.js example). */
function verify(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]))
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex')
  return parts.v1 === expected
}

async function hook(events: string[], url = rx.url): Promise<{ id: string; secret: string }> {
  const r = await owner.request('POST', '/api/settings/webhooks', { url, events })
  if (r.status !== 201) throw new Error(`webhook: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

const deliveries = async (id: string) => (await owner.request('GET', `/api/settings/webhooks/${id}/deliveries`)).body as any[]

beforeAll(async () => {
  rx = receiver()
  ;({ srv, owner } = await startWithOwner({ webhooks: { timeoutMs: 1000, retryDelaysMs: [50, 50], allowPrivate: true } }))
})
afterAll(async () => {
  await srv?.stop()
  rx?.stop()
})

describe('outgoing webhooks', () => {
  it('signs each delivery with HMAC-SHA256 over the timestamp and body, with the masked text', async () => {
    const { id, secret } = await hook(['conversation.created', 'message.created'])
    expect(secret).toMatch(/^whsec_/)
    const v = await VisitorClient.create(srv.url)
    const r = await v.request('POST', '/api/widget/messages', { body: `My card ${CARD}`, clientId: cid() })
    const conversationId = r.body.conversation.id
    const both = await until('two deliveries', () => {
      const mine = rx.got.filter((g) => g.json.data?.conversation?.id === conversationId)
      return mine.length === 2 ? mine : null
    })
    expect(both.map((g) => g.headers['x-parley-event']).sort()).toEqual(['conversation.created', 'message.created'])
    for (const g of both) {
      expect(verify(secret, g.headers['x-parley-signature']!, g.body)).toBe(true)
      expect(verify('whsec_wrong', g.headers['x-parley-signature']!, g.body)).toBe(false)
      expect(g.json.id).toBe(g.headers['x-parley-delivery'])
      expect(g.body).not.toContain(CARD)
    }
    const message = both.find((g) => g.json.event === 'message.created')!.json.data.message
    expect(message).toMatchObject({ body: `My card ${MASKED}`, authorType: 'visitor', seq: 1 })
    // The secret is stored sealed, never in the clear.
    const [row] = await srv.db.sql<{ secret: string }[]>`select secret from webhooks where id = ${id}`
    expect(row!.secret).not.toContain(secret.slice(6))
    expect((await owner.request('GET', `/api/settings/webhooks/${id}/secret`)).body.secret).toBe(secret)
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('retries a failed delivery with back-off until the receiver takes it, and logs each attempt', async () => {
    const { id } = await hook(['conversation.resolved'])
    rx.answer((n) => (n < 3 ? new Response('busy, try later', { status: 503 }) : new Response('thanks')))
    const v = await VisitorClient.create(srv.url)
    const conversationId = (await v.request('POST', '/api/widget/messages', { body: 'Resolve me', clientId: cid() })).body.conversation.id
    expect((await owner.request('POST', `/api/conversations/${conversationId}/resolve`)).status).toBe(200)
    const [log] = await until('the delivery to be sent', async () => {
      const d = await deliveries(id)
      return d[0]?.status === 'sent' ? d : null
    })
    expect(log).toMatchObject({ event: 'conversation.resolved', status: 'sent', attempts: 3, responseStatus: 200, responseBody: 'thanks', lastError: null })
    const tries = rx.got.filter((g) => g.headers['x-parley-delivery'] === log.id)
    expect(tries.length).toBe(3)
    // Every try is the same delivery, byte for byte.
    expect(new Set(tries.map((g) => g.body)).size).toBe(1)
    rx.answer(() => new Response('ok'))
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('gives up after the last retry and logs the failure, the answer bounded', async () => {
    const { id } = await hook(['conversation.reopened'])
    rx.answer(() => new Response('x'.repeat(10_000), { status: 500 }))
    const v = await VisitorClient.create(srv.url)
    const conversationId = (await v.request('POST', '/api/widget/messages', { body: 'Again', clientId: cid() })).body.conversation.id
    await owner.request('POST', `/api/conversations/${conversationId}/resolve`)
    await owner.request('POST', `/api/conversations/${conversationId}/reopen`)
    const [log] = await until('the delivery to fail', async () => {
      const d = await deliveries(id)
      return d[0]?.status === 'failed' ? d : null
    })
    expect(log).toMatchObject({ event: 'conversation.reopened', attempts: 3, responseStatus: 500, lastError: 'the receiver answered 500' })
    expect(log.responseBody.length).toBe(1024)
    rx.answer(() => new Response('ok'))
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    const { id } = await hook(['conversation.created'])
    rx.answer(async (n) => {
      if (n === 1) await Bun.sleep(3000)
      return new Response('late but fine')
    })
    const v = await VisitorClient.create(srv.url)
    await v.request('POST', '/api/widget/messages', { body: 'Slow receiver', clientId: cid() })
    const [log] = await until('the delivery to be sent on the second try', async () => {
      const d = await deliveries(id)
      return d[0]?.status === 'sent' ? d : null
    })
    expect(log.attempts).toBe(2)
    rx.answer(() => new Response('ok'))
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('sends a test delivery on request', async () => {
    const { id, secret } = await hook(['message.created'])
    const r = await owner.request('POST', `/api/settings/webhooks/${id}/test`)
    expect(r.status).toBe(202)
    const got = await until('the test delivery', () => rx.got.find((g) => g.headers['x-parley-delivery'] === r.body.id))
    expect(got.json).toMatchObject({ event: 'webhook.test', data: { test: true } })
    expect(verify(secret, got.headers['x-parley-signature']!, got.body)).toBe(true)
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('tells of a missed conversation', async () => {
    const { id } = await hook(['conversation.missed'])
    const v = await VisitorClient.create(srv.url)
    const ws = await v.socket()
    await ws.waitFor('hello')
    const conversationId = (await v.request('POST', '/api/widget/messages', { body: 'Anyone?', clientId: cid() })).body.conversation.id
    ws.close()
    await until('the missed-conversation timer', async () => (await srv.db.sql`select 1 from notification_timers where conversation_id = ${conversationId} and kind = 'missed_conversation'`).length === 1)
    await srv.db.sql`update notification_timers set due_at = now() where conversation_id = ${conversationId} and kind = 'missed_conversation'`
    srv.running.deps.notices.wake()
    const got = await until('the missed delivery', () => rx.got.find((g) => g.json.event === 'conversation.missed' && g.json.data.conversation.id === conversationId))
    expect(got.json.data.conversation.status).toBe('open')
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('delivers once when two processes share the queue', async () => {
    const { id } = await hook(['message.created'])
    const second = await startTestServer({ webhooks: { timeoutMs: 1000, retryDelaysMs: [50, 50], allowPrivate: true } }, srv.db)
    try {
      const d = (await owner.request('POST', `/api/settings/webhooks/${id}/test`)).body
      second.running.deps.webhooks.wake()
      await until('the delivery to be sent', async () => (await deliveries(id))[0]?.status === 'sent')
      // Both workers were woken for it; a sent row is never claimed again, so this count is final.
      expect(rx.got.filter((g) => g.headers['x-parley-delivery'] === d.id).length).toBe(1)
      expect((await deliveries(id))[0]).toMatchObject({ id: d.id, attempts: 1, status: 'sent' })
    } finally {
      await second.running.stop()
    }
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('applies a receiver added on one process to the messages of another, and a switched-off one at once', async () => {
    const second = await startTestServer({ webhooks: { timeoutMs: 1000, retryDelaysMs: [50, 50], allowPrivate: true } }, srv.db)
    const other = receiver()
    try {
      // The second process has read its (empty) list of receivers before the hook exists.
      const early = await VisitorClient.create(second.url)
      expect((await early.request('POST', '/api/widget/messages', { body: 'before any hook', clientId: cid() })).status).toBe(201)
      const { id } = await hook(['message.created'])
      // Told through the cluster notice: messages written on the second process now go out.
      const v = await VisitorClient.create(second.url)
      const conversationId = (await v.request('POST', '/api/widget/messages', { body: 'first', clientId: cid() })).body.conversation.id
      await until('a delivery of a message written on the other process', async () => {
        await v.request('POST', '/api/widget/messages', { body: 'again', clientId: cid(), conversationId })
        await Bun.sleep(100)
        return rx.got.some((g) => g.json.data?.conversation?.id === conversationId)
      })
      // Switched off here: this process's next message skips it, while another receiver still gets it.
      expect((await owner.request('PATCH', `/api/settings/webhooks/${id}`, { active: false })).status).toBe(200)
      const { id: otherId } = await hook(['message.created'], other.url)
      const w = await VisitorClient.create(srv.url)
      const wc = (await w.request('POST', '/api/widget/messages', { body: 'after switching off', clientId: cid() })).body.conversation.id
      await until('the other receiver', () => other.got.some((g) => g.json.data?.conversation?.id === wc))
      expect(rx.got.some((g) => g.json.data?.conversation?.id === wc)).toBe(false)
      await owner.request('DELETE', `/api/settings/webhooks/${id}`)
      await owner.request('DELETE', `/api/settings/webhooks/${otherId}`)
    } finally {
      await second.running.stop()
      other.stop()
    }
  })

  it('keeps the delivery log for 30 days, and a queued delivery until it is settled', async () => {
    const { id } = await hook(['message.created'], 'http://127.0.0.1:9/never')
    rx.answer(() => new Response('ok'))
    const ids = [cid(), cid(), cid()]
    await srv.db.sql`insert into webhook_deliveries (id, webhook_id, event, payload, status, created_at, next_attempt_at) values
      (${ids[0]!}, ${id}, 'message.created', '{}', 'sent', now() - interval '31 days', now()),
      (${ids[1]!}, ${id}, 'message.created', '{}', 'failed', now() - interval '29 days', now()),
      (${ids[2]!}, ${id}, 'message.created', '{}', 'queued', now() - interval '31 days', now() + interval '1 day')`
    expect((await runMaintenance(srv.db.sql, 900)).webhookDeliveries).toBe(1)
    expect((await deliveries(id)).map((d) => d.id).sort()).toEqual([ids[1]!, ids[2]!].sort())
    await owner.request('DELETE', `/api/settings/webhooks/${id}`)
  })

  it('refuses receivers on this machine or a private network unless WEBHOOK_ALLOW_PRIVATE, when saved and again when delivering', async () => {
    const { id } = await hook(['message.created'])
    const strict = await startTestServer({ webhooks: { timeoutMs: 1000, retryDelaysMs: [], allowPrivate: false } }, srv.db)
    try {
      const strictOwner = new AgentClient(strict.url)
      expect((await strictOwner.login('owner@example.com', 'owner-password')).status).toBe(200)
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/', 'http://[::ffff:192.168.1.1]/', 'http://[fd00::1]/']) {
        const r = await strictOwner.request('POST', '/api/settings/webhooks', { url, events: ['message.created'] })
        expect({ url, status: r.status, code: r.body.error?.code }).toEqual({ url, status: 400, code: 'webhook.private_address' })
      }
      expect((await strictOwner.request('PATCH', `/api/settings/webhooks/${id}`, { url: 'http://127.0.0.2/x' })).status).toBe(400)
      // Saved earlier (allowed then): the strict process does not call it, and logs why. (The
      // first process's worker, which allows it, pauses meanwhile.)
      await srv.running.deps.webhooks.stop()
      const d = (await strictOwner.request('POST', `/api/settings/webhooks/${id}/test`)).body
      await until('the refusal logged', async () => (await strictOwner.request('GET', `/api/settings/webhooks/${id}/deliveries`)).body[0]?.status === 'failed')
      const [row] = (await strictOwner.request('GET', `/api/settings/webhooks/${id}/deliveries`)).body
      expect(row).toMatchObject({ id: d.id, status: 'failed' })
      expect(row.lastError).toContain('refused: 127.0.0.1')
      expect(rx.got.some((g) => g.headers['x-parley-delivery'] === d.id)).toBe(false)
    } finally {
      await strict.running.stop()
      srv.running.deps.webhooks.start()
      await owner.request('DELETE', `/api/settings/webhooks/${id}`)
    }
  })

  it('accepts only http(s) URLs and known events, from the owner only, and stores nothing it refused', async () => {
    for (const url of ['ftp://example.com/hook', 'javascript:alert(1)', 'http://user:pw@example.com/', 'not a url', `https://example.com/${'a'.repeat(2100)}`]) {
      const r = await owner.request('POST', '/api/settings/webhooks', { url, events: ['message.created'] })
      expect({ url: url.slice(0, 40), status: r.status }).toEqual({ url: url.slice(0, 40), status: 400 })
    }
    expect((await owner.request('POST', '/api/settings/webhooks', { url: rx.url, events: ['message.deleted'] })).status).toBe(400)
    expect((await owner.request('POST', '/api/settings/webhooks', { url: rx.url, events: [] })).status).toBe(400)
    const r = await owner.request('POST', '/api/agents', { email: 'amy@example.com', name: 'Amy', password: 'agent-password', role: 'full' })
    expect(r.status).toBe(201)
    const amy = new AgentClient(srv.url)
    await amy.login('amy@example.com', 'agent-password')
    expect((await amy.request('POST', '/api/settings/webhooks', { url: rx.url, events: ['message.created'] })).status).toBe(403)
    expect((await amy.request('GET', '/api/settings/webhooks')).status).toBe(403)
    expect((await owner.request('GET', '/api/settings/webhooks')).body.webhooks).toEqual([])
    expect((await owner.request('GET', `/api/settings/webhooks/${cid()}/deliveries`)).status).toBe(404)
  })
})
