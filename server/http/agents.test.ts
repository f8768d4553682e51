import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startWithOwner, type TestServer } from '../testing/harness.ts'

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
    expect((await new AgentClient(srv.url).login('leaving@example.com', 'agent-password')).status).toBe(401)
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
