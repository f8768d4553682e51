// Web Push end to end: a real Parley, a local push service on loopback, and devices whose keys are
// made here as a browser makes them. A push reaches an agent's device only when no dashboard of
// theirs is connected and they want to hear of that event; its body decrypts with the device's
// private key and auth secret (aes128gcm) and its VAPID JWT verifies with the installation's public
// key; a device the push service no longer knows is forgotten, other failures are retried with
// back-off, and a queued push survives a restart and goes out once with two processes.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startTestServer, startWithOwner, testConfig, type TestServer } from '../testing/harness.ts'
import { createTestDb } from '../db/testing.ts'
import { decryptPush, deviceKeys, pushService, verifyVapid, type DeviceKeys } from '../testing/push.ts'
import { checkEndpoint } from '../domain/push/push.rules.ts'
import { createECDH } from 'node:crypto'
import type { Config } from '../config.ts'

let srv: TestServer
let owner: AgentClient
let lena: AgentClient
let ps: ReturnType<typeof pushService>

const CARD = '4111 1111 1111 1111'
const MASKED = '•••• •••• •••• 1111'
const pushConfig = (retryDelaysMs: number[]): Pick<Config, 'push'> => ({ push: { ...testConfig().push, allowLoopbackHttp: true, retryDelaysMs } })

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}

async function device(agent: AgentClient, keys: DeviceKeys = deviceKeys(), endpoint = ps.endpoint()) {
  const r = await agent.request('POST', '/api/push/subscriptions', { endpoint, keys: keys.json, expirationTime: null })
  if (r.status !== 201) throw new Error(`subscribe: ${r.status} ${JSON.stringify(r.body)}`)
  return { keys, endpoint, id: r.body.id as string }
}

/** A visitor writes; returns the conversation's id once every listener has run. */
async function visitorWrites(body: string, v?: VisitorClient, server = srv): Promise<string> {
  const visitor = v ?? (await VisitorClient.create(server.url))
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  if (r.status !== 201 && r.status !== 200) throw new Error(`message: ${r.status}`)
  await server.running.deps.bus.drain()
  return r.body.conversation.id
}

const queuedFor = async (subscriptionId: string) =>
  (await srv.db.sql<{ n: number }[]>`select count(*)::int as n from push_deliveries where subscription_id = ${subscriptionId}`)[0]!.n

beforeAll(async () => {
  ps = pushService()
  ;({ srv, owner } = await startWithOwner(pushConfig([100, 100])))
  expect((await owner.request('POST', '/api/agents', { email: 'lena@example.com', name: 'Lena', password: 'agent-password', role: 'limited' })).status).toBe(201)
  lena = new AgentClient(srv.url)
  await lena.login('lena@example.com', 'agent-password')
})
afterAll(async () => {
  await srv?.stop()
  ps?.stop()
})

describe('alert choices', () => {
  it('starts with every event on and a medium volume, stores my choice, and refuses unknown events or volumes', async () => {
    expect((await lena.request('GET', '/api/settings/alerts')).body).toEqual({
      desktop: ['new_conversation', 'my_message', 'unassigned_message', 'mention'],
      sound: ['new_conversation', 'my_message', 'unassigned_message', 'mention'],
      volume: 60,
      events: ['new_conversation', 'my_message', 'unassigned_message', 'mention'],
    })
    const r = await lena.request('PUT', '/api/settings/alerts', { sound: ['mention', 'my_message'], volume: 25 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ sound: ['my_message', 'mention'], volume: 25, desktop: ['new_conversation', 'my_message', 'unassigned_message', 'mention'] })
    for (const bad of [{ sound: ['everything'] }, { volume: 101 }, { volume: -1 }, { volume: 2.5 }, {}, { desktop: 'all' }, { extra: true }]) {
      expect({ bad, status: (await lena.request('PUT', '/api/settings/alerts', bad)).status }).toEqual({ bad, status: 400 })
    }
    expect((await lena.request('GET', '/api/settings/alerts')).body).toMatchObject({ sound: ['my_message', 'mention'], volume: 25 })
    // Each agent's own: the owner's are untouched.
    expect((await owner.request('GET', '/api/settings/alerts')).body.volume).toBe(60)
    expect((await new AgentClient(srv.url).request('GET', '/api/settings/alerts')).status).toBe(401)
    await lena.request('PUT', '/api/settings/alerts', { sound: ['new_conversation', 'my_message', 'unassigned_message', 'mention'], volume: 60 })
  })
})

describe('push subscriptions', () => {
  it('accepts only https push services (loopback http only where tests allow it) and real P-256 keys, storing nothing it refused', async () => {
    const keys = deviceKeys().json
    const bad = [
      { endpoint: 'http://push.example.com/abc', keys },
      { endpoint: 'ftp://127.0.0.1/abc', keys },
      { endpoint: 'javascript:alert(1)', keys },
      { endpoint: 'https://user:pw@push.example.com/abc', keys },
      { endpoint: ps.endpoint(), keys: { ...keys, p256dh: keys.p256dh.slice(0, 40) } },
      { endpoint: ps.endpoint(), keys: { ...keys, p256dh: Buffer.alloc(65, 7).toString('base64url') } },
      { endpoint: ps.endpoint(), keys: { ...keys, auth: 'c2hvcnQ' } },
      { endpoint: ps.endpoint(), keys: { ...keys, auth: 'not base64 !' } },
      { endpoint: ps.endpoint() },
    ]
    for (const b of bad) expect({ b, status: (await lena.request('POST', '/api/push/subscriptions', b)).status }).toEqual({ b, status: 400 })
    expect((await lena.request('GET', '/api/push/subscriptions')).body.devices).toEqual([])
    // Without the test flag a loopback http endpoint is refused like any other http one.
    expect(checkEndpoint('http://127.0.0.1:9/push/x', false)).toBeNull()
    expect(checkEndpoint('https://fcm.googleapis.com/fcm/send/abc', false)?.host).toBe('fcm.googleapis.com')
  })

  it('stores the auth secret and the endpoint sealed, lists my devices without keys, and unsubscribes', async () => {
    const d = await device(lena)
    const [row] = await srv.db.sql<{ auth: string; p256dh: string; endpoint: string }[]>`select auth, p256dh, endpoint from push_subscriptions where id = ${d.id}`
    expect(row!.auth).not.toContain(d.keys.json.auth)
    expect(row!.p256dh).toBe(d.keys.json.p256dh)
    // The endpoint's path is the browser's registration token at the push service.
    expect(row!.endpoint).toStartWith('enc:v1:')
    expect(JSON.stringify(await srv.db.sql`select * from push_subscriptions`)).not.toContain(new URL(d.endpoint).pathname.split('/').pop()!)
    // The same browser subscribing again is the same device, not a second one.
    expect((await device(lena, d.keys, d.endpoint)).id).toBe(d.id)
    const list = (await lena.request('GET', '/api/push/subscriptions')).body.devices
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ id: d.id, service: new URL(ps.origin).host })
    expect(JSON.stringify(list)).not.toContain(d.keys.json.auth)
    expect((await owner.request('GET', '/api/push/subscriptions')).body.devices).toEqual([])
    // Someone else's endpoint is not mine to remove.
    expect((await owner.request('DELETE', '/api/push/subscriptions', { endpoint: d.endpoint })).status).toBe(404)
    expect((await lena.request('DELETE', '/api/push/subscriptions', { endpoint: d.endpoint })).status).toBe(204)
    expect((await lena.request('GET', '/api/push/subscriptions')).body.devices).toEqual([])
  })
})

describe('web push', () => {
  it("pushes an encrypted, VAPID-signed notice with a short masked preview to an agent whose dashboard is closed, and not to one whose dashboard is open", async () => {
    const mine = await device(lena)
    const ownerDevice = await device(owner)
    const dashboard = await owner.socket()
    await dashboard.waitFor('hello')
    await until('the owner to count as connected', async () => (await srv.db.sql`select 1 from agent_connections where agent_id = ${owner.agent!.id} and connections > 0`).length === 1)
    const conversationId = await visitorWrites(`Hello, my card is ${CARD} and ${'x'.repeat(300)}`)
    const [got] = await until('the push', () => (ps.to(mine.endpoint).length ? ps.to(mine.endpoint) : null))
    // The VAPID JWT verifies with the installation's public key, for this push service, signed by the owner's address.
    const vapid = verifyVapid(got!.headers.authorization!)
    expect(vapid.key).toBe((await lena.request('GET', '/api/push/key')).body.publicKey)
    expect(vapid.claims.aud).toBe(ps.origin)
    expect(vapid.claims.sub).toBe('mailto:owner@example.com')
    expect(vapid.claims.exp).toBeGreaterThan(Date.now() / 1000)
    expect(got!.headers['content-encoding']).toBe('aes128gcm')
    expect(Number(got!.headers.ttl)).toBeGreaterThan(0)
    // The body is unreadable on the way and decrypts with the device's own private key.
    expect(got!.body.toString('latin1')).not.toContain('Hello')
    expect(() => decryptPush(got!.body, deviceKeys())).toThrow()
    const payload = JSON.parse(decryptPush(got!.body, mine.keys))
    expect(payload).toMatchObject({ conversationId, tag: conversationId, event: 'new_conversation' })
    expect(payload.title).toMatch(/^New conversation: Visitor #\d+$/)
    expect(payload.body.startsWith(`Hello, my card is ${MASKED} and xxx`)).toBe(true)
    expect(payload.body.length).toBeLessThanOrEqual(120)
    expect(JSON.stringify(payload)).not.toContain('4111 1111')
    await until('the push to be recorded as sent', async () => (await srv.db.sql`select 1 from push_deliveries where subscription_id = ${mine.id} and status = 'sent'`).length === 1)
    // The owner has a dashboard open: it tells them itself, so no push was queued for them.
    expect(await queuedFor(ownerDevice.id)).toBe(0)
    dashboard.close()
    await lena.request('DELETE', `/api/push/subscriptions/${mine.id}`)
    await owner.request('DELETE', `/api/push/subscriptions/${ownerDevice.id}`)
  })

  it('honours the per-event choice: only my conversations, when that is all I want', async () => {
    const mine = await device(lena)
    expect((await lena.request('PUT', '/api/settings/alerts', { desktop: ['my_message'] })).status).toBe(200)
    const v = await VisitorClient.create(srv.url)
    const conversationId = await visitorWrites('First question', v)
    expect(await queuedFor(mine.id)).toBe(0)
    expect((await owner.request('POST', `/api/conversations/${conversationId}/assign`, { agentId: lena.agent!.id })).status).toBe(200)
    await visitorWrites('Anyone there?', v)
    const [got] = await until('the push about my conversation', () => (ps.to(mine.endpoint).length ? ps.to(mine.endpoint) : null))
    expect(JSON.parse(decryptPush(got!.body, mine.keys))).toMatchObject({ event: 'my_message', conversationId, body: 'Anyone there?' })
    expect(JSON.parse(decryptPush(got!.body, mine.keys)).title).toMatch(/^Visitor #\d+ wrote to you$/)
    await lena.request('PUT', '/api/settings/alerts', { desktop: ['new_conversation', 'my_message', 'unassigned_message', 'mention'] })
    await lena.request('DELETE', `/api/push/subscriptions/${mine.id}`)
  })

  it("pushes a colleague's @mention in a private note to the agent mentioned, when they want to hear of mentions", async () => {
    const mine = await device(lena)
    // Mentions only: the visitor's message itself pushes nothing to Lena.
    expect((await lena.request('PUT', '/api/settings/alerts', { desktop: ['mention'] })).status).toBe(200)
    const conversationId = await visitorWrites('A question for the team')
    expect(await queuedFor(mine.id)).toBe(0)
    const note = await owner.request('POST', `/api/conversations/${conversationId}/notes`, { body: `@Lena please check the card ${CARD}`, clientId: cid() })
    expect(note.status).toBe(201)
    await srv.running.deps.bus.drain()
    const got = await until('the mention push', () => (ps.to(mine.endpoint).length ? ps.to(mine.endpoint) : null))
    expect(got).toHaveLength(1)
    const payload = JSON.parse(decryptPush(got[0]!.body, mine.keys))
    expect(payload).toMatchObject({ event: 'mention', conversationId })
    expect(payload.title).toMatch(/^You were mentioned: Visitor #\d+$/)
    expect(payload.body).toBe(`@Lena please check the card ${MASKED}`)
    // Not wanted for mentions: nothing queued for the next one.
    expect((await lena.request('PUT', '/api/settings/alerts', { desktop: ['my_message'] })).status).toBe(200)
    const queued = await queuedFor(mine.id)
    expect((await owner.request('POST', `/api/conversations/${conversationId}/notes`, { body: '@Lena once more', clientId: cid() })).status).toBe(201)
    await srv.running.deps.bus.drain()
    expect(await queuedFor(mine.id)).toBe(queued)
    await lena.request('PUT', '/api/settings/alerts', { desktop: ['new_conversation', 'my_message', 'unassigned_message', 'mention'] })
    await lena.request('DELETE', `/api/push/subscriptions/${mine.id}`)
  })

  it('forgets a device the push service answers 404 or 410 for', async () => {
    for (const status of [410, 404]) {
      const d = await device(lena)
      ps.answer((_n, r) => (r.path === new URL(d.endpoint).pathname ? status : 201))
      expect((await lena.request('POST', '/api/push/test')).status).toBe(202)
      await until(`the ${status} device to be removed`, async () => (await lena.request('GET', '/api/push/subscriptions')).body.devices.length === 0)
      expect(ps.to(d.endpoint)).toHaveLength(1)
    }
    ps.answer(() => 201)
    expect((await lena.request('POST', '/api/push/test')).status).toBe(409)
  })

  it('retries other failures with back-off until the push service takes the push', async () => {
    const d = await device(lena)
    ps.answer((n) => (n < 3 ? 503 : 201))
    await lena.request('POST', '/api/push/test')
    await until('the push to be sent', async () => (await srv.db.sql`select 1 from push_deliveries where subscription_id = ${d.id} and status = 'sent'`).length === 1)
    const [row] = await srv.db.sql<{ attempts: number; responseStatus: number }[]>`select attempts, response_status from push_deliveries where subscription_id = ${d.id}`
    expect(row).toEqual({ attempts: 3, responseStatus: 201 })
    const tries = ps.to(d.endpoint)
    expect(tries).toHaveLength(3)
    // Each try is encrypted afresh, each decrypts to the same notice.
    for (const t of tries) expect(JSON.parse(decryptPush(t.body, d.keys))).toMatchObject({ event: 'test', title: 'Parley: test notification' })
    // Past the last retry it stops, recorded as failed with the service's answer.
    ps.answer(() => 500)
    await lena.request('POST', '/api/push/test')
    await until('the push to fail for good', async () => (await srv.db.sql`select 1 from push_deliveries where subscription_id = ${d.id} and status = 'failed'`).length === 1)
    const [failed] = await srv.db.sql<{ attempts: number; lastError: string }[]>`select attempts, last_error from push_deliveries where subscription_id = ${d.id} and status = 'failed'`
    expect(failed).toEqual({ attempts: 3, lastError: 'the push service answered 500' })
    ps.answer(() => 201)
    await lena.request('DELETE', `/api/push/subscriptions/${d.id}`)
  })

  it('keeps a queued push across a restart and sends it once with two processes', async () => {
    const db = await createTestDb()
    const first = await startTestServer(pushConfig([400]), db)
    const agent = new AgentClient(first.url)
    expect((await agent.setup()).status).toBe(201)
    const d = await device(agent)
    ps.answer((n, r) => (r.path === new URL(d.endpoint).pathname && n === 1 ? 503 : 201))
    await agent.request('POST', '/api/push/test')
    await until('the first try', () => ps.to(d.endpoint).length === 1)
    await first.running.stop()
    const [queued] = await db.sql<{ status: string; attempts: number }[]>`select status, attempts from push_deliveries`
    expect(queued).toEqual({ status: 'queued', attempts: 1 })
    // Two processes start on the same database: the stored push goes out once more, by one of them.
    const [a, b] = await Promise.all([startTestServer(pushConfig([400]), db), startTestServer(pushConfig([400]), db)])
    try {
      await until('the push to be sent after the restart', async () => (await db.sql`select 1 from push_deliveries where status = 'sent'`).length === 1)
      await Bun.sleep(500)
      expect(ps.to(d.endpoint)).toHaveLength(2)
      expect((await db.sql<{ attempts: number }[]>`select attempts from push_deliveries`)[0]!.attempts).toBe(2)
    } finally {
      await a.running.stop()
      await b.running.stop()
      await db.drop()
    }
    ps.answer(() => 201)
  })

  it('signs with VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY and VAPID_SUBJECT when they are set, storing no key pair of its own', async () => {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const env = { vapidPublicKey: ecdh.getPublicKey().toString('base64url'), vapidPrivateKey: Buffer.concat([Buffer.alloc(32 - ecdh.getPrivateKey().length), ecdh.getPrivateKey()]).toString('base64url'), vapidSubject: 'https://chat.example.com' }
    const db = await createTestDb()
    const server = await startTestServer({ push: { ...pushConfig([100]).push, ...env } }, db)
    try {
      const agent = new AgentClient(server.url)
      expect((await agent.setup()).status).toBe(201)
      expect((await agent.request('GET', '/api/push/key')).body.publicKey).toBe(env.vapidPublicKey)
      const d = await device(agent)
      await agent.request('POST', '/api/push/test')
      const [got] = await until('the push', () => (ps.to(d.endpoint).length ? ps.to(d.endpoint) : null))
      const vapid = verifyVapid(got!.headers.authorization!)
      expect(vapid).toMatchObject({ key: env.vapidPublicKey, claims: { sub: 'https://chat.example.com', aud: ps.origin } })
      expect(await db.sql`select 1 from push_vapid`).toHaveLength(0)
    } finally {
      await server.running.stop()
      await db.drop()
    }
  })
})

