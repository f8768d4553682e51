// The lists store on its own and as the frame router feeds it: which tab a conversation is in,
// order, live counts and unread messages.
import { describe, expect, it } from 'bun:test'
import { ApiClient } from '../../shared/api.ts'
import { Dashboard } from './dashboard.ts'
import { viewOf } from './lists.ts'
import { NOWHERE, conv, me, msg, settle, signedIn, visitor, watch } from './stores.testing.ts'

/** An API whose list reads wait until the test answers them, by view. */
class HeldApi extends ApiClient {
  held = new Map<string, (page: unknown) => void>()
  reads: string[] = []
  override get<T>(path: string): Promise<T> {
    const view = new URLSearchParams(path.split('?')[1]).get('view') ?? path
    this.reads.push(view)
    return new Promise<T>((resolve) => this.held.set(view, resolve as (page: unknown) => void))
  }
  answer(view: string, items: unknown[]): void {
    this.held.get(view)!({ items, nextCursor: null })
    this.held.delete(view)
  }
}

describe('lists store', () => {
  it('puts a conversation in Unassigned, Mine, Others or Resolved', () => {
    expect(viewOf(conv({}), 'me')).toBe('unassigned')
    expect(viewOf(conv({ assignee: { id: 'me', name: 'Me' } }), 'me')).toBe('mine')
    expect(viewOf(conv({ assignee: { id: 'x', name: 'X' } }), 'me')).toBe('others')
    expect(viewOf(conv({ status: 'resolved', assignee: { id: 'me', name: 'Me' } }), 'me')).toBe('resolved')
  })

  it('moves a conversation from Mine to Resolved when a resolved frame comes, and forgets its unread messages', async () => {
    const { d } = signedIn()
    const changes = await watch(d)
    const mine = conv({ assignee: { id: 'me', name: 'Alex' }, lastSeq: 2 })
    d.handleFrame({ type: 'conversation', conversation: mine, change: 'assigned' })
    d.handleFrame({ type: 'read', conversationId: 'c1', seq: 1, unread: 1 })
    expect(d.lists.list('mine').map((c) => c.id)).toEqual(['c1'])
    expect(d.lists.unreadTotal).toBe(1)
    expect(await changes.take()).toEqual(['lists'])

    const resolved = { ...mine, status: 'resolved' as const, resolvedAt: '2026-11-30T09:05:00.000Z', lastSeq: 3 }
    d.handleFrame({ type: 'conversation', conversation: resolved, change: 'resolved' })
    expect(d.lists.list('mine')).toEqual([])
    expect(d.lists.list('resolved').map((c) => c.id)).toEqual(['c1'])
    expect(d.lists.unreadOf('c1')).toBe(0)
    expect(await changes.take()).toEqual(['lists'])
  })

  it('never lets an older picture of a conversation replace a newer one', () => {
    const { d } = signedIn()
    d.lists.upsert(conv({ lastSeq: 5, assignee: { id: 'me', name: 'Alex' } }))
    d.lists.upsert(conv({ lastSeq: 4 }))
    expect(d.lists.get('c1')?.assignee?.id).toBe('me')
  })

  it('orders Unassigned by the longest wait and Mine by the latest message', () => {
    const { d } = signedIn()
    d.lists.upsert(conv({ id: 'a', waitingSince: '2026-11-30T09:02:00.000Z' }))
    d.lists.upsert(conv({ id: 'b', waitingSince: '2026-11-30T09:01:00.000Z' }))
    expect(d.lists.list('unassigned').map((c) => c.id)).toEqual(['b', 'a'])
    const at = (iso: string) => ({ preview: 'x', at: iso, author: 'visitor' as const, agent: null })
    d.lists.upsert(conv({ id: 'm1', assignee: { id: 'me', name: 'Alex' }, lastMessage: at('2026-11-30T09:01:00.000Z') }))
    d.lists.upsert(conv({ id: 'm2', assignee: { id: 'me', name: 'Alex' }, lastMessage: at('2026-11-30T09:03:00.000Z') }))
    expect(d.lists.list('mine').map((c) => c.id)).toEqual(['m2', 'm1'])
    // A new message moves the older one to the top.
    d.handleFrame({ type: 'message', message: msg('x', 2, { conversationId: 'm1' }), conversation: conv({ id: 'm1', lastSeq: 2, assignee: { id: 'me', name: 'Alex' }, lastMessage: at('2026-11-30T09:04:00.000Z') }) })
    expect(d.lists.list('mine').map((c) => c.id)).toEqual(['m1', 'm2'])
  })

  it('counts each tab from the counts frame, mine apart from the others', async () => {
    const { d } = signedIn()
    const changes = await watch(d)
    expect(d.lists.countOf('mine')).toBeNull()
    d.handleFrame({ type: 'counts', counts: { unassigned: 3, unassignedByGroup: { g1: 2, '': 1 }, byAssignee: { me: 2, x: 4, y: 1 } } })
    expect([d.lists.countOf('unassigned'), d.lists.countOf('mine'), d.lists.countOf('others'), d.lists.countOf('all'), d.lists.countOf('resolved')]).toEqual([3, 2, 5, 10, null])
    expect(await changes.take()).toEqual(['lists'])
  })

  it('counts a visitor message in a conversation I do not have open as unread, once', () => {
    const { d } = signedIn()
    const c = conv({ lastSeq: 2 })
    d.handleFrame({ type: 'message', message: msg('m2', 2), conversation: c })
    expect(d.lists.unreadOf('c1')).toBe(1)
    d.handleFrame({ type: 'message', message: msg('m3', 3), conversation: { ...c, lastSeq: 3 } })
    expect(d.lists.unreadTotal).toBe(2)
    // My own reply and a resolved conversation's message are nobody's unread.
    d.handleFrame({ type: 'message', message: msg('m4', 4, { authorType: 'agent', authorId: 'me' }), conversation: { ...c, lastSeq: 4 } })
    expect(d.lists.unreadTotal).toBe(2)
    d.handleFrame({ type: 'read', conversationId: 'c1', seq: 4, unread: 0 })
    expect(d.lists.unreadTotal).toBe(0)
  })

  it('narrows Unassigned to my groups when asked', () => {
    const { d } = signedIn()
    d.settings.groups = [
      { id: 'g1', key: 'sales', name: 'Sales', memberIds: ['me'] },
      { id: 'g2', key: 'support', name: 'Support', memberIds: ['x'] },
    ]
    d.lists.upsert(conv({ id: 'a', group: { id: 'g1', name: 'Sales' } }))
    d.lists.upsert(conv({ id: 'b', group: { id: 'g2', name: 'Support' } }))
    d.lists.myGroupsOnly = true
    expect(d.lists.list('unassigned').map((c) => c.id)).toEqual(['a'])
    // and counts the ones waiting in my groups, not everyone's
    d.handleFrame({ type: 'counts', counts: { unassigned: 6, unassignedByGroup: { g1: 2, g2: 3, '': 1 }, byAssignee: {} } })
    expect(d.lists.countOf('unassigned')).toBe(2)
    d.lists.myGroupsOnly = false
    expect(d.lists.countOf('unassigned')).toBe(6)
  })

  it('keeps the visitor name in its conversations when the visitor is renamed', () => {
    const { d } = signedIn()
    d.lists.upsert(conv({ id: 'a' }))
    d.lists.upsert(conv({ id: 'b', visitor: { id: 'v2', number: 2, name: null, email: null } }))
    d.lists.visitorChanged(visitor({ name: 'Jana', email: 'jana@example.test' }))
    expect(d.lists.get('a')?.visitor.name).toBe('Jana')
    expect(d.lists.get('b')?.visitor.name).toBeNull()
  })

  it('reads Resolved when it is opened while Unassigned is still loading, and shows each list its own state', async () => {
    const api = new HeldApi(NOWHERE)
    const d = new Dashboard(api, ['en'])
    d.session.signedIn(me, 'csrf')
    const unassigned = d.lists.loadList('unassigned')
    expect(d.lists.listLoading).toBe(true)
    const resolved = d.lists.setView('resolved')
    await settle()
    // Both lists are read; before, the second read was dropped while the first was under way.
    expect(api.reads).toEqual(['unassigned', 'resolved'])
    expect(d.lists.listLoading).toBe(true)
    api.answer('resolved', [conv({ id: 'r1', status: 'resolved', resolvedAt: '2026-11-30T09:05:00.000Z' })])
    await resolved
    expect(d.lists.list('resolved').map((c) => c.id)).toEqual(['r1'])
    expect(d.lists.listLoading).toBe(false) // Unassigned still loads, but Resolved is on screen
    // Opened again meanwhile: the read under way is waited for, not repeated.
    const again = d.lists.loadList('unassigned')
    expect(api.reads).toEqual(['unassigned', 'resolved'])
    api.answer('unassigned', [conv({ id: 'u1' })])
    await Promise.all([unassigned, again])
    expect(d.lists.list('unassigned').map((c) => c.id)).toEqual(['u1'])
    expect(d.lists.list('resolved').map((c) => c.id)).toEqual(['r1'])
  })
})
