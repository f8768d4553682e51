// The widget's doors under a flood from one visitor or one address: past each limit the answer
// is 429 with Retry-After (or an error frame `rate.limited`), nothing more is stored, and what
// stays under the limit is all stored. Small limits here; the defaults are in config.ts.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { gzipSync } from 'node:zlib'
import { AgentClient, TestSocket, VisitorClient, cid, startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let ipCounter = 0
/** A fresh client address for each test (the server believes X-Forwarded-For from loopback). */
const freshIp = () => `198.51.100.${++ipCounter}`

beforeAll(async () => {
  srv = await startTestServer({
    trustProxy: ['127.0.0.1'],
    limits: {
      // Refilled once a day: nothing trickles back in while a test runs.
      messagesPerVisitor: { burst: 5, seconds: 86_400 },
      messagesPerIp: { burst: 12, seconds: 86_400 },
      visitorsPerIp: { burst: 4, seconds: 86_400 },
      pageViewsPerVisitor: { burst: 6, seconds: 86_400 },
      pageViewsPerIp: { burst: 10, seconds: 86_400 },
      contactsPerVisitor: { burst: 2, seconds: 86_400 },
      contactsPerIp: { burst: 3, seconds: 86_400 },
      recordingChunksPerVisitor: { burst: 3, seconds: 86_400 },
      updatesPerVisitor: { burst: 3, seconds: 86_400 },
      updatesPerIp: { burst: 5, seconds: 86_400 },
      signalsPerVisitor: { burst: 4, seconds: 86_400 },
      signalsPerIp: { burst: 100, seconds: 86_400 },
      socketsPerIp: 3,
      maxKeys: 100,
    },
  })
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
})
afterAll(() => srv.stop())

async function post(path: string, ip: string, body?: unknown, token?: string) {
  const res = await fetch(srv.url + path, {
    method: 'POST',
    headers: {
      'x-forwarded-for': ip,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as any }
}

async function newVisitor(ip: string): Promise<VisitorClient> {
  const r = await post('/api/widget/visitors', ip)
  expect(r.status).toBe(201)
  const v = new VisitorClient(srv.url)
  v.token = r.body.token
  v.id = r.body.visitor.id
  return v
}

function visitorSocket(v: VisitorClient, ip: string): Promise<TestSocket> {
  return TestSocket.open(`${srv.url.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(v.token)}`, { 'x-forwarded-for': ip })
}

const expectLimited = (r: { status: number; headers: Headers; body: any }) => {
  expect(r.status).toBe(429)
  expect(r.body.error.code).toBe('rate.limited')
  const retryAfter = Number(r.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThan(0)
  expect(r.body.error.details.retryAfter).toBe(retryAfter)
}

const storedMessages = async (visitorId: string) =>
  Number((await srv.db.sql`SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.visitor_id = ${visitorId}`)[0]!.n)

describe('limits on the widget', () => {
  it('stores a burst under the limit, answers rate.limited past it on the socket, stores nothing more and keeps the socket open', async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const ws = await visitorSocket(v, ip)
    await ws.waitFor('hello')
    const ids = Array.from({ length: 40 }, () => cid())
    ids.forEach((clientId, i) => ws.send({ type: 'message.send', clientId, body: `flood ${i}` }))
    // the first five are acked, in order; each of the others gets rate.limited with its clientId
    for (const id of ids.slice(0, 5)) await ws.waitFor('ack', (f) => f.clientId === id)
    for (const id of ids.slice(5)) {
      const e = await ws.waitFor('error', (f) => f.ref === id)
      expect(e.code).toBe('rate.limited')
      expect(e.retryAfter).toBeGreaterThan(0)
    }
    expect(ws.frames.filter((f) => f.type === 'ack').length).toBe(5)
    expect(await storedMessages(v.id)).toBe(5)
    // still open and answering
    ws.send({ type: 'ping' })
    await ws.waitFor('pong')
    expect(ws.closed).toBeNull()
    // the HTTP door shares the visitor's bucket
    const http = await post('/api/widget/messages', ip, { body: 'over http', clientId: cid() }, v.token)
    expectLimited(http)
    expect(await storedMessages(v.id)).toBe(5)
    ws.close()
  })

  it('limits messages per address across visitors', async () => {
    const ip = freshIp()
    const a = await newVisitor(ip)
    const b = await newVisitor(ip)
    const c = await newVisitor(ip)
    const statuses: number[] = []
    for (const v of [a, b, c]) {
      for (let i = 0; i < 5; i++) statuses.push((await post('/api/widget/messages', ip, { body: `m${i}`, clientId: cid() }, v.token)).status)
    }
    expect(statuses.filter((s) => s === 201).length).toBe(12)
    expect(statuses.filter((s) => s === 429).length).toBe(3)
    expect((await storedMessages(a.id)) + (await storedMessages(b.id)) + (await storedMessages(c.id))).toBe(12)
  })

  it('answers 429 to a flood of new visitors from one address, and not to another address', async () => {
    const ip = freshIp()
    const answers = []
    for (let i = 0; i < 10; i++) answers.push(await post('/api/widget/visitors', ip))
    expect(answers.filter((r) => r.status === 201).length).toBe(4)
    for (const r of answers.slice(4)) expectLimited(r)
    expect((await post('/api/widget/visitors', freshIp())).status).toBe(201)
  })

  it('refuses sockets from one address past the limit, and takes one again when another closes', async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const open: TestSocket[] = []
    for (let i = 0; i < 3; i++) {
      const ws = await visitorSocket(v, ip)
      await ws.waitFor('hello')
      open.push(ws)
    }
    // the upgrade is answered 429, so the handshake fails
    await expect(visitorSocket(v, ip)).rejects.toThrow()
    const res = await fetch(`${srv.url}/ws/visitor?token=${v.token}`, { headers: { 'x-forwarded-for': ip, upgrade: 'websocket' } })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    // the same visitor from another address is not affected
    const elsewhere = await visitorSocket(v, freshIp())
    await elsewhere.waitFor('hello')
    elsewhere.close()
    open.pop()!.close()
    const deadline = Date.now() + 5000
    let again: TestSocket | null = null
    while (!again && Date.now() < deadline) {
      again = await visitorSocket(v, ip).catch(() => null)
      if (!again) await Bun.sleep(50)
    }
    expect(again).not.toBeNull()
    await again!.waitFor('hello')
    for (const ws of [...open, again!]) ws.close()
  })

  it('limits page views per visitor on the socket and over HTTP', async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const ws = await visitorSocket(v, ip)
    await ws.waitFor('hello')
    for (let i = 0; i < 20; i++) ws.send({ type: 'page.view', url: `https://shop.example/p/${i}`, title: `Page ${i}` })
    const errors = async () => {
      const deadline = Date.now() + 5000
      while (ws.frames.filter((f) => f.type === 'error').length < 14 && Date.now() < deadline) await Bun.sleep(20)
      return ws.frames.filter((f) => f.type === 'error')
    }
    const refused = await errors()
    expect(refused.length).toBe(14)
    for (const e of refused) expect([e.code, e.retryAfter! > 0]).toEqual(['rate.limited', true])
    ws.send({ type: 'ping' })
    await ws.waitFor('pong')
    const [row] = await srv.db.sql`SELECT count(*)::int AS n FROM page_views WHERE visitor_id = ${v.id}`
    expect(row!.n).toBe(6)
    expectLimited(await post('/api/widget/pages', ip, { url: 'https://shop.example/http' }, v.token))
    ws.close()
  })

  it('limits contact forms per visitor and per address', async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const form = () => ({ email: 'someone@example.com', body: 'Please call me back', clientId: cid() })
    expect((await post('/api/widget/contact', ip, form(), v.token)).status).toBe(201)
    expect((await post('/api/widget/contact', ip, form(), v.token)).status).toBe(201)
    expectLimited(await post('/api/widget/contact', ip, form(), v.token))
    expect(await storedMessages(v.id)).toBe(2)
    // a second visitor at the same address gets one more: the address allows three
    const w = await newVisitor(ip)
    expect((await post('/api/widget/contact', ip, form(), w.token)).status).toBe(201)
    expectLimited(await post('/api/widget/contact', ip, form(), w.token))
  })

  it("limits a visitor's updates (site info, identify, group, rating) per visitor and per address, and changes nothing past the limit", async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    for (let i = 1; i <= 3; i++) expect((await post('/api/widget/me', ip, { name: `Name ${i}` }, v.token)).status).toBe(200)
    expectLimited(await post('/api/widget/me', ip, { name: 'Name 4' }, v.token))
    // the other updates share the visitor's budget: refused before anything is looked at
    expectLimited(await post('/api/widget/identify', ip, { id: 'user-1', hash: '00' }, v.token))
    expectLimited(await post('/api/widget/group', ip, { key: null }, v.token))
    expectLimited(await post(`/api/widget/conversations/${crypto.randomUUID()}/rating`, ip, { score: 1 }, v.token))
    const [row] = await srv.db.sql`SELECT name FROM visitors WHERE id = ${v.id}`
    expect(row!.name).toBe('Name 3')
    // a second visitor at the same address gets two more: the address allows five
    const w = await newVisitor(ip)
    expect((await post('/api/widget/me', ip, { name: 'W 1' }, w.token)).status).toBe(200)
    expect((await post('/api/widget/group', ip, { key: null }, w.token)).status).toBe(200)
    expectLimited(await post('/api/widget/me', ip, { name: 'W 3' }, w.token))
    // another address is not affected
    const x = await newVisitor(freshIp())
    expect((await post('/api/widget/me', freshIp(), { name: 'X' }, x.token)).status).toBe(200)
  })

  it("limits a widget socket's typing, delivered and resume frames: refused frames reach no dashboard, and the socket stays open", async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const dashboard = await owner.socket()
    await dashboard.waitFor('hello')
    const ws = await visitorSocket(v, ip)
    await ws.waitFor('hello')
    ws.send({ type: 'message.send', clientId: cid(), body: 'hello' })
    const { conversationId } = await ws.waitFor('ack')
    for (let i = 0; i < 10; i++) ws.send({ type: 'typing', conversationId, typing: i % 2 === 0 })
    ws.send({ type: 'delivered', conversationId, seq: 1 })
    ws.send({ type: 'resume', conversationId, afterSeq: 0 })
    const deadline = Date.now() + 5000
    while (ws.frames.filter((f) => f.type === 'error').length < 8 && Date.now() < deadline) await Bun.sleep(20)
    const refused = ws.frames.filter((f) => f.type === 'error')
    expect(refused.length).toBe(8)
    for (const e of refused) expect([e.code, e.retryAfter! > 0]).toEqual(['rate.limited', true])
    ws.send({ type: 'ping' })
    await ws.waitFor('pong')
    expect(ws.frames.some((f) => f.type === 'resumed')).toBe(false)
    await Bun.sleep(200)
    expect(dashboard.frames.filter((f) => f.type === 'typing' && f.conversationId === conversationId).length).toBe(4)
    // a message still goes: it has its own limit
    ws.send({ type: 'message.send', clientId: cid(), body: 'still here' })
    expect((await ws.waitFor('ack')).duplicate).toBe(false)
    ws.close()
    dashboard.close()
  })

  it('keeps the buckets bounded when every request comes from a new address', async () => {
    for (let i = 0; i < 300; i++) await post('/api/widget/visitors', `10.${i >> 8}.${i & 255}.7`)
    // maxKeys is 100 per limit, and there are eleven (five per visitor, six per address)
    expect(srv.running.deps.limits.size).toBeLessThanOrEqual(11 * 100)
    // the flood did not lift the limit of an address that is being limited
    const ip = freshIp()
    for (let i = 0; i < 4; i++) await post('/api/widget/visitors', ip)
    expectLimited(await post('/api/widget/visitors', ip))
  })
})

describe('a socket that sends faster than it is served', () => {
  it('is closed with 1008 once too many frames wait, and what it sent after closing is not stored', async () => {
    const local = await startTestServer({ limits: { ...srv.running.deps.config.limits, messagesPerVisitor: { burst: 10_000, seconds: 1 }, messagesPerIp: { burst: 10_000, seconds: 1 } } })
    try {
      const v = await VisitorClient.create(local.url)
      const ws = await v.socket()
      await ws.waitFor('hello')
      for (let i = 0; i < 600; i++) ws.send({ type: 'message.send', clientId: cid(), body: `fast ${i}` })
      const closed = await ws.waitClosed(10_000)
      expect(closed.code).toBe(1008)
      await Bun.sleep(500)
      const [row] = await local.db.sql`SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.visitor_id = ${v.id}`
      expect(row!.n).toBeLessThan(600)
      // acks only for what was stored
      expect(ws.frames.filter((f) => f.type === 'ack').length).toBeLessThanOrEqual(row!.n)
    } finally {
      await local.stop()
    }
  })

  it('drops the frames still waiting when the client closes', async () => {
    const local = await startTestServer({ limits: { ...srv.running.deps.config.limits, messagesPerVisitor: { burst: 10_000, seconds: 1 }, messagesPerIp: { burst: 10_000, seconds: 1 } } })
    try {
      const v = await VisitorClient.create(local.url)
      const ws = await v.socket()
      await ws.waitFor('hello')
      for (let i = 0; i < 200; i++) ws.send({ type: 'message.send', clientId: cid(), body: `then gone ${i}` })
      ws.close()
      await Bun.sleep(1500)
      const count = async () =>
        Number((await local.db.sql`SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.visitor_id = ${v.id}`)[0]!.n)
      const n = await count()
      expect(n).toBeLessThan(200)
      await Bun.sleep(500)
      expect(await count()).toBe(n)
    } finally {
      await local.stop()
    }
  })
})

describe('limits on session recordings', () => {
  it("answers 429 to a visitor's chunks past the limit, stores none of them, and not to another visitor of the same address", async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const rec = Bun.randomUUIDv7()
    const chunk = (seq: number) =>
      fetch(`${srv.url}/api/widget/recordings/${rec}/chunks/${seq}`, {
        method: 'POST',
        headers: { 'x-forwarded-for': ip, authorization: `Bearer ${v.token}`, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(gzipSync(JSON.stringify([{ type: 3, timestamp: Date.now(), data: { source: 1, positions: [] } }]))),
      }).then(async (res) => ({ status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as any }))
    const answers = []
    for (let seq = 0; seq < 5; seq++) answers.push(await chunk(seq))
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 429, 429])
    for (const r of answers.slice(3)) expectLimited(r)
    expect(answers[3]!.body.error.message).toContain('recording chunks')
    const stored = await srv.db.sql<{ seq: number }[]>`select seq from recording_chunks where recording_id = ${rec} order by seq`
    expect(stored.map((r) => r.seq)).toEqual([0, 1, 2])
    const other = await newVisitor(ip)
    const res = await fetch(`${srv.url}/api/widget/recordings/${Bun.randomUUIDv7()}/chunks/0`, {
      method: 'POST',
      headers: { 'x-forwarded-for': ip, authorization: `Bearer ${other.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(gzipSync(JSON.stringify([{ type: 3, timestamp: Date.now(), data: { source: 1, positions: [] } }]))),
    })
    expect(res.status).toBe(201)
  })
})

describe('the request body limit', () => {
  // A body streamed without Content-Length (chunked) is counted as it arrives: without that, the
  // 1 MB limit held only for bodies that declared their length, and Bun's own cap (the upload
  // route's 10 MB) was the limit for everyone else.
  it('answers 413 to a body past 1 MB, with or without a declared length, and stores nothing', async () => {
    const ip = freshIp()
    const v = await newVisitor(ip)
    const json = JSON.stringify({ body: 'hello', clientId: cid(), pad: 'x'.repeat(2 * 1024 * 1024) })
    const headers = { 'x-forwarded-for': ip, authorization: `Bearer ${v.token}`, 'content-type': 'application/json' }
    const declared = await fetch(`${srv.url}/api/widget/messages`, { method: 'POST', headers, body: json })
    expect(declared.status).toBe(413)
    const bytes = new TextEncoder().encode(json)
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) c.enqueue(bytes.slice(at, at + 64 * 1024))
        c.close()
      },
    })
    const chunked = await fetch(`${srv.url}/api/widget/messages`, { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('request.too_large')
    expect(await storedMessages(v.id)).toBe(0)
    // Under the limit, a chunked body is taken as any other.
    const small = new TextEncoder().encode(JSON.stringify({ body: 'hello', clientId: cid() }))
    const ok = await fetch(`${srv.url}/api/widget/messages`, {
      method: 'POST',
      headers,
      body: new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(small), c.close()) }),
      duplex: 'half',
    } as RequestInit)
    expect(ok.status).toBe(201)
    expect(await storedMessages(v.id)).toBe(1)
  })
})
