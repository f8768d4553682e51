// What agents type outside the chat is free text too: a block's reason ("chargeback, card 4111 …"),
// a saved search (its name, and the words searched for), the widget's greeting and offline
// message, an API key's name, a tag's or a group's name, an agent's display name. A card number in
// any of them is masked before it is stored or shown.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
})
afterAll(() => srv?.stop())

const CLEAR = /4111.?1111.?1111|5555.?5555.?5555|4012.?8888.?8888|3782.?822463|6011.?1111.?1111/

describe('card numbers in what agents type outside the chat', () => {
  it("masks them in a visitor's and an IP range's block reason", async () => {
    const v = await VisitorClient.create(srv.url)
    await v.request('POST', '/api/widget/messages', { body: 'hello', clientId: cid() })
    const blocked = await owner.request('PUT', `/api/visitors/${v.id}/block`, { reason: 'chargeback on card 4111 1111 1111 1111' })
    expect(blocked.status).toBe(200)
    expect(blocked.body.block.reason).toBe('chargeback on card •••• •••• •••• 1111')
    const range = await owner.request('POST', '/api/settings/blocking/ranges', { range: '198.51.100.0/24', reason: 'fraud ring, used 5555-5555-5555-4444' })
    expect(range.status).toBe(201)
    expect(range.body.reason).toBe('fraud ring, used ••••-••••-••••-4444')
    const shown = JSON.stringify([(await owner.request('GET', `/api/visitors/${v.id}/block`)).body, (await owner.request('GET', '/api/settings/blocking')).body])
    expect(shown).not.toMatch(CLEAR)
    const stored = JSON.stringify([await srv.db.sql`select reason from blocked_visitors`, await srv.db.sql`select reason from blocked_ranges`])
    expect(stored).toContain('••••')
    expect(stored).not.toMatch(CLEAR)
  })

  it("masks them in a saved search's name and query", async () => {
    const r = await owner.request('POST', '/api/saved-searches', { name: 'customer 4012 8888 8888 1881', query: 'q=4012+8888+8888+1881' })
    expect(r.status).toBe(201)
    expect(r.body.name).toBe('customer •••• •••• •••• 1881')
    const stored = JSON.stringify([(await owner.request('GET', '/api/saved-searches')).body, await srv.db.sql`select name, query from saved_searches`])
    expect(stored).toContain('1881')
    expect(stored).not.toMatch(CLEAR)
  })

  it("masks them in the widget's greeting and offline message", async () => {
    const r = await owner.request('PUT', '/api/settings/widget', { greeting: 'Test card: 378282246310005', offlineMessage: 'Pay to 6011 1111 1111 1117' })
    expect(r.status).toBe(200)
    expect(r.body.greeting).toBe('Test card: •••••••••••0005')
    const config = await (await fetch(`${srv.url}/api/widget/config`)).text()
    const stored = JSON.stringify(await srv.db.sql`select value from settings where key = 'widget.appearance'`)
    expect(stored).toContain('1117')
    expect(config + stored).not.toMatch(CLEAR)
  })

  it("masks them in an API key's name", async () => {
    const r = await owner.request('POST', '/api/settings/api-keys', { name: 'shop 4111111111111111' })
    expect(r.status).toBe(201)
    expect(r.body.name).toBe('shop ••••••••••••1111')
    const stored = JSON.stringify([(await owner.request('GET', '/api/settings/api-keys')).body, await srv.db.sql`select name from api_keys`])
    expect(stored).not.toMatch(CLEAR)
  })

  it("masks them in a tag's and a group's name and an agent's display name", async () => {
    const tag = await owner.request('POST', '/api/tags', { name: 'paid 4111 1111 1111 1111', color: 'red' })
    expect(tag.status).toBe(201)
    expect(tag.body.name).toBe('paid •••• •••• •••• 1111')
    const group = await owner.request('POST', '/api/groups', { key: 'cards', name: 'Cards 5555 5555 5555 4444' })
    expect(group.status).toBe(201)
    expect(group.body.name).toBe('Cards •••• •••• •••• 4444')
    const agent = await owner.request('POST', '/api/agents', { email: 'typo@example.com', name: 'Jan 4012 8888 8888 1881', password: 'a long agent password 7', role: 'full' })
    expect(agent.status).toBe(201)
    expect(agent.body.name).toBe('Jan •••• •••• •••• 1881')
    const stored = JSON.stringify([await srv.db.sql`select name from tags`, await srv.db.sql`select name from groups`, await srv.db.sql`select name from agents`])
    expect(stored).not.toMatch(CLEAR)
  })
})
