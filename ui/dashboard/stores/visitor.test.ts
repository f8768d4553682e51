// The visitor store: the card's visitor, their browsing history and conversations.
import { describe, expect, it } from 'bun:test'
import { conv, msg, settle, signedIn, signedInHeld, visitor, watch } from './stores.testing.ts'

describe('visitor store', () => {
  it('keeps a visitor from the visitor frame and their name in the lists, and forgets the history of a card not on screen', async () => {
    const { d } = signedIn()
    d.lists.upsert(conv())
    d.visitor.visitorPages.set('v1', { items: [], loading: false, error: null })
    const changes = await watch(d)
    d.handleFrame({ type: 'visitor', visitor: visitor({ name: 'Jana', currentPage: { url: 'https://shop.example/cart', title: 'Cart' } }) })
    expect(d.visitor.visitors.get('v1')?.name).toBe('Jana')
    expect(d.lists.get('c1')?.visitor.name).toBe('Jana')
    // Nothing is selected: the history is reloaded when the card opens, not now.
    expect(d.visitor.visitorPages.has('v1')).toBe(false)
    expect(await changes.take()).toEqual(['lists', 'visitor'])
  })

  it('marks a visitor offline with the time they left', async () => {
    const { d } = signedIn()
    d.visitor.apply(visitor({ online: true, lastSeenAt: '2026-11-30T08:00:00.000Z' }))
    const changes = await watch(d)
    d.handleFrame({ type: 'visitor.presence', visitorId: 'v1', online: false })
    const v = d.visitor.visitors.get('v1')!
    expect(v.online).toBe(false)
    expect(Date.parse(v.lastSeenAt)).toBeGreaterThan(Date.parse('2026-11-30T08:00:00.000Z'))
    expect(await changes.take()).toEqual(['visitor'])
  })

  it('keeps what frames said while the card was read over an answer older than them', async () => {
    const { d, api } = signedInHeld()
    const card = d.visitor.loadVisitor('v1')
    await settle()
    // The visitor left, and their other conversation was resolved, while the card was read.
    d.handleFrame({ type: 'visitor.presence', visitorId: 'v1', online: false })
    d.handleFrame({ type: 'conversation', conversation: conv({ id: 'c0', status: 'resolved', resolvedAt: '2026-11-30T09:05:00.000Z' }), change: 'resolved' })
    api.reply('/api/visitors/v1', visitor({ online: true, name: 'Jana' }))
    api.reply('/api/visitors/v1/conversations', [conv({ id: 'c0' })])
    api.reply(`/api/visitors/v1/pages?limit=20`, [])
    api.reply('/api/settings/meta', { geoAttribution: '' })
    await card
    expect(d.visitor.visitors.get('v1')?.online).toBe(false)
    expect(d.visitor.visitors.get('v1')?.name).toBe('Jana')
    expect(d.visitor.visitorConversations.get('v1')?.items.map((c) => `${c.id}:${c.status}`)).toEqual(['c0:resolved'])
    // Read again with nothing crossing it: the answer is taken.
    const again = d.visitor.loadVisitor('v1')
    await settle()
    api.reply('/api/visitors/v1', visitor({ online: true, name: 'Jana' }))
    api.reply('/api/visitors/v1/conversations', [conv({ id: 'c0' })])
    api.reply(`/api/visitors/v1/pages?limit=20`, [])
    await again
    expect(d.visitor.visitors.get('v1')?.online).toBe(true)
    expect(d.visitor.visitorConversations.get('v1')?.items.map((c) => `${c.id}:${c.status}`)).toEqual(['c0:open'])
  })

  it("keeps the card's earlier conversations in step with every newer picture of them, newest first", async () => {
    const { d } = signedIn()
    d.visitor.visitorConversations.set('v1', { items: [conv({ id: 'old', createdAt: '2026-11-01T09:00:00.000Z' })], loading: false, error: null })
    d.handleFrame({ type: 'conversation', conversation: conv({ id: 'new', createdAt: '2026-11-30T09:00:00.000Z' }), change: 'created' })
    d.handleFrame({ type: 'conversation', conversation: conv({ id: 'old', createdAt: '2026-11-01T09:00:00.000Z', status: 'resolved' }), change: 'resolved' })
    expect(d.visitor.visitorConversations.get('v1')?.items.map((c) => `${c.id}:${c.status}`)).toEqual(['new:open', 'old:resolved'])
    // Another visitor's conversation leaves this card (and the visitor store) alone.
    const changes = await watch(d)
    d.handleFrame({ type: 'conversation', conversation: conv({ id: 'x', visitor: { id: 'v2', number: 2, name: null, email: null } }), change: 'created' })
    expect(await changes.take()).toEqual(['lists'])
  })

  it('leaves the open card alone when a message comes in the conversation on screen, which the card does not list', async () => {
    const { d } = signedIn()
    d.lists.upsert(conv())
    d.lists.setSelected('c1')
    d.visitor.visitorConversations.set('v1', { items: [conv(), conv({ id: 'old', createdAt: '2026-11-01T09:00:00.000Z' })], loading: false, error: null })
    const changes = await watch(d)
    d.handleFrame({ type: 'message', message: msg('m2', 2, { authorType: 'agent', authorId: 'me' }), conversation: conv({ lastSeq: 2, lastMessage: { preview: 'On its way', at: '2026-11-30T09:02:00.000Z', author: 'agent', agent: null } }) })
    expect(await changes.take()).toEqual(['lists'])
    // Still in step for when another conversation of this visitor is opened.
    expect(d.visitor.visitorConversations.get('v1')?.items[0]?.lastMessage.preview).toBe('On its way')
  })

  it('says why a card could not load, in the agent language', async () => {
    const { d } = signedIn()
    await d.visitor.loadVisitor('v9')
    expect(d.visitor.visitorErrors.get('v9')).toBe(d.session.t('error.network'))
    expect(d.visitor.visitorPages.get('v9')?.error).toBe(d.session.t('error.network'))
  })
})
