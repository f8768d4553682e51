// Search (#16) through the API: each filter alone and combined, CIDR edge cases, tags any / all,
// keyset pages over equal timestamps, names and e-mails by part, notes never matched, bad input,
// the CSV and JSON export, the printable transcript, saved searches, and what each role sees.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'
import { receiveInbound } from '../domain/messages/messages.usecases.ts'

let srv: TestServer
let owner: AgentClient
let alex: AgentClient
let lim: AgentClient
let vip: string
let refund: string
let sales: string

async function agent(email: string, name: string, role: 'full' | 'limited', language = 'en') {
  const r = await owner.request('POST', '/api/agents', { email, name, password: 'agent-password', role, language })
  expect(r.status).toBe(201)
  const c = new AgentClient(srv.url)
  await c.login(email, 'agent-password')
  return c
}

interface Made {
  id: string
  visitor: VisitorClient
}

/** A web conversation as a visitor starts it (from an address and a page), then what agents do to it. */
async function conversation(o: {
  body?: string
  ip?: string
  url?: string
  name?: string
  email?: string
  group?: string
  reply?: AgentClient
  resolve?: boolean
  rating?: number
  tags?: string[]
} = {}): Promise<Made> {
  const visitor = await VisitorClient.create(srv.url)
  if (o.ip) await srv.db.sql`update visitors set ip = ${o.ip} where id = ${visitor.id}`
  if (o.url) expect((await visitor.request('POST', '/api/widget/pages', { url: o.url, title: 'Page' })).status).toBe(204)
  if (o.group) expect((await visitor.request('POST', '/api/widget/group', { key: o.group })).status).toBe(200)
  const r = await visitor.request('POST', '/api/widget/messages', { body: o.body ?? 'Hello there', clientId: cid() })
  expect(r.status).toBe(201)
  const id = r.body.conversation.id
  if (o.name || o.email) {
    expect((await owner.request('PATCH', `/api/visitors/${visitor.id}`, { ...(o.name ? { name: o.name } : {}), ...(o.email ? { email: o.email } : {}) })).status).toBe(200)
  }
  if (o.reply) expect((await o.reply.request('POST', `/api/conversations/${id}/messages`, { body: 'Happy to help', clientId: cid() })).status).toBe(201)
  for (const tagId of o.tags ?? []) expect((await owner.request('POST', `/api/conversations/${id}/tags`, { tagId })).status).toBeLessThan(300)
  if (o.resolve !== false) expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
  if (o.rating !== undefined) expect((await visitor.request('POST', `/api/widget/conversations/${id}/rating`, { score: o.rating })).status).toBe(201)
  return { id, visitor }
}

/** Every id a search finds, page by page (bounded). */
async function found(query: string, who = owner): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 50; pages++) {
    const r = await who.request('GET', `/api/search?${query}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    expect(r.status).toBe(200)
    ids.push(...r.body.items.map((i: { id: string }) => i.id))
    cursor = r.body.nextCursor
    if (!cursor) return ids
  }
  throw new Error('more than 50 pages')
}

/** Which of `made` a search finds, in the order found. */
const which = async (query: string, made: Made[], who = owner) => {
  const ids = await found(query, who)
  return ids.filter((id) => made.some((m) => m.id === id)).map((id) => made.findIndex((m) => m.id === id))
}

const error = async (query: string) => {
  const r = await owner.request('GET', `/api/search?${query}`)
  return `${r.status} ${r.body?.error?.code} ${r.body?.error?.details?.field ?? ''}`.trim()
}

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  alex = await agent('alex@example.com', 'Alex', 'full')
  lim = await agent('lim@example.com', 'Lim', 'limited')
  vip = (await owner.request('POST', '/api/tags', { name: 'VIP', color: 'purple' })).body.id
  refund = (await owner.request('POST', '/api/tags', { name: 'Refund', color: 'red' })).body.id
  const g = await owner.request('POST', '/api/groups', { key: 'sales', name: 'Sales', memberIds: [alex.agent!.id] })
  expect(g.status).toBe(201)
  sales = g.body.id
})
afterAll(() => srv.stop())

describe('filters', () => {
  it('finds by each filter alone: rating, agent, group, tags, page URL, channel, status', async () => {
    const a = await conversation({ rating: 1, reply: alex, url: 'https://shop.example/Pricing?plan=pro', tags: [vip] })
    const b = await conversation({ rating: 0, group: 'sales', url: 'https://shop.example/help', tags: [vip, refund] })
    const c = await conversation({ resolve: false, reply: alex, tags: [refund] })
    const d = await receiveInbound(srv.running.deps, { channel: 'email', visitorId: a.visitor.id, body: 'By mail: where is my parcel?' })
    await owner.request('POST', `/api/conversations/${d.conversation.id}/resolve`)
    const mail = { id: d.conversation.id, visitor: a.visitor }
    const made = [a, b, c, mail]
    expect(await which('rating=good', made)).toEqual([0])
    expect(await which('rating=bad', made)).toEqual([1])
    expect((await which('rating=good,bad', made)).sort()).toEqual([0, 1])
    expect(await which('rating=5', made)).toEqual([])
    expect(await which(`agent=${alex.agent!.id}`, made)).toEqual([0])
    expect(await which(`agent=${alex.agent!.id}&status=open`, made)).toEqual([2])
    expect((await which('agent=none', made)).sort()).toEqual([1, 3])
    expect(await which(`group=${sales}`, made)).toEqual([1])
    expect((await which(`tags=${vip}`, made)).sort()).toEqual([0, 1])
    expect((await which(`tags=${vip},${refund}`, made)).sort()).toEqual([0, 1])
    expect(await which(`tags=${vip},${refund}&tagMode=all`, made)).toEqual([1])
    expect((await which(`tags=${refund}&status=all`, made)).sort()).toEqual([1, 2])
    expect(await which('url=pricing', made)).toEqual([0])
    expect(await which(`url=${encodeURIComponent('plan=PRO')}`, made)).toEqual([0])
    // % and _ are letters here, not wildcards
    expect(await which('url=%25', made)).toEqual([])
    expect(await which('channel=email', made)).toEqual([3])
    expect((await which('channel=web', made)).sort()).toEqual([0, 1])
    expect(await which('status=open', made)).toEqual([2])
    expect((await which('status=all', made)).sort()).toEqual([0, 1, 2, 3])
    expect((await which('', made)).sort()).toEqual([0, 1, 3])
  })

  it('answers each conversation with the list’s view of it (tags, group, rating) and no match without q', async () => {
    const made = await conversation({ rating: 1, group: 'sales', tags: [vip] })
    const r = await owner.request('GET', `/api/search?tags=${vip}&group=${sales}&rating=good`)
    const item = r.body.items.find((i: { id: string }) => i.id === made.id)
    const listed = (await owner.request('GET', `/api/conversations/${made.id}`)).body
    expect(item).toEqual({ ...listed, match: null })
    expect(item.tags.map((t: { name: string }) => t.name)).toEqual(['VIP'])
    expect(item.group.name).toBe('Sales')
    expect(item.rating).toEqual({ scale: 'thumbs', score: 1 })
  })

  it('matches addresses exactly and by CIDR range, in both families', async () => {
    const made = [
      await conversation({ ip: '10.1.2.3' }),
      await conversation({ ip: '10.200.0.9' }),
      await conversation({ ip: '192.168.7.1' }),
      await conversation({ ip: '2001:db8:1::5' }),
      await conversation({ ip: '2001:db9::1' }),
    ]
    expect(await which('ip=10.1.2.3', made)).toEqual([0])
    expect(await which(`ip=${encodeURIComponent('10.1.2.3/32')}`, made)).toEqual([0])
    expect(await which(`ip=${encodeURIComponent('10.1.2.4/32')}`, made)).toEqual([])
    expect((await which(`ip=${encodeURIComponent('10.0.0.0/8')}`, made)).sort()).toEqual([0, 1])
    expect(await which(`ip=${encodeURIComponent('10.1.0.0/16')}`, made)).toEqual([0])
    // /0 is every address of its family, and only of its family
    expect((await which(`ip=${encodeURIComponent('0.0.0.0/0')}`, made)).sort()).toEqual([0, 1, 2])
    expect((await which(`ip=${encodeURIComponent('::/0')}`, made)).sort()).toEqual([3, 4])
    expect(await which(`ip=${encodeURIComponent('2001:db8::/32')}`, made)).toEqual([3])
    expect(await which(`ip=${encodeURIComponent('2001:DB8:1::5')}`, made)).toEqual([3])
    expect(await error(`ip=${encodeURIComponent('10.0.0.0/33')}`)).toBe('400 search.invalid_cidr ip')
    expect(await error('ip=10.0.0.256')).toBe('400 search.invalid_cidr ip')
    expect(await error('ip=not-an-address')).toBe('400 search.invalid_cidr ip')
  })

  it('takes a date range on the resolved day (resolved) or the created day (open), both ends inclusive', async () => {
    const a = await conversation()
    const b = await conversation()
    const open = await conversation({ resolve: false })
    await srv.db.sql`update conversations set resolved_at = '2025-03-10 23:59:59+00' where id = ${a.id}`
    await srv.db.sql`update conversations set resolved_at = '2025-03-12 00:00:00+00' where id = ${b.id}`
    await srv.db.sql`update conversations set created_at = '2025-03-11 12:00:00+00' where id = ${open.id}`
    const made = [a, b, open]
    expect(await which('from=2025-03-10&to=2025-03-10', made)).toEqual([0])
    expect(await which('from=2025-03-11&to=2025-03-12', made)).toEqual([1])
    expect(await which('to=2025-03-11', made)).toEqual([0])
    expect(await which('from=2025-03-10&to=2025-03-12', made)).toEqual([1, 0])
    expect(await which('status=open&from=2025-03-11&to=2025-03-11', made)).toEqual([2])
    expect(await error('from=2025-03-12&to=2025-03-10')).toBe('400 search.date_range from')
    expect(await error('from=2025-13-01')).toBe('400 search.date_range from')
  })

  it('combines filters with AND', async () => {
    const made = [
      await conversation({ rating: 1, reply: alex, tags: [vip], ip: '172.16.0.5', url: 'https://shop.example/checkout' }),
      await conversation({ rating: 1, reply: alex, tags: [refund], ip: '172.16.0.6', url: 'https://shop.example/checkout' }),
      await conversation({ rating: 0, reply: alex, tags: [vip], ip: '172.16.9.9', url: 'https://shop.example/cart' }),
      await conversation({ rating: 1, group: 'sales', tags: [vip], ip: '8.8.8.8', url: 'https://shop.example/checkout' }),
    ]
    expect(await which(`rating=good&agent=${alex.agent!.id}&tags=${vip}`, made)).toEqual([0])
    expect((await which(`ip=${encodeURIComponent('172.16.0.0/16')}&url=checkout`, made)).sort()).toEqual([0, 1])
    expect(await which(`group=${sales}&rating=good&channel=web&url=checkout&tags=${vip}&tagMode=all`, made)).toEqual([3])
    expect(await which(`group=${sales}&agent=${alex.agent!.id}`, made)).toEqual([])
  })

  it('pages by keyset without repeats or gaps when many resolved at the same instant', async () => {
    const made: Made[] = []
    for (let i = 0; i < 7; i++) made.push(await conversation({ tags: [refund], group: 'sales', url: 'https://shop.example/same-time' }))
    const ids = made.map((m) => m.id)
    await srv.db.sql`update conversations set resolved_at = '2025-06-01 10:00:00.123456+00' where id = any(${ids}::uuid[])`
    const seen: string[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 10; pages++) {
      const r = await owner.request('GET', `/api/search?url=same-time&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      expect(r.status).toBe(200)
      expect(r.body.items.length).toBeLessThanOrEqual(3)
      seen.push(...r.body.items.map((i: { id: string }) => i.id))
      cursor = r.body.nextCursor
      if (!cursor) break
    }
    expect(seen.length).toBe(7)
    expect(new Set(seen).size).toBe(7)
    // ties are ordered by id, newest first
    expect(seen).toEqual([...ids].sort().reverse())
  })

  it('refuses unknown tags, agents and groups, and bad ratings, with the field named', async () => {
    const nobody = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
    expect(await error(`tags=${vip},${nobody}`)).toBe('400 search.unknown_tag tags')
    expect(await error('tags=vip')).toBe('400 search.unknown_tag tags')
    expect(await error(`agent=${nobody}`)).toBe('400 search.unknown_agent agent')
    expect(await error(`group=${nobody}`)).toBe('400 search.unknown_group group')
    expect(await error('rating=7')).toBe('400 search.invalid_rating rating')
    expect(await error('status=closed')).toMatch(/^400 request.invalid/)
    expect(await error('limit=500')).toBe('400 request.invalid limit')
    expect(await error(`q=${'x'.repeat(201)}`)).toBe('400 request.invalid q')
    expect((await new AgentClient(srv.url).request('GET', '/api/search')).status).toBe(401)
  })
})

describe('full text and names', () => {
  it('finds a visitor by the start of a name and by part of an e-mail, with no match message', async () => {
    const jana = await conversation({ name: 'Jana Nováková', email: 'jana.novakova@firma.cz' })
    const other = await conversation({ name: 'Petr Svoboda', email: 'petr@example.org' })
    const made = [jana, other]
    expect(await which('q=Jan', made)).toEqual([0])
    expect(await which('q=nov%C3%A1kov', made)).toEqual([0])
    expect(await which('q=firma.cz', made)).toEqual([0])
    expect(await which('q=EXAMPLE.ORG', made)).toEqual([1])
    const r = await owner.request('GET', '/api/search?q=Jan&limit=100')
    expect(r.body.items.find((i: { id: string }) => i.id === jana.id).match).toBeNull()
  })

  it('finds words in any message, with the latest matching one and a plain snippet around it', async () => {
    const made = await conversation({ body: 'My order 1234 arrived broken, the teapot handle snapped off', reply: alex })
    await alex.request('POST', `/api/conversations/${made.id}/messages`, { body: 'Sorry! A new teapot is on its way.', clientId: cid() })
    const r = await owner.request('GET', '/api/search?q=teapot&limit=100')
    const item = r.body.items.find((i: { id: string }) => i.id === made.id)
    expect(item.match.seq).toBe(3)
    expect(item.match.snippet).toContain('teapot')
    expect(item.match.snippet).not.toContain('<')
    // agents' words are searched too
    expect(await which('q=snapped', [made])).toEqual([0])
  })

  it('never matches a private note', async () => {
    const made = await conversation({ body: 'Question about invoices' })
    expect((await owner.request('POST', `/api/conversations/${made.id}/notes`, { body: 'Internal: customer is a zebracorn fan', clientId: cid() })).status).toBe(201)
    expect(await which('q=zebracorn', [made])).toEqual([])
    expect(await which('q=invoices', [made])).toEqual([0])
  })
})

describe('export', () => {
  it('downloads every result as CSV with quoting and formulas made harmless', async () => {
    const made = await conversation({ body: '=HYPERLINK("http://evil.example","click"), then "quotes"', name: '@Mallory, "the" tester', tags: [vip, refund], rating: 0, url: 'https://shop.example/export-me' })
    const r = await fetch(`${srv.url}/api/search/export?format=csv&url=export-me`, { headers: { cookie: owner.cookie } })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-search-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(r.headers.get('x-export-limit')).toBe('50000')
    const text = await r.text()
    const lines = text.split('\r\n')
    expect(lines[0]).toBe('id,number,channel,status,visitor name,visitor e-mail,assignee,group,tags,rating,created,resolved,last message,link')
    expect(lines.length).toBe(3)
    expect(lines[2]).toBe('')
    const row = lines[1]!
    expect(row.startsWith(`${made.id},`)).toBe(true)
    expect(row).toContain(`"'@Mallory, ""the"" tester"`)
    expect(row).toContain('Refund; VIP')
    expect(row).toContain(',bad,')
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), then ""quotes"""`)
    expect(row.endsWith(`,${srv.url}/#/c/${made.id}`)).toBe(true)
  })

  it('downloads JSON with the same items and says whether it stopped at the limit', async () => {
    const made = [await conversation({ url: 'https://shop.example/json-export' }), await conversation({ url: 'https://shop.example/json-export' })]
    const r = await fetch(`${srv.url}/api/search/export?format=json&url=json-export`, { headers: { cookie: owner.cookie } })
    expect(r.headers.get('content-disposition')).toMatch(/filename="parley-search-\d{4}-\d{2}-\d{2}\.json"/)
    const body = await r.json()
    expect(body.limit).toBe(50000)
    expect(body.truncated).toBe(false)
    expect(body.items.map((i: { id: string }) => i.id).sort()).toEqual(made.map((m) => m.id).sort())
    expect(body.items[0].link).toBe(`${srv.url}/#/c/${body.items[0].id}`)
    expect(body.items[0].visitor.number).toBeGreaterThan(0)
    expect((await fetch(`${srv.url}/api/search/export?format=json&ip=10.0.0.256`, { headers: { cookie: owner.cookie } })).status).toBe(400)
    expect((await fetch(`${srv.url}/api/search/export?format=xml`, { headers: { cookie: owner.cookie } })).status).toBe(400)
  })
})

describe('transcript', () => {
  it('prints every message and event, escapes what users wrote, leaves notes out, in the agent’s language', async () => {
    const dora = await agent('dora@example.com', 'Dora', 'full', 'de')
    const made = await conversation({ body: '<script>alert(1)</script> & <b>bold</b>', name: '<img src=x onerror=alert(2)>', reply: dora, tags: [vip], rating: 1 })
    await owner.request('POST', `/api/conversations/${made.id}/notes`, { body: 'secret-note-text', clientId: cid() })
    const r = await fetch(`${srv.url}/api/conversations/${made.id}/transcript`, { headers: { cookie: dora.cookie } })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = r.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toMatch(/style-src-elem 'self' 'sha256-/)
    const html = await r.text()
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('secret-note-text')
    expect(html).toContain('<html lang="de">')
    expect(html).toContain('Happy to help')
    expect(html).toContain('Besucher')
    expect(html).toContain('Dora hat die Konversation übernommen')
    expect(html).toContain('Olivia Owner hat die Konversation erledigt')
    expect(html).toContain('Der Besucher hat die Konversation bewertet: Gut')
    expect(html).toContain('@media print')
    // the page's one <style> is the one the policy's hash allows
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    const hash = new Bun.CryptoHasher('sha256').update(style).digest('base64')
    expect(csp).toContain(`'sha256-${hash}'`)
    // English for an English-speaking agent
    expect(await (await fetch(`${srv.url}/api/conversations/${made.id}/transcript`, { headers: { cookie: owner.cookie } })).text()).toContain('Dora took the conversation')
    expect((await owner.request('GET', '/api/conversations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/transcript')).status).toBe(404)
    expect((await new AgentClient(srv.url).request('GET', `/api/conversations/${made.id}/transcript`)).status).toBe(401)
  })
})

describe('saved searches', () => {
  it('saves, lists and deletes an agent’s own searches; names are unique per agent; another’s is not found', async () => {
    const query = `status=all&tags=${vip}&ip=${encodeURIComponent('10.0.0.0/8')}`
    const r = await alex.request('POST', '/api/saved-searches', { name: 'VIP from the office', query })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ name: 'VIP from the office', query })
    expect(typeof r.body.id).toBe('string')
    expect((await alex.request('POST', '/api/saved-searches', { name: 'vip FROM the office', query: 'status=open' })).body.error.code).toBe('saved_search.exists')
    // another agent may use the same name
    expect((await lim.request('POST', '/api/saved-searches', { name: 'VIP from the office', query: 'status=open' })).status).toBe(201)
    const list = (await alex.request('GET', '/api/saved-searches')).body
    expect(list.map((s: { name: string }) => s.name)).toEqual(['VIP from the office'])
    expect((await lim.request('GET', '/api/saved-searches')).body.map((s: { query: string }) => s.query)).toEqual(['status=open'])
    expect((await lim.request('DELETE', `/api/saved-searches/${r.body.id}`)).status).toBe(404)
    expect((await alex.request('DELETE', `/api/saved-searches/${r.body.id}`)).status).toBe(204)
    expect((await alex.request('GET', '/api/saved-searches')).body).toEqual([])
    expect((await alex.request('DELETE', `/api/saved-searches/${r.body.id}`)).status).toBe(404)
  })

  it('refuses a search that does not parse, an unknown tag, and a bad name, and stores nothing', async () => {
    const bad: [unknown, string][] = [
      [{ name: 'x', query: 'ip=10.0.0.256' }, 'search.invalid_cidr'],
      [{ name: 'x', query: 'from=2025-02-02&to=2025-01-01' }, 'search.date_range'],
      [{ name: 'x', query: 'tags=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, 'search.unknown_tag'],
      [{ name: 'x', query: 'colour=red' }, 'request.invalid'],
      [{ name: 'x', query: 'q=' + 'x'.repeat(2000) }, 'request.invalid'],
      [{ name: '   ', query: 'status=open' }, 'saved_search.invalid_name'],
      [{ name: 'x'.repeat(81), query: 'status=open' }, 'saved_search.invalid_name'],
      [{ name: 'x' }, 'request.invalid'],
    ]
    for (const [body, code] of bad) {
      const r = await owner.request('POST', '/api/saved-searches', body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe(code)
    }
    expect((await owner.request('GET', '/api/saved-searches')).body).toEqual([])
  })
})

describe('who sees what', () => {
  it('shows a limited agent what the lists show it: every conversation, as for the owner', async () => {
    const made = [await conversation({ reply: alex, tags: [vip] }), await conversation({ tags: [vip] })]
    const resolvedList = (await lim.request('GET', '/api/conversations?view=resolved&limit=200')).body.items.map((i: { id: string }) => i.id)
    for (const m of made) expect(resolvedList).toContain(m.id)
    expect((await which(`tags=${vip}`, made, lim)).sort()).toEqual([0, 1])
    expect(await found(`tags=${vip}`, lim)).toEqual(await found(`tags=${vip}`, owner))
  })
})
