import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createHmac } from 'node:crypto'
import { AgentClient, TestSocket, VisitorClient, cid, startTestServer, startWithOwner, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let limited: AgentClient

beforeAll(async () => {
  ({ srv, owner } = await startWithOwner({ trustProxy: ['127.0.0.1'] }))
  await owner.request('POST', '/api/agents', { email: 'l@example.com', name: 'Lim', password: 'agent-password', role: 'limited' })
  limited = new AgentClient(srv.url)
  await limited.login('l@example.com', 'agent-password')
})
afterAll(() => srv.stop())

const card = async (id: string) => (await owner.request('GET', `/api/visitors/${id}`)).body

describe('visit facts and browsing history', () => {
  it('records location (through a trusted proxy), OS and browser, pages, the referrer and the current page live', async () => {
    const v = await VisitorClient.create(srv.url)
    const dash = await owner.socket()
    await dash.waitFor('hello')
    const ws = await TestSocket.open(`${srv.url.replace('http', 'ws')}/ws/visitor?token=${v.token}`, {
      'x-forwarded-for': '81.2.69.160',
      'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
    })
    await dash.waitFor('visitor', (f) => f.visitor.id === v.id && f.visitor.location !== null)
    ws.send({ type: 'page.view', url: 'https://shop.example/boots', title: 'Hiking boots', referrer: 'https://www.google.com/' })
    await dash.waitFor('visitor', (f) => f.visitor.id === v.id && f.visitor.currentPage?.url === 'https://shop.example/boots')
    // a link within the site: its referrer is the shop's own page, which is not where they came from
    ws.send({ type: 'page.view', url: 'https://shop.example/boots?size=42', title: 'Hiking boots · 42', referrer: 'https://shop.example/boots' })
    const live = await dash.waitFor('visitor', (f) => f.visitor.currentPage?.url === 'https://shop.example/boots?size=42')
    expect(live.visitor).toMatchObject({
      location: { countryCode: 'GB', city: 'Bracknell' },
      os: { name: 'macOS', version: '10.15.7' },
      browser: { name: 'Safari', version: '17.1' },
      referrer: 'https://www.google.com/',
      ip: '81.2.69.160',
      online: true,
    })
    const pages = (await owner.request('GET', `/api/visitors/${v.id}/pages`)).body
    expect(pages.map((p: { url: string }) => p.url)).toEqual(['https://shop.example/boots?size=42', 'https://shop.example/boots'])
    const n = ws.frames.length
    ws.send({ type: 'page.view', url: 'javascript:alert(1)', title: 'x' })
    expect((await ws.waitFor('error', () => true, 5000, n)).code).toBe('visitor.invalid_url')
    ws.close()
    dash.close()
  })

  it('counts each tab, announces the card only when the address or browser changed, and goes offline with the last tab', async () => {
    const v = await VisitorClient.create(srv.url)
    const dash = await owner.socket()
    await dash.waitFor('hello')
    const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'
    const open = (ip: string) => TestSocket.open(`${srv.url.replace('http', 'ws')}/ws/visitor?token=${v.token}`, { 'x-forwarded-for': ip, 'user-agent': ua })
    const cards = () => dash.frames.filter((f) => f.type === 'visitor' && f.visitor.id === v.id).length
    const presence = () => dash.frames.filter((f) => f.type === 'visitor.presence' && f.visitorId === v.id) as { online: boolean }[]
    const first = await open('81.2.69.160')
    await dash.waitFor('visitor', (f) => f.visitor.id === v.id && f.visitor.browser?.name === 'Firefox')
    expect(cards()).toBe(1)
    // A second tab from the same place and browser: present again, no new card.
    const second = await open('81.2.69.160')
    await dash.waitFor('visitor.presence', (f) => f.visitorId === v.id && presence().length === 2)
    expect(cards()).toBe(1)
    expect((await card(v.id)).online).toBe(true)
    // Another address: a new card.
    const third = await open('81.2.69.161')
    await dash.waitFor('visitor', (f) => f.visitor.id === v.id && f.visitor.ip === '81.2.69.161')
    expect(cards()).toBe(2)
    // Two tabs closing together are counted down in one statement and announced once (or once
    // each, when the first close's statement is already under way): still online either way.
    first.close()
    second.close()
    for (let i = 0; (await srv.db.sql`select connections from visitor_connections where visitor_id = ${v.id}`)[0]!.connections !== 1; i++) {
      if (i > 250) throw new Error('the two closes were not counted down')
      await Bun.sleep(20)
    }
    await dash.waitFor('visitor.presence', (f) => f.visitorId === v.id && presence().length >= 4)
    expect(presence().every((p) => p.online)).toBe(true)
    expect((await card(v.id)).online).toBe(true)
    third.close()
    await dash.waitFor('visitor.presence', (f) => f.visitorId === v.id && !f.online)
    expect((await card(v.id)).online).toBe(false)
    dash.close()
  })

  it('has no location for a loopback visitor and does not believe X-Forwarded-For from others', async () => {
    const s = await startTestServer()
    try {
      const v = await VisitorClient.create(s.url)
      const ws = await TestSocket.open(`${s.url.replace('http', 'ws')}/ws/visitor?token=${v.token}`, { 'x-forwarded-for': '81.2.69.160' })
      await ws.waitFor('hello')
      const o = new AgentClient(s.url)
      await o.setup()
      let c: { ip: string | null; location: unknown } = { ip: null, location: null }
      for (let i = 0; i < 50 && !c.ip; i++) {
        c = (await o.request('GET', `/api/visitors/${v.id}`)).body
        await Bun.sleep(20)
      }
      expect(c.ip).toBe('127.0.0.1')
      expect(c.location).toBeNull()
      ws.close()
    } finally {
      await s.stop()
    }
  })

  it('lists the earlier conversations of a visitor, newest first', async () => {
    const v = await VisitorClient.create(srv.url)
    const first = await v.request('POST', '/api/widget/messages', { body: 'first visit', clientId: cid() })
    await owner.request('POST', `/api/conversations/${first.body.conversation.id}/resolve`)
    const list = (await owner.request('GET', `/api/visitors/${v.id}/conversations`)).body
    expect(list.map((c: { id: string }) => c.id)).toEqual([first.body.conversation.id])
  })
})

describe('customer info from the site', () => {
  it('stores name, e-mail, phone and labelled variables, masked and bounded', async () => {
    const v = await VisitorClient.create(srv.url)
    const r = await v.request('POST', '/api/widget/me', {
      name: 'Eva Svobodová',
      email: 'eva@example.cz',
      phone: '+420 777 123 456',
      variables: { plan: { label: 'Plan', value: 'Pro' }, orders: { label: 'Orders', value: 12 }, paid: { value: '4111 1111 1111 1111' } },
    })
    expect(r.status).toBe(200)
    const c = await card(v.id)
    expect(c).toMatchObject({ name: 'Eva Svobodová', email: 'eva@example.cz', emailSource: 'site', phone: '+420777123456' })
    expect(c.variables).toEqual({
      plan: { label: 'Plan', value: 'Pro' },
      orders: { label: 'Orders', value: '12' },
      paid: { label: 'paid', value: '•••• •••• •••• 1111' },
    })
  })

  it('refuses too many variables, long values and bad keys, and changes nothing', async () => {
    const v = await VisitorClient.create(srv.url)
    await v.request('POST', '/api/widget/me', { variables: { a: { label: 'A', value: '1' } } })
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, { value: 'x' }]))
    const r1 = await v.request('POST', '/api/widget/me', { name: 'Changed', variables: many })
    expect(r1.status).toBe(400)
    expect(r1.body.error.code).toBe('visitor.too_many_variables')
    // 50 in one call is fine, but not 50 on top of the one already stored
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, { value: 'x' }]))
    expect((await v.request('POST', '/api/widget/me', { name: 'Changed', variables: fifty })).status).toBe(400)
    const long = await v.request('POST', '/api/widget/me', { variables: { big: { value: 'x'.repeat(1025) } } })
    expect(long.status).toBe(400)
    expect(long.body.error.details.field).toBe('variables.big.value')
    expect((await v.request('POST', '/api/widget/me', { variables: { 'bad key!': { value: 'x' } } })).status).toBe(400)
    const c = await card(v.id)
    expect(c.name).toBeNull()
    expect(Object.keys(c.variables)).toEqual(['a'])
  })
})

describe('identity verification', () => {
  const sign = (secret: string, id: string) => createHmac('sha256', secret).update(id).digest('hex')

  it('refuses a wrong hash and changes nothing', async () => {
    const v = await VisitorClient.create(srv.url)
    const r = await v.request('POST', '/api/widget/identify', { id: 'user-1', hash: 'deadbeef', name: 'Mallory' })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('identity.unverified')
    const c = await card(v.id)
    expect(c.externalId).toBeNull()
    expect(c.name).toBeNull()
  })

  it("links a verified user's conversations across devices and never mixes two users", async () => {
    const { secret } = (await owner.request('GET', '/api/settings/identity')).body
    expect(secret).toBeString()
    expect((await limited.request('GET', '/api/settings/identity')).status).toBe(403)

    const laptop = await VisitorClient.create(srv.url)
    const onLaptop = await laptop.request('POST', '/api/widget/messages', { body: 'from the laptop', clientId: cid() })
    const a = await laptop.request('POST', '/api/widget/identify', { id: 'user-42', hash: sign(secret, 'user-42'), name: 'Karel' })
    expect(a.status).toBe(200)
    expect(a.body.switched).toBe(false)

    const dash = await owner.socket()
    await dash.waitFor('hello')
    const phone = await VisitorClient.create(srv.url)
    const onPhone = await phone.request('POST', '/api/widget/messages', { body: 'from the phone', clientId: cid() })
    const b = await phone.request('POST', '/api/widget/identify', { id: 'user-42', hash: sign(secret, 'user-42') })
    expect(b.body.switched).toBe(true)
    expect(b.body.visitor.id).toBe(laptop.id)
    // dashboards learn that the phone's conversation now belongs to the laptop's visitor
    await dash.waitFor('conversation', (f) => f.conversation.id === onPhone.body.conversation.id && f.change === 'updated' && f.conversation.visitor.id === laptop.id)
    dash.close()
    const seen = (await phone.request('GET', '/api/widget/conversations')).body.map((c: { id: string }) => c.id).sort()
    expect(seen).toEqual([onLaptop.body.conversation.id, onPhone.body.conversation.id].sort())

    // someone else signs in on the phone's browser: their history stays apart
    const c = await phone.request('POST', '/api/widget/identify', { id: 'user-99', hash: sign(secret, 'user-99') })
    expect(c.body.switched).toBe(true)
    expect(c.body.visitor.id).not.toBe(laptop.id)
    expect((await phone.request('GET', '/api/widget/conversations')).body).toEqual([])
    expect((await laptop.request('GET', '/api/widget/conversations')).body).toHaveLength(2)
  })

  it("reconnects the browser's other tabs when its token comes to name another user, so they never write as the one before", async () => {
    const { secret } = (await owner.request('GET', '/api/settings/identity')).body
    const browser = await VisitorClient.create(srv.url)
    expect((await browser.request('POST', '/api/widget/identify', { id: 'tab-user-1', hash: sign(secret, 'tab-user-1') })).status).toBe(200)
    // another tab of the same browser, open as the first user
    const tab = await browser.socket()
    expect((await tab.waitFor('hello')).id).toBe(browser.id)
    const switched = await browser.request('POST', '/api/widget/identify', { id: 'tab-user-2', hash: sign(secret, 'tab-user-2') })
    expect(switched.body.switched).toBe(true)
    const closed = await tab.waitClosed()
    expect(closed.code).toBe(1012)
    expect(closed.reason).toContain('reconnect within')
    // the tab comes back with the same token: now the second user, with none of the first's conversations
    const again = await browser.socket()
    expect((await again.waitFor('hello')).id).toBe(switched.body.visitor.id)
    again.close()
  })

  it('stops accepting hashes made with the old secret after rotation', async () => {
    const old = (await owner.request('GET', '/api/settings/identity')).body.secret
    const rotated = (await owner.request('POST', '/api/settings/identity/rotate')).body.secret
    expect(rotated).not.toBe(old)
    const v = await VisitorClient.create(srv.url)
    expect((await v.request('POST', '/api/widget/identify', { id: 'user-7', hash: sign(old, 'user-7') })).status).toBe(403)
    expect((await v.request('POST', '/api/widget/identify', { id: 'user-7', hash: sign(rotated, 'user-7') })).status).toBe(200)
  })
})

describe('server API with API keys', () => {
  it('lets the owner create and revoke keys, shown once and stored hashed', async () => {
    expect((await limited.request('POST', '/api/settings/api-keys', { name: 'CRM' })).status).toBe(403)
    const created = await owner.request('POST', '/api/settings/api-keys', { name: 'CRM sync' })
    expect(created.status).toBe(201)
    const key: string = created.body.key
    expect(key).toStartWith('pk_')
    const list = (await owner.request('GET', '/api/settings/api-keys')).body
    expect(JSON.stringify(list)).not.toContain(key)
    const [row] = await srv.db.sql`select key_hash from api_keys where id = ${created.body.id}`
    expect(row!.keyHash).not.toBe(key)

    const api = (method: string, path: string, body?: unknown, k = key) =>
      fetch(srv.url + path, {
        method,
        headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    const put = await api('PUT', '/api/v1/users/crm-1001', { name: 'Olga', email: 'olga@example.com', variables: { tier: { label: 'Tier', value: 'Gold' } } })
    expect(put.status).toBe(200)
    const found = await (await api('GET', '/api/v1/visitors?externalId=crm-1001')).json()
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ externalId: 'crm-1001', name: 'Olga', email: 'olga@example.com', emailSource: 'site', variables: { tier: { label: 'Tier', value: 'Gold' } } })
    expect((await api('GET', `/api/v1/visitors/${found[0].id}`)).status).toBe(200)
    const tooBig = await api('PUT', '/api/v1/users/crm-1001', { variables: { x: { value: 'y'.repeat(2000) } } })
    expect(tooBig.status).toBe(400)
    expect((await api('GET', '/api/v1/visitors?externalId=crm-1001', undefined, 'pk_forged')).status).toBe(401)
    expect((await fetch(`${srv.url}/api/v1/visitors?externalId=crm-1001`)).status).toBe(401)

    expect((await owner.request('DELETE', `/api/settings/api-keys/${created.body.id}`)).body.revokedAt).not.toBeNull()
    expect((await api('GET', '/api/v1/visitors?externalId=crm-1001')).status).toBe(401)
  })

  it('lets a verified widget visitor meet the customer info the server API stored', async () => {
    const { key } = (await owner.request('POST', '/api/settings/api-keys', { name: 'shop' })).body
    await fetch(`${srv.url}/api/v1/users/shop-5`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { cart: { label: 'Cart', value: '€129' } } }),
    })
    const { secret } = (await owner.request('GET', '/api/settings/identity')).body
    const v = await VisitorClient.create(srv.url)
    const r = await v.request('POST', '/api/widget/identify', { id: 'shop-5', hash: createHmac('sha256', secret).update('shop-5').digest('hex') })
    expect(r.status).toBe(200)
    expect((await card(r.body.visitor.id)).variables.cart.value).toBe('€129')
  })

  it('takes a percent-encoded user id in the path as that id exactly, once decoded, whatever it holds', async () => {
    const { key } = (await owner.request('POST', '/api/settings/api-keys', { name: 'ids' })).body
    const api = (method: string, path: string, body?: unknown) =>
      fetch(srv.url + path, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    for (const [id, name] of [['a/b', 'Slash'], ['a%2Fb', 'Literal'], ['100%', 'Percent']] as const) {
      const put = await api('PUT', `/api/v1/users/${encodeURIComponent(id)}`, { name })
      expect(put.status).toBe(200)
      expect((await put.json()).externalId).toBe(id)
    }
    // Three users, each with its own name: none wrote into another's record.
    for (const [id, name] of [['a/b', 'Slash'], ['a%2Fb', 'Literal'], ['100%', 'Percent']] as const) {
      const found = await (await api('GET', `/api/v1/visitors?externalId=${encodeURIComponent(id)}`)).json()
      expect(found.map((v: { name: string }) => v.name)).toEqual([name])
    }
  })
})
