// Canned responses (#16) through the API: the owner manages the team's, each agent their own;
// nobody else can see a personal one or change what is not theirs; bad input stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startWithOwner, type TestServer } from '../../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let alex: AgentClient
let bea: AgentClient

async function agent(email: string, name: string): Promise<AgentClient> {
  expect((await owner.request('POST', '/api/agents', { email, name, password: 'agent-password', role: 'full' })).status).toBe(201)
  const a = new AgentClient(srv.url)
  expect((await a.login(email, 'agent-password')).status).toBe(200)
  return a
}

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  alex = await agent('alex@example.com', 'Alex')
  bea = await agent('bea@example.com', 'Bea')
})
afterAll(() => srv.stop())

const shortcuts = async (who: AgentClient) =>
  ((await who.request('GET', '/api/canned')).body as { scope: string; shortcut: string }[]).map((c) => `${c.scope}:${c.shortcut}`)

describe('canned responses', () => {
  it("lets the owner keep the team's, which every agent sees and none can change", async () => {
    const r = await owner.request('POST', '/api/canned', { scope: 'team', shortcut: '/Hello', body: 'Hello {visitor.name}, I am {agent.name}.' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ scope: 'team', shortcut: 'hello', body: 'Hello {visitor.name}, I am {agent.name}.' })
    expect(await shortcuts(alex)).toContain('team:hello')
    const add = await alex.request('POST', '/api/canned', { scope: 'team', shortcut: 'sneaky', body: 'no' })
    expect([add.status, add.body.error.code]).toEqual([403, 'canned.forbidden'])
    const edit = await alex.request('PUT', `/api/canned/${r.body.id}`, { shortcut: 'hello', body: 'changed' })
    expect([edit.status, edit.body.error.code]).toEqual([403, 'canned.forbidden'])
    expect((await alex.request('DELETE', `/api/canned/${r.body.id}`)).status).toBe(403)
    const rows = await srv.db.sql`select shortcut, body from canned_responses where owner_id is null`
    expect(rows.map((x) => [x.shortcut, x.body])).toEqual([['hello', 'Hello {visitor.name}, I am {agent.name}.']])
  })

  it('keeps personal ones to their agent: others neither see nor change them', async () => {
    const r = await alex.request('POST', '/api/canned', { scope: 'personal', shortcut: 'bye', body: 'Bye {visitor.name}!' })
    expect(r.status).toBe(201)
    expect(await shortcuts(alex)).toContain('personal:bye')
    expect(await shortcuts(bea)).not.toContain('personal:bye')
    expect(await shortcuts(owner)).not.toContain('personal:bye')
    expect((await bea.request('PUT', `/api/canned/${r.body.id}`, { shortcut: 'bye', body: 'mine now' })).status).toBe(404)
    expect((await owner.request('DELETE', `/api/canned/${r.body.id}`)).status).toBe(404)
    const edit = await alex.request('PUT', `/api/canned/${r.body.id}`, { shortcut: 'ciao', body: 'Ciao {visitor.name}!' })
    expect([edit.status, edit.body.shortcut]).toEqual([200, 'ciao'])
    // Bea may have her own "ciao": shortcuts are unique per agent and within the team
    expect((await bea.request('POST', '/api/canned', { scope: 'personal', shortcut: 'ciao', body: 'Ciao!' })).status).toBe(201)
    expect((await alex.request('DELETE', `/api/canned/${r.body.id}`)).status).toBe(204)
    expect(await shortcuts(alex)).not.toContain('personal:ciao')
  })

  it('refuses a bad shortcut, an empty text, a duplicate and an unknown id, storing nothing; masks card numbers', async () => {
    const before = (await srv.db.sql`select count(*)::int as n from canned_responses`)[0]!.n
    const bad = await alex.request('POST', '/api/canned', { scope: 'personal', shortcut: 'two words', body: 'x' })
    expect([bad.status, bad.body.error.code]).toEqual([400, 'canned.invalid_shortcut'])
    const empty = await alex.request('POST', '/api/canned', { scope: 'personal', shortcut: 'blank', body: '   ' })
    expect([empty.status, empty.body.error.code]).toEqual([400, 'canned.empty'])
    expect((await alex.request('POST', '/api/canned', { scope: 'everyone', shortcut: 'x', body: 'x' })).status).toBe(400)
    const dup = await owner.request('POST', '/api/canned', { scope: 'team', shortcut: 'hello', body: 'again' })
    expect([dup.status, dup.body.error.code]).toEqual([409, 'canned.duplicate'])
    expect((await alex.request('PUT', '/api/canned/not-a-uuid', { shortcut: 'a', body: 'b' })).status).toBe(404)
    expect((await srv.db.sql`select count(*)::int as n from canned_responses`)[0]!.n).toBe(before)
    const card = await alex.request('POST', '/api/canned', { scope: 'personal', shortcut: 'card', body: 'Test card 4111 1111 1111 1111' })
    expect(card.body.body).toBe('Test card •••• •••• •••• 1111')
  })
})
