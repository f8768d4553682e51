import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let agent: AgentClient

beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
  await owner.request('POST', '/api/agents', { email: 'a@example.com', name: 'Agnes', password: 'agent-password', role: 'limited' })
  agent = new AgentClient(srv.url)
  await agent.login('a@example.com', 'agent-password')
})
afterAll(() => srv.stop())

describe('visitor card', () => {
  it('lets any agent edit name, e-mail, phone and the shared note, live on every dashboard', async () => {
    const v = await VisitorClient.create(srv.url)
    const watcher = await owner.socket()
    await watcher.waitFor('hello')
    const r = await agent.request('PATCH', `/api/visitors/${v.id}`, {
      name: 'Jana Nováková',
      email: 'Jana@Example.cz',
      phone: '+420 601-234 567',
      note: 'Prefers e-mail. VIP.',
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      name: 'Jana Nováková',
      email: 'jana@example.cz',
      emailSource: 'agent',
      phone: '+420601234567',
      note: 'Prefers e-mail. VIP.',
      noteUpdatedBy: { id: agent.agent!.id, name: 'Agnes' },
    })
    const live = await watcher.waitFor('visitor', (f) => f.visitor.id === v.id)
    expect(live.visitor.note).toBe('Prefers e-mail. VIP.')
    expect((await owner.request('GET', `/api/visitors/${v.id}`)).body.phone).toBe('+420601234567')
    watcher.close()
  })

  it('shows the visitor online while their widget is connected, live', async () => {
    const v = await VisitorClient.create(srv.url)
    const watcher = await owner.socket()
    await watcher.waitFor('hello')
    expect((await owner.request('GET', `/api/visitors/${v.id}`)).body.online).toBe(false)
    const ws = await v.socket()
    await watcher.waitFor('visitor.presence', (f) => f.visitorId === v.id && f.online)
    expect((await owner.request('GET', `/api/visitors/${v.id}`)).body.online).toBe(true)
    ws.close()
    await watcher.waitFor('visitor.presence', (f) => f.visitorId === v.id && !f.online)
    expect((await owner.request('GET', `/api/visitors/${v.id}`)).body.online).toBe(false)
    watcher.close()
  })

  it('refuses a bad e-mail or phone, names the field, and changes nothing', async () => {
    const v = await VisitorClient.create(srv.url)
    await agent.request('PATCH', `/api/visitors/${v.id}`, { name: 'Kept' })
    const badEmail = await agent.request('PATCH', `/api/visitors/${v.id}`, { name: 'Changed', email: 'jana@' })
    expect(badEmail.status).toBe(400)
    expect(badEmail.body.error.details.field).toBe('email')
    const badPhone = await agent.request('PATCH', `/api/visitors/${v.id}`, { phone: '601 234' })
    expect(badPhone.status).toBe(400)
    expect(badPhone.body.error.details.field).toBe('phone')
    const now = (await agent.request('GET', `/api/visitors/${v.id}`)).body
    expect(now).toMatchObject({ name: 'Kept', email: null, phone: null })
    expect((await agent.request('GET', `/api/visitors/00000000-0000-7000-8000-000000000000`)).status).toBe(404)
  })
})

describe('widget settings and the contact form', () => {
  it('gives the widget its appearance and says whether an agent is online', async () => {
    const config = async () => (await fetch(`${srv.url}/api/widget/config`)).json()
    // The previous test's dashboard socket has just closed: the server counts it out a moment later.
    let before = await config()
    for (let i = 0; i < 50 && before.online; i++) {
      await Bun.sleep(20)
      before = await config()
    }
    expect(before).toMatchObject({ appearance: { position: 'right', color: '#4f46e5' }, online: false })
    const ws = await agent.socket()
    await ws.waitFor('hello')
    for (let i = 0; i < 50; i++) {
      if ((await (await fetch(`${srv.url}/api/widget/config`)).json()).online) break
      await Bun.sleep(20)
    }
    expect((await (await fetch(`${srv.url}/api/widget/config`)).json()).online).toBe(true)
    ws.send({ type: 'status.set', status: 'away' })
    await ws.waitFor('presence', (f) => f.presence.presence === 'away')
    expect((await (await fetch(`${srv.url}/api/widget/config`)).json()).online).toBe(false)
    ws.close()
  })

  it('lets only the owner change the appearance, with validated values', async () => {
    expect((await agent.request('PUT', '/api/settings/widget', { color: '#ff0000' })).status).toBe(403)
    const bad = await owner.request('PUT', '/api/settings/widget', { color: 'red' })
    expect(bad.status).toBe(400)
    const ok = await owner.request('PUT', '/api/settings/widget', { color: '#E11D48', position: 'left', greeting: 'Ahoj!' })
    expect(ok.body).toMatchObject({ color: '#e11d48', position: 'left', greeting: 'Ahoj!' })
    const cfg = await (await fetch(`${srv.url}/api/widget/config`)).json()
    expect(cfg.appearance).toMatchObject({ color: '#e11d48', position: 'left', greeting: 'Ahoj!' })
    const snip = await agent.request('GET', '/api/settings/snippet')
    expect(snip.body.snippet).toContain(JSON.stringify(srv.url))
    expect(snip.body.snippet).toContain("'/assets/loader.js'")
    expect(snip.body.serverUrl).toBe(srv.url)
  })

  it("creates a conversation from the contact form with the visitor's e-mail", async () => {
    const v = await VisitorClient.create(srv.url)
    const bad = await v.request('POST', '/api/widget/contact', { email: 'nope', body: 'Hello?', clientId: cid() })
    expect(bad.status).toBe(400)
    expect((await owner.request('GET', `/api/visitors/${v.id}`)).body.email).toBeNull()
    const r = await v.request('POST', '/api/widget/contact', { email: 'petr@example.com', name: 'Petr', body: 'Do you ship to Brno?', clientId: cid() })
    expect(r.status).toBe(201)
    expect(r.body.conversation.visitor).toMatchObject({ email: 'petr@example.com', name: 'Petr' })
    const card = (await owner.request('GET', `/api/visitors/${v.id}`)).body
    expect(card.emailSource).toBe('contact_form')
    const list = (await owner.request('GET', '/api/conversations?view=unassigned')).body.items
    expect(list.find((c: { id: string }) => c.id === r.body.conversation.id).lastMessage.preview).toBe('Do you ship to Brno?')
  })

  it('answers CORS preflights for the widget API', async () => {
    const r = await fetch(`${srv.url}/api/widget/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })
    expect(r.status).toBe(204)
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    expect(r.headers.get('access-control-allow-headers')).toContain('authorization')
    const err = await fetch(`${srv.url}/api/widget/conversations`, { headers: { origin: 'https://shop.example' } })
    expect(err.status).toBe(401)
    expect(err.headers.get('access-control-allow-origin')).toBe('*')
  })
})
