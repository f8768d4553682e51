// Ratings (#16) through the API: the visitor rates a resolved conversation of their own, on the
// owner's scale, once (a second rating replaces the first); dashboards see it in the list and the
// thread; bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { scoreFits } from './ratings.usecases.ts'

let srv: TestServer
let owner: AgentClient
let alex: AgentClient

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  expect((await owner.request('POST', '/api/agents', { email: 'alex@example.com', name: 'Alex', password: 'agent-password', role: 'full' })).status).toBe(201)
  alex = new AgentClient(srv.url)
  expect((await alex.login('alex@example.com', 'agent-password')).status).toBe(200)
})
afterAll(() => srv.stop())

async function resolvedConversation(): Promise<{ visitor: VisitorClient; id: string }> {
  const visitor = await VisitorClient.create(srv.url)
  const r = await visitor.request('POST', '/api/widget/messages', { body: 'Help with sizes', clientId: cid() })
  expect(r.status).toBe(201)
  const id = r.body.conversation.id
  expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'Take a 42', clientId: cid() })).status).toBe(201)
  expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
  return { visitor, id }
}

const rate = (v: VisitorClient, id: string, body: unknown) => v.request('POST', `/api/widget/conversations/${id}/rating`, body)
const setMode = (mode: string, who = owner) => who.request('PUT', '/api/settings/rating', { mode })

describe('scoreFits', () => {
  it('takes 0 or 1 on thumbs and 1 to 5 on stars, whole numbers only', () => {
    expect([0, 1, 2].map((s) => scoreFits('thumbs', s))).toEqual([true, true, false])
    expect([0, 1, 5, 6, 2.5].map((s) => scoreFits('stars', s))).toEqual([false, true, true, false, false])
  })
})

describe('ratings', () => {
  it('asks on thumbs by default; the visitor rates with a masked comment and the agent sees it in the list and the thread', async () => {
    expect((await (await fetch(`${srv.url}/api/widget/rating-settings`)).json())).toEqual({ mode: 'thumbs' })
    const { visitor, id } = await resolvedConversation()
    const dashboard = await alex.socket()
    await dashboard.waitFor('hello')
    const r = await rate(visitor, id, { score: 1, comment: 'Great help! My card 4111 1111 1111 1111 was not needed' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ scale: 'thumbs', score: 1, comment: 'Great help! My card •••• •••• •••• 1111 was not needed' })
    const live = await dashboard.waitFor('conversation', (f) => f.conversation.id === id && f.conversation.rating !== null)
    expect(live.conversation.rating).toEqual({ scale: 'thumbs', score: 1 })
    const resolved = await alex.request('GET', '/api/conversations?view=resolved')
    expect(resolved.body.items.find((c: { id: string }) => c.id === id).rating).toEqual({ scale: 'thumbs', score: 1 })
    const thread = await alex.request('GET', `/api/conversations/${id}/rating`)
    expect(thread.body.rating).toMatchObject({ scale: 'thumbs', score: 1, comment: 'Great help! My card •••• •••• •••• 1111 was not needed' })
    // the visitor card's earlier conversations carry it too
    const earlier = await alex.request('GET', `/api/visitors/${visitor.id}/conversations`)
    expect(earlier.body.find((c: { id: string }) => c.id === id)?.rating).toEqual({ scale: 'thumbs', score: 1 })
    const stored = await srv.db.sql`select comment from conversation_ratings where conversation_id = ${id}`
    expect(stored[0]!.comment).not.toContain('4111 1111')
    dashboard.ws.close()
  })

  it('replaces a first rating with a second one: one rating per conversation', async () => {
    const { visitor, id } = await resolvedConversation()
    expect((await rate(visitor, id, { score: 0 })).status).toBe(201)
    expect((await rate(visitor, id, { score: 1, comment: 'Changed my mind' })).status).toBe(201)
    const rows = await srv.db.sql`select score, comment from conversation_ratings where conversation_id = ${id}`
    expect(rows.map((r) => [r.score, r.comment])).toEqual([[1, 'Changed my mind']])
    // Each rating is a line in the conversation's history (#15), without the comment.
    const events = await alex.request('GET', `/api/conversations/${id}/events`)
    const rated = events.body.filter((e: { kind: string }) => e.kind === 'rated')
    expect(rated.map((e: { data: unknown; actorAgentId: unknown }) => e.data)).toEqual([{ rating: 'bad' }, { rating: 'good' }])
    expect(JSON.stringify(rated)).not.toContain('Changed my mind')
  })

  it('refuses an open conversation, a score off the scale, a long comment and another visitor, storing nothing', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const open = (await visitor.request('POST', '/api/widget/messages', { body: 'Still open', clientId: cid() })).body.conversation.id
    const notYet = await rate(visitor, open, { score: 1 })
    expect([notYet.status, notYet.body.error.code]).toEqual([409, 'rating.not_resolved'])
    const { visitor: v2, id } = await resolvedConversation()
    const bad = await rate(v2, id, { score: 3 })
    expect([bad.status, bad.body.error.code]).toEqual([400, 'rating.invalid_score'])
    const long = await rate(v2, id, { score: 1, comment: 'x'.repeat(1001) })
    expect([long.status, long.body.error.code]).toEqual([400, 'rating.comment_too_long'])
    expect((await rate(visitor, id, { score: 1 })).status).toBe(404)
    expect((await rate(v2, 'not-a-uuid', { score: 1 })).status).toBe(404)
    expect((await fetch(`${srv.url}/api/widget/conversations/${id}/rating`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"score":1}' })).status).toBe(401)
    const rows = await srv.db.sql`select 1 from conversation_ratings where conversation_id in (${open}, ${id})`
    expect(rows.length).toBe(0)
  })

  it('follows the owner: stars take 1–5, off refuses; only the owner changes it', async () => {
    const denied = await setMode('stars', alex)
    expect(denied.status).toBe(403)
    expect((await setMode('sometimes')).status).toBe(400)
    expect((await setMode('stars')).status).toBe(200)
    const { visitor, id } = await resolvedConversation()
    expect((await rate(visitor, id, { score: 0 })).status).toBe(400)
    const r = await rate(visitor, id, { score: 4 })
    expect([r.status, r.body.scale, r.body.score]).toEqual([201, 'stars', 4])
    const events = await alex.request('GET', `/api/conversations/${id}/events`)
    expect(events.body.filter((e: { kind: string }) => e.kind === 'rated').map((e: { data: unknown }) => e.data)).toEqual([{ rating: 4 }])
    expect((await setMode('off')).status).toBe(200)
    const other = await resolvedConversation()
    const off = await rate(other.visitor, other.id, { score: 1 })
    expect([off.status, off.body.error.code]).toEqual([409, 'rating.off'])
    expect((await setMode('thumbs')).status).toBe(200)
  })
})
