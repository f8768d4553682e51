import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startTestServer, startWithOwner, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient

beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

async function addAgent(email: string, role: 'full' | 'limited') {
  const r = await owner.request('POST', '/api/agents', { email, name: email.split('@')[0], password: 'agent-password', role })
  expect(r.status).toBe(201)
  const c = new AgentClient(srv.url)
  expect((await c.login(email, 'agent-password')).status).toBe(200)
  return { id: r.body.id as string, client: c }
}

describe('agents', () => {
  it('lets the owner add agents with a role, and refuses duplicates and bad values', async () => {
    const r = await owner.request('POST', '/api/agents', { email: 'Ann@Example.com', name: 'Ann', password: 'agent-password', role: 'full' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ email: 'ann@example.com', role: 'full', active: true, presence: 'offline' })
    expect(r.body.passwordHash).toBeUndefined()
    const dup = await owner.request('POST', '/api/agents', { email: 'ann@example.com', name: 'Ann 2', password: 'agent-password', role: 'full' })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('agent.email_taken')
    const badRole = await owner.request('POST', '/api/agents', { email: 'b@example.com', name: 'B', password: 'agent-password', role: 'owner' })
    expect(badRole.status).toBe(400)
    const badEmail = await owner.request('POST', '/api/agents', { email: 'not-an-address', name: 'B', password: 'agent-password', role: 'full' })
    expect(badEmail.status).toBe(400)
    expect(badEmail.body.error.details.field).toBe('email')
    const weak = await owner.request('POST', '/api/agents', { email: 'c@example.com', name: 'C', password: 'short', role: 'full' })
    expect(weak.status).toBe(400)
    expect(weak.body.error.message).toBe('password must be at least 10 characters')
    const wrongType = await owner.request('POST', '/api/agents', { email: 'd@example.com', name: 42, password: 'agent-password', role: 'full' })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.error.code).toBe('request.invalid')
    const emails = (await owner.request('GET', '/api/agents')).body.map((a: { email: string }) => a.email)
    expect(emails).toEqual(expect.arrayContaining(['ann@example.com']))
    expect(emails).not.toContain('b@example.com')
    expect(emails).not.toContain('c@example.com')
    expect(emails).not.toContain('d@example.com')
  })

  it('lets only the owner add or change other agents', async () => {
    const lim = await addAgent('lim@example.com', 'limited')
    const full = await addAgent('full@example.com', 'full')
    expect((await lim.client.request('POST', '/api/agents', { email: 'x@example.com', name: 'X', password: 'agent-password', role: 'full' })).status).toBe(403)
    expect((await full.client.request('POST', '/api/agents', { email: 'x@example.com', name: 'X', password: 'agent-password', role: 'full' })).status).toBe(403)
    expect((await full.client.request('PATCH', `/api/agents/${lim.id}`, { role: 'full' })).status).toBe(403)
    expect((await lim.client.request('PATCH', `/api/agents/${lim.id}`, { role: 'full' })).status).toBe(403)
    // agents edit their own name and language
    const self = await lim.client.request('PATCH', `/api/agents/${lim.id}`, { name: 'Lim Renamed', language: 'cs' })
    expect(self.status).toBe(200)
    expect(self.body).toMatchObject({ name: 'Lim Renamed', language: 'cs', role: 'limited' })
    // the owner changes roles
    const promoted = await owner.request('PATCH', `/api/agents/${lim.id}`, { role: 'full' })
    expect(promoted.body.role).toBe('full')
    // the owner's own role and activity are fixed
    expect((await owner.request('PATCH', `/api/agents/${owner.agent!.id}`, { active: false })).status).toBe(403)
    expect((await owner.request('PATCH', `/api/agents/00000000-0000-7000-8000-000000000000`, { name: 'Ghost' })).status).toBe(404)
    expect((await owner.request('PATCH', `/api/agents/not-a-uuid`, { name: 'Ghost' })).status).toBe(404)
  })

  it('ends every session and live connection of a deactivated agent', async () => {
    const gone = await addAgent('leaving@example.com', 'full')
    const second = new AgentClient(srv.url)
    await second.login('leaving@example.com', 'agent-password')
    const ws = await gone.client.socket()
    await ws.waitFor('hello')
    const r = await owner.request('PATCH', `/api/agents/${gone.id}`, { active: false })
    expect(r.body.active).toBe(false)
    expect((await gone.client.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await second.request('GET', '/api/auth/me')).status).toBe(401)
    const closed = await ws.waitClosed()
    expect(closed.code).toBe(4001)
    // The right password now says why it does not sign in, and opens no session.
    const again = await new AgentClient(srv.url).login('leaving@example.com', 'agent-password')
    expect(again.status).toBe(403)
    expect(again.body.error.code).toBe('auth.deactivated')
    expect(again.headers.get('set-cookie')).toBeNull()
  })

  it('shows presence from live connections and the chosen status', async () => {
    const a = await addAgent('present@example.com', 'full')
    const watcher = await owner.socket()
    await watcher.waitFor('hello')
    const presenceOf = async () => (await owner.request('GET', '/api/agents')).body.find((x: { id: string }) => x.id === a.id).presence
    expect(await presenceOf()).toBe('offline')
    const ws = await a.client.socket()
    await watcher.waitFor('presence', (f) => f.presence.agentId === a.id && f.presence.presence === 'online')
    expect(await presenceOf()).toBe('online')
    ws.send({ type: 'status.set', status: 'away' })
    await watcher.waitFor('presence', (f) => f.presence.agentId === a.id && f.presence.presence === 'away')
    expect(await presenceOf()).toBe('away')
    const viaHttp = await a.client.request('PUT', '/api/agents/me/status', { status: 'online' })
    expect(viaHttp.body.presence).toBe('online')
    ws.close()
    await watcher.waitFor('presence', (f) => f.presence.agentId === a.id && f.presence.presence === 'offline')
    expect(await presenceOf()).toBe('offline')
    watcher.close()
  })
})

describe('passwords', () => {
  it('refuses a common or guessable password and says why, storing nothing', async () => {
    const common = await owner.request('POST', '/api/agents', { email: 'e@example.com', name: 'E', password: 'password123', role: 'full' })
    expect(common.status).toBe(400)
    expect(common.body.error).toMatchObject({ code: 'request.weak_password', details: { field: 'password', reason: 'common' } })
    expect(common.body.error.message).toContain('most common passwords')
    const pattern = await owner.request('POST', '/api/agents', { email: 'e@example.com', name: 'E', password: 'qazwsxedcrfv', role: 'full' })
    expect(pattern.status).toBe(400)
    expect(pattern.body.error.details.reason).toMatch(/common|guessable/)
    const own = await owner.request('POST', '/api/agents', { email: 'eva.novakova@example.com', name: 'Eva Novakova', password: 'evanovakova', role: 'full' })
    expect(own.status).toBe(400)
    const emails = (await owner.request('GET', '/api/agents')).body.map((a: { email: string }) => a.email)
    expect(emails).not.toContain('e@example.com')
    expect(emails).not.toContain('eva.novakova@example.com')
    const { id, client } = await addAgent('weak-change@example.com', 'full')
    const change = await client.request('PATCH', `/api/agents/${id}`, { password: '1234567890', currentPassword: 'agent-password' })
    expect(change.status).toBe(400)
    expect(change.body.error.details.reason).toBe('common')
    expect((await new AgentClient(srv.url).login('weak-change@example.com', 'agent-password')).status).toBe(200)
  })

  it('asks for the current password to change my own, and ends my other sessions', async () => {
    const { id, client } = await addAgent('changer@example.com', 'limited')
    const other = new AgentClient(srv.url)
    expect((await other.login('changer@example.com', 'agent-password')).status).toBe(200)

    const without = await client.request('PATCH', `/api/agents/${id}`, { password: 'a-brand-new-secret' })
    expect(without.status).toBe(400)
    expect(without.body.error).toMatchObject({ code: 'request.current_password_required', details: { field: 'currentPassword' } })
    const wrong = await client.request('PATCH', `/api/agents/${id}`, { password: 'a-brand-new-secret', currentPassword: 'not-my-password' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error).toMatchObject({ code: 'agent.wrong_password', details: { field: 'currentPassword' } })
    // Nothing changed by either: the old password still works, the other session still lives.
    expect((await other.request('GET', '/api/auth/me')).status).toBe(200)

    const ok = await client.request('PATCH', `/api/agents/${id}`, { password: 'a-brand-new-secret', currentPassword: 'agent-password' })
    expect(ok.status).toBe(200)
    expect((await client.request('GET', '/api/auth/me')).status).toBe(200)
    expect((await other.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await new AgentClient(srv.url).login('changer@example.com', 'agent-password')).status).toBe(401)
    expect((await new AgentClient(srv.url).login('changer@example.com', 'a-brand-new-secret')).status).toBe(200)
  })

  it('refuses to start with a common PARLEY_OWNER_PASSWORD, naming the variable and the reason', async () => {
    const start = startTestServer({ ownerEmail: 'boss@example.com', ownerPassword: 'password123' })
    await expect(start).rejects.toThrow('PARLEY_OWNER_PASSWORD: password is among the most common passwords')
  })

  it('lets the owner reset an agent’s password without theirs, signing the agent out everywhere', async () => {
    const { id, client } = await addAgent('forgot@example.com', 'full')
    const reset = await owner.request('PATCH', `/api/agents/${id}`, { password: 'reset-by-the-owner' })
    expect(reset.status).toBe(200)
    expect((await client.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await new AgentClient(srv.url).login('forgot@example.com', 'reset-by-the-owner')).status).toBe(200)
    // The owner's own password is theirs: it needs the current one like anyone's.
    const mine = await owner.request('PATCH', `/api/agents/${owner.agent!.id}`, { password: 'owner-new-password' })
    expect(mine.status).toBe(400)
  })
})
