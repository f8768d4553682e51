// The owner's audit log: who changed agents and settings, what, when and from where.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
const owner = { client: null as unknown as AgentClient }
const FROM = { 'x-forwarded-for': '198.51.100.77' }

beforeAll(async () => {
  srv = await startTestServer({ trustProxy: ['127.0.0.1'], ownerEmail: 'owner@example.com', ownerPassword: 'owner-password', ownerName: 'Olivia' })
  owner.client = new AgentClient(srv.url)
  expect((await owner.client.login('owner@example.com', 'owner-password')).status).toBe(200)
}, 60_000)
afterAll(() => srv.stop(), 60_000)

const as = (c: AgentClient, method: string, path: string, body?: unknown) => c.request(method, path, body, FROM)

describe('the audit log', () => {
  it("records the owner's changes to agents and settings: who, what, when, from where — never a secret", async () => {
    const o = owner.client
    const created = await as(o, 'POST', '/api/agents', { email: 'ann@example.com', name: 'Ann', password: 'ann-secret-password', role: 'limited' })
    expect(created.status).toBe(201)
    expect((await as(o, 'PATCH', `/api/agents/${created.body.id}`, { role: 'full' })).status).toBe(200)
    expect((await as(o, 'PATCH', `/api/agents/${created.body.id}`, { password: 'ann-reset-password-2' })).status).toBe(200)
    expect((await as(o, 'PUT', '/api/settings/widget', { color: '#112233' })).status).toBe(200)
    expect((await as(o, 'POST', '/api/settings/identity/rotate')).status).toBe(200)
    const key = await as(o, 'POST', '/api/settings/api-keys', { name: 'Shop back end' })
    expect(key.status).toBe(201)
    // Refused or unchanged requests are not actions.
    expect((await as(o, 'POST', '/api/agents', { email: 'bad', name: 'X', password: 'whatever-pw-123', role: 'full' })).status).toBe(400)
    expect((await as(o, 'PUT', '/api/agents/me/status', { status: 'away' })).status).toBe(200)

    const log = await o.request('GET', '/api/audit')
    expect(log.status).toBe(200)
    const actions = log.body.map((e: { action: string }) => e.action)
    expect(actions).toEqual([
      'POST /api/settings/api-keys',
      'POST /api/settings/identity/rotate',
      'PUT /api/settings/widget',
      'PATCH /api/agents/:id',
      'PATCH /api/agents/:id',
      'POST /api/agents',
    ])
    const reset = log.body[3]
    expect(reset).toMatchObject({ actorName: 'Olivia', actorId: o.agent!.id, target: created.body.id, fields: ['password'], ip: '198.51.100.77' })
    expect(Date.now() - new Date(reset.at).getTime()).toBeLessThan(60_000)
    expect(log.body[5].fields).toEqual(['email', 'name', 'password', 'role'])
    const text = JSON.stringify(log.body)
    for (const secret of ['ann-secret-password', 'ann-reset-password-2', key.body.key]) expect(text).not.toContain(secret)

    const older = await o.request('GET', `/api/audit?limit=2&before=${log.body[1].id}`)
    expect(older.body.map((e: { action: string }) => e.action)).toEqual(['PUT /api/settings/widget', 'PATCH /api/agents/:id'])
  })

  it('is for the owner only, and an agent’s own changes are not owner actions', async () => {
    const ann = new AgentClient(srv.url)
    expect((await ann.login('ann@example.com', 'ann-reset-password-2')).status).toBe(200)
    expect((await ann.request('PATCH', `/api/agents/${ann.agent!.id}`, { name: 'Ann A.' })).status).toBe(200)
    expect((await ann.request('GET', '/api/audit')).status).toBe(403)
    const log = await owner.client.request('GET', '/api/audit')
    expect(log.body.some((e: { actorName: string }) => e.actorName !== 'Olivia')).toBe(false)
    expect(log.body).toHaveLength(6)
    expect((await owner.client.request('GET', '/api/audit?before=nope')).status).toBe(400)
  })
})
