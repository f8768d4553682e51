import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let ownerEmail = 'owner@example.com'
let ownerPassword = 'owner-password'

beforeAll(async () => {
  srv = await startTestServer({ loginMaxFailuresPerEmail: 3, loginMaxFailuresPerIp: 8, loginWindowSeconds: 60 })
  owner = new AgentClient(srv.url)
})
afterAll(() => srv.stop())

describe('first run', () => {
  it('accepts creating the owner exactly once, even when two requests race', async () => {
    expect((await owner.request('GET', '/api/setup')).body).toEqual({ needed: true })
    const other = new AgentClient(srv.url)
    const [a, b] = await Promise.all([
      owner.setup('owner@example.com', 'owner-password', 'Olivia Owner'),
      other.setup('intruder@example.com', 'intruder-password', 'Mallory'),
    ])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual([201, 409])
    const winner = a.status === 201 ? owner : other
    if (winner !== owner) {
      ownerEmail = 'intruder@example.com'
      ownerPassword = 'intruder-password'
      // keep `owner` as the signed-in owner for the rest of the file
      owner.cookie = other.cookie
      owner.csrf = other.csrf
      owner.agent = other.agent
    }
    expect(owner.agent!.role).toBe('owner')
    expect((await owner.request('GET', '/api/setup')).body).toEqual({ needed: false })
    const again = await new AgentClient(srv.url).setup('x@example.com', 'password-x', 'X')
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('setup.done')
  })

  it('creates the owner unattended from PARLEY_OWNER_EMAIL and PARLEY_OWNER_PASSWORD', async () => {
    const s = await startTestServer({ ownerEmail: 'boss@example.com', ownerPassword: 'boss-password', ownerName: 'Boss' })
    try {
      const c = new AgentClient(s.url)
      expect((await c.request('GET', '/api/setup')).body).toEqual({ needed: false })
      const r = await c.login('boss@example.com', 'boss-password')
      expect(r.status).toBe(200)
      expect(r.body.agent).toMatchObject({ role: 'owner', name: 'Boss' })
    } finally {
      await s.stop()
    }
  })
})

describe('sessions', () => {
  it('signs in with an HttpOnly, SameSite=Lax cookie and never returns the password hash', async () => {
    const c = new AgentClient(srv.url)
    const r = await c.login(ownerEmail, ownerPassword)
    expect(r.status).toBe(200)
    const cookie = r.headers.get('set-cookie')!
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).not.toContain('Secure')
    expect(JSON.stringify(r.body)).not.toContain('argon2')
    expect(r.body.csrfToken).toBeString()
    expect((await c.request('GET', '/api/auth/me')).status).toBe(200)
  })

  it('marks the cookie Secure behind https', async () => {
    const s = await startTestServer({ publicUrl: 'https://chat.example.com', ownerEmail: 'o@example.com', ownerPassword: 'owner-password' })
    try {
      // A browser on the public site sends that origin; the address the test reaches is not it.
      const r = await new AgentClient(s.url).request('POST', '/api/auth/login', { email: 'o@example.com', password: 'owner-password' }, { origin: 'https://chat.example.com' })
      expect(r.status).toBe(200)
      expect(r.headers.get('set-cookie')).toContain('Secure')
      const elsewhere = await new AgentClient(s.url).login('o@example.com', 'owner-password')
      expect(elsewhere.status).toBe(403)
    } finally {
      await s.stop()
    }
  })

  it('marks the cookie Secure when a trusted proxy says the request came over https', async () => {
    const s = await startTestServer({ trustProxy: ['127.0.0.1'], ownerEmail: 'o@example.com', ownerPassword: 'owner-password' })
    try {
      const viaProxy = await new AgentClient(s.url).request('POST', '/api/auth/login', { email: 'o@example.com', password: 'owner-password' }, { 'x-forwarded-proto': 'https' })
      expect(viaProxy.headers.get('set-cookie')).toContain('Secure')
      const plain = await new AgentClient(s.url).request('POST', '/api/auth/login', { email: 'o@example.com', password: 'owner-password' })
      expect(plain.headers.get('set-cookie')).not.toContain('Secure')
    } finally {
      await s.stop()
    }
  })

  it('answers 401 with the wrong password and without a session', async () => {
    const r = await new AgentClient(srv.url).login(ownerEmail, 'not-the-password')
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('auth.invalid')
    expect((await new AgentClient(srv.url).request('GET', '/api/conversations?view=mine')).status).toBe(401)
  })

  it('ends the session on logout', async () => {
    const c = new AgentClient(srv.url)
    await c.login(ownerEmail, ownerPassword)
    expect((await c.request('POST', '/api/auth/logout')).status).toBe(204)
    expect((await c.request('GET', '/api/auth/me')).status).toBe(401)
    // the other sessions of the same agent live on
    expect((await owner.request('GET', '/api/auth/me')).status).toBe(200)
  })

  it('says who is signed in, or that nobody is, without an error status (the dashboard asks it on load)', async () => {
    const nobody = await new AgentClient(srv.url).request('GET', '/api/auth/session')
    expect(nobody.status).toBe(200)
    expect(nobody.body).toEqual({ agent: null, csrfToken: null })
    const c = new AgentClient(srv.url)
    const login = await c.login(ownerEmail, ownerPassword)
    const me = await c.request('GET', '/api/auth/session')
    expect(me.status).toBe(200)
    expect(me.body.agent.email).toBe(ownerEmail)
    expect(me.body.csrfToken).toBe(login.body.csrfToken)
    expect(JSON.stringify(me.body)).not.toContain('argon2')
    await c.request('POST', '/api/auth/logout')
    expect((await c.request('GET', '/api/auth/session')).body).toEqual({ agent: null, csrfToken: null })
  })

  it('treats a session cookie that is not valid percent-encoding as no session, never a 500', async () => {
    const c = new AgentClient(srv.url)
    c.cookie = 'parley_session=%E0%A4%A'
    const session = await c.request('GET', '/api/auth/session')
    expect(session.status).toBe(200)
    expect(session.body).toEqual({ agent: null, csrfToken: null })
    const me = await c.request('GET', '/api/auth/me')
    expect(me.status).toBe(401)
    expect(me.body.error.code).toBe('auth.required')
    const ws = await fetch(srv.url + '/ws/agent', { headers: { cookie: c.cookie, upgrade: 'websocket', origin: srv.url } })
    expect(ws.status).toBe(401)
  })
})

describe('CSRF', () => {
  it('refuses a state-changing request without the CSRF token and changes nothing', async () => {
    const r = await owner.request('POST', '/api/agents', { email: 'a1@example.com', name: 'A1', password: 'password-1', role: 'full' }, { 'x-csrf-token': '' })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('auth.csrf')
    const list = await owner.request('GET', '/api/agents')
    expect(list.body.map((a: { email: string }) => a.email)).not.toContain('a1@example.com')
  })

  it('refuses a wrong CSRF token and a cross-site Origin', async () => {
    const wrong = await owner.request('PUT', '/api/agents/me/status', { status: 'away' }, { 'x-csrf-token': 'x'.repeat(43) })
    expect(wrong.status).toBe(403)
    const cross = await owner.request('PUT', '/api/agents/me/status', { status: 'away' }, { origin: 'https://evil.example' })
    expect(cross.status).toBe(403)
    const login = await new AgentClient(srv.url).request('POST', '/api/auth/login', { email: ownerEmail, password: ownerPassword }, { origin: 'https://evil.example' })
    expect(login.status).toBe(403)
    const me = await owner.request('GET', '/api/auth/me')
    expect(me.body.agent.status).toBe('online')
  })
})

describe('login throttling', () => {
  it('answers 429 with Retry-After after repeated failures for one address, even with the right password', async () => {
    await owner.request('POST', '/api/agents', { email: 'victim@example.com', name: 'Victim', password: 'victim-password', role: 'limited' })
    for (let i = 0; i < 3; i++) {
      expect((await new AgentClient(srv.url).login('victim@example.com', 'guess-' + i)).status).toBe(401)
    }
    const blocked = await new AgentClient(srv.url).login('victim@example.com', 'victim-password')
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('auth.throttled')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    // another address is not affected
    expect((await new AgentClient(srv.url).login(ownerEmail, ownerPassword)).status).toBe(200)
  })

  it('answers 429 after repeated failures from one IP across addresses', async () => {
    let last = 0
    for (let i = 0; i < 9; i++) last = (await new AgentClient(srv.url).login(`nobody${i}@example.com`, 'whatever-pw')).status
    expect(last).toBe(429)
  })
})
