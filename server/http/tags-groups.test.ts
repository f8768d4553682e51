// Tags and groups (#16) through the API: who may manage them, tagging and transfer, routing a
// visitor to a group, the Open › All view and Unassigned narrowed to my groups, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let full: AgentClient
let limA: AgentClient
let limB: AgentClient

async function agent(email: string, role: 'full' | 'limited') {
  await owner.request('POST', '/api/agents', { email, name: email.split('@')[0], password: 'agent-password', role })
  const c = new AgentClient(srv.url)
  await c.login(email, 'agent-password')
  return c
}

async function visitorWrites(body = 'Hello', group?: string): Promise<{ visitor: VisitorClient; id: string }> {
  const visitor = await VisitorClient.create(srv.url)
  if (group) expect((await visitor.request('POST', '/api/widget/group', { key: group })).status).toBe(200)
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  return { visitor, id: r.body.conversation.id }
}

const conv = async (id: string) => (await owner.request('GET', `/api/conversations/${id}`)).body

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  full = await agent('full@example.com', 'full')
  limA = await agent('lima@example.com', 'limited')
  limB = await agent('limb@example.com', 'limited')
})
afterAll(() => srv.stop())

describe('tags', () => {
  it('lets only the owner add, rename and delete tags', async () => {
    for (const c of [full, limA]) {
      const r = await c.request('POST', '/api/tags', { name: 'Nope', color: 'red' })
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('settings.forbidden')
    }
    const r = await owner.request('POST', '/api/tags', { name: '  VIP   customer ', color: 'purple' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ name: 'VIP customer', color: 'purple' })
    expect((await limA.request('PATCH', `/api/tags/${r.body.id}`, { name: 'x' })).status).toBe(403)
    expect((await limA.request('DELETE', `/api/tags/${r.body.id}`)).status).toBe(403)
    const list = await limA.request('GET', '/api/tags')
    expect(list.body.tags.map((t: { name: string }) => t.name)).toContain('VIP customer')
    expect(list.body.colors).toContain('purple')
  })

  it('refuses a name another tag has in any case, an empty or long name and an unknown colour, and stores nothing', async () => {
    await owner.request('POST', '/api/tags', { name: 'Billing', color: 'blue' })
    const before = (await owner.request('GET', '/api/tags')).body.tags
    const bad: [unknown, number, string][] = [
      [{ name: 'BILLING', color: 'green' }, 409, 'tag.name_taken'],
      [{ name: '   ', color: 'green' }, 400, 'tag.invalid_name'],
      [{ name: 'x'.repeat(41), color: 'green' }, 400, 'tag.invalid_name'],
      [{ name: 'Fine', color: '#ff0000' }, 400, 'tag.invalid_color'],
      [{ name: 'Fine' }, 400, ''],
    ]
    for (const [body, status, code] of bad) {
      const r = await owner.request('POST', '/api/tags', body)
      expect(r.status).toBe(status)
      if (code) expect(r.body.error.code).toBe(code)
    }
    const other = await owner.request('POST', '/api/tags', { name: 'Refund', color: 'red' })
    expect((await owner.request('PATCH', `/api/tags/${other.body.id}`, { name: 'billing' })).body.error.code).toBe('tag.name_taken')
    expect((await owner.request('PATCH', '/api/tags/not-a-uuid', { name: 'x' })).status).toBe(404)
    const after = (await owner.request('GET', '/api/tags')).body.tags
    expect(after.length).toBe(before.length + 1)
    expect(after.find((t: { id: string }) => t.id === other.body.id).name).toBe('Refund')
  })

  it('lets any agent tag and untag a conversation, once, and shows the tags in the list and the thread', async () => {
    const tag = (await owner.request('POST', '/api/tags', { name: 'Shipping', color: 'teal' })).body
    const { id } = await visitorWrites()
    const r = await limA.request('POST', `/api/conversations/${id}/tags`, { tagId: tag.id })
    expect(r.status).toBe(200)
    expect(r.body.tags).toEqual([{ id: tag.id, name: 'Shipping', color: 'teal' }])
    expect((await limB.request('POST', `/api/conversations/${id}/tags`, { tagId: tag.id })).body.tags.length).toBe(1)
    const list = await limB.request('GET', '/api/conversations?view=unassigned')
    expect(list.body.items.find((c: { id: string }) => c.id === id).tags).toEqual([{ id: tag.id, name: 'Shipping', color: 'teal' }])
    const off = await limB.request('DELETE', `/api/conversations/${id}/tags/${tag.id}`)
    expect(off.status).toBe(200)
    expect(off.body.tags).toEqual([])
  })

  it('answers 404 for an unknown tag or conversation and changes nothing', async () => {
    const { id } = await visitorWrites()
    expect((await limA.request('POST', `/api/conversations/${id}/tags`, { tagId: Bun.randomUUIDv7() })).body.error.code).toBe('tag.not_found')
    expect((await limA.request('POST', `/api/conversations/${id}/tags`, { tagId: 'nope' })).status).toBe(404)
    const tag = (await owner.request('GET', '/api/tags')).body.tags[0]
    expect((await limA.request('POST', `/api/conversations/${Bun.randomUUIDv7()}/tags`, { tagId: tag.id })).status).toBe(404)
    expect((await conv(id)).tags).toEqual([])
  })

  it('takes a deleted tag off every conversation', async () => {
    const tag = (await owner.request('POST', '/api/tags', { name: 'Temporary', color: 'gray' })).body
    const a = await visitorWrites()
    const b = await visitorWrites()
    for (const { id } of [a, b]) await limA.request('POST', `/api/conversations/${id}/tags`, { tagId: tag.id })
    expect((await owner.request('DELETE', `/api/tags/${tag.id}`)).status).toBe(200)
    expect((await conv(a.id)).tags).toEqual([])
    expect((await conv(b.id)).tags).toEqual([])
    expect((await owner.request('DELETE', `/api/tags/${tag.id}`)).status).toBe(404)
  })

  it('never tells the visitor the tags', async () => {
    const tag = (await owner.request('POST', '/api/tags', { name: 'Angry', color: 'red' })).body
    const { visitor, id } = await visitorWrites()
    await limA.request('POST', `/api/conversations/${id}/tags`, { tagId: tag.id })
    const mine = await visitor.request('GET', '/api/widget/conversations')
    expect(mine.body[0].tags).toEqual([])
    expect(JSON.stringify(mine.body)).not.toContain('Angry')
  })
})

describe('groups', () => {
  let sales: { id: string; key: string }
  let support: { id: string; key: string }

  it('lets only the owner manage groups and the pre-chat choice', async () => {
    expect((await full.request('POST', '/api/groups', { key: 'sales', name: 'Sales' })).status).toBe(403)
    expect((await limA.request('PUT', '/api/settings/groups', { prechat: true })).status).toBe(403)
    const a = await owner.request('POST', '/api/groups', { key: 'sales', name: 'Sales', memberIds: [limA.agent!.id] })
    expect(a.status).toBe(201)
    expect(a.body).toMatchObject({ key: 'sales', name: 'Sales', memberIds: [limA.agent!.id] })
    sales = a.body
    const b = await owner.request('POST', '/api/groups', { key: 'support', name: 'Support', memberIds: [limB.agent!.id, full.agent!.id] })
    support = b.body
    expect((await limA.request('GET', '/api/groups')).body.groups.map((g: { key: string }) => g.key)).toEqual(['sales', 'support'])
    expect((await limA.request('PATCH', `/api/groups/${sales.id}`, { name: 'x' })).status).toBe(403)
  })

  it('refuses a bad key, a taken key or name, and members that are not agents', async () => {
    const bad: [unknown, number, string][] = [
      [{ key: 'Has Spaces', name: 'A' }, 400, 'group.invalid_key'],
      [{ key: 'sales', name: 'Other' }, 409, 'group.key_taken'],
      [{ key: 'other', name: 'SALES' }, 409, 'group.name_taken'],
      [{ key: 'other', name: '' }, 400, 'group.invalid_name'],
      [{ key: 'other', name: 'Other', memberIds: [Bun.randomUUIDv7()] }, 400, 'group.invalid_members'],
      [{ key: 'other', name: 'Other', memberIds: ['x'] }, 400, 'group.invalid_members'],
    ]
    for (const [body, status, code] of bad) {
      const r = await owner.request('POST', '/api/groups', body)
      expect(r.status).toBe(status)
      expect(r.body.error.code).toBe(code)
    }
    expect((await owner.request('GET', '/api/groups')).body.groups.length).toBe(2)
  })

  it("routes a visitor's new conversation to the group parley('group', key) named", async () => {
    const { id } = await visitorWrites('I want to buy', 'sales')
    expect((await conv(id)).group).toEqual({ id: sales.id, name: 'Sales' })
    const v = await VisitorClient.create(srv.url)
    const r = await v.request('POST', '/api/widget/group', { key: 'nosuch' })
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('group.not_found')
    expect((await v.request('POST', '/api/widget/group', { key: 'BAD KEY' })).status).toBe(404)
    // a visitor with no group, or whose group was cleared: no group, as before groups existed
    await v.request('POST', '/api/widget/group', { key: 'sales' })
    await v.request('POST', '/api/widget/group', { key: null })
    const m = await v.request('POST', '/api/widget/messages', { body: 'hi', clientId: cid() })
    expect((await conv(m.body.conversation.id)).group).toBeNull()
  })

  it('offers the pre-chat choice to the widget only when the owner turned it on', async () => {
    expect((await VisitorClient.create(srv.url)).id).toBeTruthy()
    const off = await fetch(`${srv.url}/api/widget/groups`).then((r) => r.json())
    expect(off.prechat).toBe(false)
    expect((await owner.request('PUT', '/api/settings/groups', { prechat: true })).body).toEqual({ prechat: true })
    const on = await fetch(`${srv.url}/api/widget/groups`).then((r) => r.json())
    expect(on).toEqual({ prechat: true, groups: [{ key: 'sales', name: 'Sales' }, { key: 'support', name: 'Support' }] })
    await owner.request('PUT', '/api/settings/groups', { prechat: false })
  })

  it('narrows Unassigned to my groups when asked, and shows everyone every group by default', async () => {
    const s = await visitorWrites('sales question', 'sales')
    const p = await visitorWrites('support question', 'support')
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((c) => c.id)
    const all = ids(await limA.request('GET', '/api/conversations?view=unassigned'))
    expect(all).toContain(s.id)
    expect(all).toContain(p.id)
    const mineA = ids(await limA.request('GET', '/api/conversations?view=unassigned&myGroups=true'))
    expect(mineA).toContain(s.id)
    expect(mineA).not.toContain(p.id)
    const mineB = ids(await limB.request('GET', '/api/conversations?view=unassigned&myGroups=true'))
    expect(mineB).toEqual(expect.arrayContaining([p.id]))
    expect(mineB).not.toContain(s.id)
    // The counts say how many wait in each group, so "my groups only" counts its own.
    const counts = (await limA.request('GET', '/api/conversations/counts')).body
    const sales = (await srv.db.sql<{ id: string }[]>`select id from groups where key = 'sales'`)[0]!.id
    const n = (await srv.db.sql<{ n: number }[]>`select count(*)::int as n from conversations where status = 'open' and assignee_id is null and group_id = ${sales}`)[0]!.n
    expect(counts.unassignedByGroup[sales]).toBe(n)
    expect(Object.values(counts.unassignedByGroup as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(counts.unassigned)
  })

  it('transfers a conversation to a group: unassigned there; forbids a limited agent to move a colleague\'s', async () => {
    const { id } = await visitorWrites('wrong team')
    await limA.request('POST', `/api/conversations/${id}/take`)
    expect((await limB.request('POST', `/api/conversations/${id}/transfer`, { groupId: support.id })).status).toBe(403)
    expect((await conv(id)).assignee.id).toBe(limA.agent!.id)
    expect((await limA.request('POST', `/api/conversations/${id}/transfer`, { groupId: Bun.randomUUIDv7() })).body.error.code).toBe('group.not_found')
    expect((await limA.request('POST', `/api/conversations/${id}/transfer`, { groupId: 'x' })).status).toBe(404)
    expect((await conv(id)).assignee.id).toBe(limA.agent!.id)
    const r = await limA.request('POST', `/api/conversations/${id}/transfer`, { groupId: support.id })
    expect(r.status).toBe(200)
    expect(r.body.assignee).toBeNull()
    expect(r.body.group).toEqual({ id: support.id, name: 'Support' })
    // The history says who moved it where (#15); a refused transfer left no line.
    const events = (await limA.request('GET', `/api/conversations/${id}/events`)).body as { kind: string; actor: { name: string } | null; data: Record<string, unknown> }[]
    expect(events.filter((e) => e.kind === 'transferred_to_group').map((e) => [e.actor?.name, e.data.groupName])).toEqual([[limA.agent!.name, 'Support']])
    const mineB = (await limB.request('GET', '/api/conversations?view=unassigned&myGroups=true')).body.items.map((c: { id: string }) => c.id)
    expect(mineB).toContain(id)
  })

  it('keeps the conversations of a deleted group, without a group', async () => {
    const g = (await owner.request('POST', '/api/groups', { key: 'temp', name: 'Temp' })).body
    const { id } = await visitorWrites('x', 'temp')
    expect((await conv(id)).group.name).toBe('Temp')
    expect((await owner.request('DELETE', `/api/groups/${g.id}`)).status).toBe(200)
    expect((await conv(id)).group).toBeNull()
    expect((await conv(id)).status).toBe('open')
  })
})

describe('Open › All', () => {
  it('lists every open conversation, latest first, whoever has it', async () => {
    const a = await visitorWrites('first')
    const b = await visitorWrites('second')
    await limB.request('POST', `/api/conversations/${b.id}/take`)
    const c = await visitorWrites('third')
    await owner.request('POST', `/api/conversations/${c.id}/take`)
    await owner.request('POST', `/api/conversations/${c.id}/resolve`)
    const items = (await limA.request('GET', '/api/conversations?view=all&limit=200')).body.items as { id: string; status: string }[]
    const ids = items.map((x) => x.id)
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id))
    expect(ids).not.toContain(c.id)
    expect(items.every((x) => x.status === 'open')).toBe(true)
  })

  it('pages through All by keyset without repeats', async () => {
    const seen = new Set<string>()
    let cursor: string | null = null
    for (let i = 0; i < 50; i++) {
      const q: string = `/api/conversations?view=all&limit=3${cursor ? `&cursor=${cursor}` : ''}`
      const r = await limA.request('GET', q)
      for (const item of r.body.items) {
        expect(seen.has(item.id)).toBe(false)
        seen.add(item.id)
      }
      cursor = r.body.nextCursor
      if (!cursor) break
    }
    const total = (await limA.request('GET', '/api/conversations?view=all&limit=200')).body.items.length
    expect(seen.size).toBe(total)
  })
})
