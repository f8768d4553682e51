// Login throttling: attempts are reserved in PostgreSQL before the password is checked, per
// address at one IP and per IP, so guesses cannot race past the limit and an attack on an address
// does not lock its owner out from elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startTestServer, type TestServer } from '../testing/harness.ts'

let a: TestServer
let b: TestServer
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const LIMIT = 5
const PER_IP = 12

beforeAll(async () => {
  const config = { trustProxy: ['127.0.0.1'], loginMaxFailuresPerEmail: LIMIT, loginMaxFailuresPerIp: PER_IP, loginWindowSeconds: 900, ownerEmail: OWNER.email, ownerPassword: OWNER.password }
  a = await startTestServer(config)
  // A second server on the same database: the reservation holds across processes.
  b = await startTestServer(config, a.db)
}, 60_000)
afterAll(async () => {
  await b.stop()
  await a.stop()
})

const from = (ip: string) => ({ 'x-forwarded-for': ip })
const login = (srv: TestServer, ip: string, email: string, password: string) =>
  new AgentClient(srv.url).request('POST', '/api/auth/login', { email, password }, from(ip))

describe('login throttling', () => {
  it('verifies at most the limit of 50 concurrent wrong guesses, across two processes', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login(i % 2 ? a : b, '203.0.113.10', OWNER.email, `wrong-guess-${i}`)),
    )
    const statuses = guesses.map((r) => r.status)
    // 401 means the password was checked; 429 means it never was.
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT)
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - LIMIT)
  }, 60_000)

  it('tells a locked-out address how long to wait, and lets the owner in from another IP meanwhile', async () => {
    const attacker = '203.0.113.20'
    for (let i = 0; i < LIMIT; i++) expect((await login(a, attacker, OWNER.email, `guess-${i}`)).status).toBe(401)
    const locked = await login(a, attacker, OWNER.email, OWNER.password)
    expect(locked.status).toBe(429)
    expect(locked.body.error.code).toBe('auth.throttled')
    const wait = Number(locked.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(30)
    expect(locked.body.error.details.retryAfter).toBe(wait)
    expect(locked.body.error.message).toMatch(/try again in \d+ s/)

    // The real owner, on their own network, during the attack.
    const owner = await login(b, '198.51.100.2', OWNER.email, OWNER.password)
    expect(owner.status).toBe(200)
    expect(owner.body.agent.email).toBe(OWNER.email)
  }, 60_000)

  it('makes each further failure wait twice as long', async () => {
    const attacker = '203.0.113.30'
    for (let i = 0; i < LIMIT; i++) await login(a, attacker, OWNER.email, `guess-${i}`)
    const first = Number((await login(a, attacker, OWNER.email, 'x-guess-1')).headers.get('retry-after'))
    // Let the first wait run out without waiting 30 s.
    await a.db.sql`update login_throttle set locked_until = now() - interval '1 second' where key like ${'%|' + attacker}`
    expect((await login(a, attacker, OWNER.email, 'x-guess-2')).status).toBe(401)
    const second = await login(a, attacker, OWNER.email, 'x-guess-3')
    expect(second.status).toBe(429)
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(first + 20)
  }, 60_000)

  it('throttles one IP across many addresses without locking those addresses elsewhere', async () => {
    const scanner = '203.0.113.40'
    const statuses: number[] = []
    for (let i = 0; i <= PER_IP; i++) statuses.push((await login(a, scanner, `nobody${i}@example.com`, 'whatever-pw')).status)
    expect(statuses.slice(0, PER_IP).every((s) => s === 401)).toBe(true)
    expect(statuses[PER_IP]).toBe(429)
    expect((await login(a, '198.51.100.3', OWNER.email, OWNER.password)).status).toBe(200)
  }, 60_000)

  it('starts an address over after its correct password', async () => {
    const ip = '198.51.100.4'
    for (let i = 0; i < LIMIT - 1; i++) expect((await login(a, ip, OWNER.email, `typo-${i}`)).status).toBe(401)
    expect((await login(a, ip, OWNER.email, OWNER.password)).status).toBe(200)
    for (let i = 0; i < LIMIT - 1; i++) expect((await login(a, ip, OWNER.email, `typo-again-${i}`)).status).toBe(401)
    expect((await login(a, ip, OWNER.email, OWNER.password)).status).toBe(200)
  }, 60_000)

  it('tells a deactivated agent with the right password that the account is deactivated', async () => {
    const owner = new AgentClient(a.url)
    await owner.request('POST', '/api/auth/login', OWNER, from('198.51.100.5')).then((r) => {
      owner.cookie = r.headers.get('set-cookie')!.split(';')[0]!
      owner.csrf = r.body.csrfToken
    })
    const created = await owner.request('POST', '/api/agents', { email: 'dora@example.com', name: 'Dora', password: 'dora-password-1', role: 'limited' })
    expect((await owner.request('PATCH', `/api/agents/${created.body.id}`, { active: false })).status).toBe(200)
    const right = await login(a, '198.51.100.6', 'dora@example.com', 'dora-password-1')
    expect(right.status).toBe(403)
    expect(right.body.error.code).toBe('auth.deactivated')
    expect(right.body.error.message).toContain('deactivated')
    expect(right.headers.get('set-cookie')).toBeNull()
    const wrong = await login(a, '198.51.100.6', 'dora@example.com', 'not-her-password')
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('auth.invalid')
  })
})
