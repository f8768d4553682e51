// Filters that combine (#16): the conversations row keeps copies of its tags and rating (migration
// 00020's triggers), and a combination of filters that is sparse among the newest conversations is
// looked up in the facets index instead of walked to the end. Both ways must find the same pages.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { search } from './search.usecases.ts'
import { FACET_PROBE, FACET_WINDOW, NO_HITS, facetHits, searchPage } from './search.repo.ts'
import { parseSearch } from './search.rules.ts'

let srv: TestServer
let owner: AgentClient
let me: Actor
let alex: string
let sam: string
let vip: string
let refund: string
let sales: string

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  me = { id: owner.agent!.id, role: 'owner', name: owner.agent!.name }
  const agent = async (email: string, name: string) =>
    (await owner.request('POST', '/api/agents', { email, name, password: 'agent-password', role: 'full' })).body.id as string
  alex = await agent('alex@example.com', 'Alex')
  sam = await agent('sam@example.com', 'Sam')
  vip = (await owner.request('POST', '/api/tags', { name: 'VIP', color: 'purple' })).body.id
  refund = (await owner.request('POST', '/api/tags', { name: 'Refund', color: 'red' })).body.id
  sales = (await owner.request('POST', '/api/groups', { key: 'sales', name: 'Sales', memberIds: [] })).body.id
})
afterAll(() => srv.stop())

const copies = async (id: string) =>
  (await srv.db.sql<{ tagIds: string[]; ratingScale: string | null; ratingScore: number | null }[]>`
    select tag_ids, rating_scale, rating_score from conversations where id = ${id}`)[0]!

describe("the row's copies of its tags and rating", () => {
  it('follow tagging, untagging, two agents tagging at once, a rating and its replacement, and a deleted tag', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const r = await visitor.request('POST', '/api/widget/messages', { body: 'Hello', clientId: cid() })
    const id = r.body.conversation.id as string
    expect(await copies(id)).toEqual({ tagIds: [], ratingScale: null, ratingScore: null })
    // at the same moment: each trigger edits the row as the other left it
    const both = await Promise.all([vip, refund].map((tagId) => owner.request('POST', `/api/conversations/${id}/tags`, { tagId })))
    expect(both.map((b) => b.status < 300)).toEqual([true, true])
    expect((await copies(id)).tagIds.sort()).toEqual([vip, refund].sort())
    expect((await owner.request('DELETE', `/api/conversations/${id}/tags/${vip}`)).status).toBeLessThan(300)
    expect((await copies(id)).tagIds).toEqual([refund])
    expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    expect((await visitor.request('POST', `/api/widget/conversations/${id}/rating`, { score: 0 })).status).toBe(201)
    expect(await copies(id)).toMatchObject({ ratingScale: 'thumbs', ratingScore: 0 })
    expect((await visitor.request('POST', `/api/widget/conversations/${id}/rating`, { score: 1 })).status).toBe(201)
    expect(await copies(id)).toMatchObject({ ratingScale: 'thumbs', ratingScore: 1 })
    // the list shows what the row says
    const listed = (await search(srv.running.deps, me, { tags: refund, rating: 'good' })).items.find((i) => i.id === id)
    expect(listed).toMatchObject({ rating: { scale: 'thumbs', score: 1 }, tags: [{ id: refund, name: 'Refund' }] })
    // a tag deleted by the owner leaves every conversation's copy (the cascade fires the trigger)
    const gone = (await owner.request('POST', '/api/tags', { name: 'Gone', color: 'blue' })).body.id
    expect((await owner.request('POST', `/api/conversations/${id}/tags`, { tagId: gone })).status).toBeLessThan(300)
    expect((await copies(id)).tagIds).toContain(gone)
    expect((await owner.request('DELETE', `/api/tags/${gone}`)).status).toBeLessThan(300)
    expect((await copies(id)).tagIds).toEqual([refund])
  })
})

describe('a combination sparse among the newest conversations', () => {
  /** Resolved web conversations made in SQL (the triggers copy their tags and ratings), resolved at `start` + i seconds. */
  async function bulk(o: { n: number; start: string; agent: string | null; rating: number | null; tags: string[]; group: string | null; channel?: string }): Promise<string[]> {
    const visitor = await VisitorClient.create(srv.url)
    const rows = await srv.db.sql<{ id: string }[]>`
      insert into conversations (id, visitor_id, channel, status, assignee_id, group_id, created_at, resolved_at, resolved_by)
      select gen_random_uuid(), ${visitor.id}, ${o.channel ?? 'web'}, 'resolved', ${o.agent}::uuid, ${o.group}::uuid,
        ${o.start}::timestamptz + i * interval '1 second', ${o.start}::timestamptz + i * interval '1 second', ${me.id}
      from generate_series(1, ${o.n}) i
      returning id`
    const ids = rows.map((r) => r.id)
    if (o.rating !== null) {
      await srv.db.sql`insert into conversation_ratings (conversation_id, visitor_id, scale, score)
        select unnest(${ids}::uuid[]), ${visitor.id}, 'thumbs', ${o.rating}`
    }
    for (const tag of o.tags) await srv.db.sql`insert into conversation_tags (conversation_id, tag_id) select unnest(${ids}::uuid[]), ${tag}`
    return ids
  }

  /** Every id a search finds in pages of two: through the use case (which may ask the facets index) and by the walk alone. */
  async function bothWays(params: Record<string, string>): Promise<{ used: string[] | null; paged: string[]; walked: string[] }> {
    const used = await facetHits(srv.db.sql, parseSearch(params), 2)
    const paged: string[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 20; pages++) {
      const page = await search(srv.running.deps, me, { ...params, limit: '2', ...(cursor ? { cursor } : {}) })
      paged.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
      if (!cursor) break
    }
    const walked = (await searchPage(srv.db.sql, parseSearch({ ...params, limit: '100' }), 100, null, NO_HITS)).map((r) => r.id)
    return { used, paged, walked }
  }

  it('is found in the facets index, page by page, exactly as the walk finds it', async () => {
    // the old ones that match, then a window's worth of newer ones that do not
    const rareBad = await bulk({ n: 3, start: '2026-01-01', agent: alex, rating: 0, tags: [], group: null })
    const rareTagged = await bulk({ n: 5, start: '2026-01-02', agent: null, rating: null, tags: [vip, refund], group: sales })
    await bulk({ n: FACET_WINDOW + 50, start: '2026-02-01', agent: alex, rating: 1, tags: [vip], group: sales })
    await srv.db.sql`analyze conversations`

    const bad = await bothWays({ rating: 'bad', agent: alex })
    expect(bad.used?.sort()).toEqual([...rareBad].sort())
    expect(bad.paged).toEqual([...rareBad].reverse())
    expect(bad.walked).toEqual(bad.paged)

    const tagged = await bothWays({ tags: `${vip},${refund}`, tagMode: 'all', group: sales, channel: 'web' })
    expect(tagged.used?.sort()).toEqual([...rareTagged].sort())
    expect(tagged.paged).toEqual([...rareTagged].reverse())
    expect(tagged.walked).toEqual(tagged.paged)

    // never assigned, in a group, rated: none of them
    const none = await bothWays({ agent: 'none', group: sales, rating: 'good' })
    expect(none.used).toEqual([])
    expect(none.paged).toEqual([])
    expect(none.walked).toEqual([])
  })

  it('is walked when the newest conversations hold a page of it, or when only one filter is asked', async () => {
    expect(await facetHits(srv.db.sql, parseSearch({ rating: 'good', agent: alex }), 30)).toBeNull()
    expect(await facetHits(srv.db.sql, parseSearch({ tags: vip, group: sales }), 30)).toBeNull()
    expect(await facetHits(srv.db.sql, parseSearch({ rating: 'bad' }), 30)).toBeNull()
    expect(await facetHits(srv.db.sql, parseSearch({ rating: 'bad', agent: alex, status: 'open' }), 30)).toBeNull()
    // sparse among the newest but more than FACET_PROBE in all: the walk, which finds them
    const many = await bulk({ n: FACET_PROBE, start: '2025-06-01', agent: sam, rating: 0, tags: [], group: null, channel: 'email' })
    await bulk({ n: FACET_WINDOW, start: '2026-03-01', agent: sam, rating: 1, tags: [], group: null, channel: 'email' })
    const params = { rating: 'bad', agent: sam, channel: 'email' }
    expect(await facetHits(srv.db.sql, parseSearch(params), 30)).toBeNull()
    const page = await search(srv.running.deps, me, { ...params, limit: '30' })
    expect(page.items.map((i) => i.id)).toEqual(many.slice(-30).reverse())
  })
})
