// The lists store on its own and as the frame router feeds it: which tab a conversation is in,
// order, live counts and unread messages.
import { describe, expect, it } from 'bun:test'
import { viewOf } from './lists.ts'
import { conv, me, msg, settle, signedIn, signedInHeld, visitor, watch } from './stores.testing.ts'

const UNREAD = '/api/conversations/unread'
const COUNTS = '/api/conversations/counts'
const counts = (unassigned: number) => ({ unassigned, byAssignee: {}, unassignedByGroup: {} })

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
    d.handleFrame({ type: 'read', conversationId: 'c1', seq: 1, unread: 1, upTo: 2 })
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
    d.handleFrame({ type: 'read', conversationId: 'c1', seq: 4, unread: 0, upTo: 4 })
    expect(d.lists.unreadTotal).toBe(0)
  })

  it('counts every visitor message once when frames cross the read of my unread counts', async () => {
    const { d, api } = signedInHeld()
    const visitorSays = (id: string, seq: number) => d.handleFrame({ type: 'message', message: msg(`${id}-${seq}`, seq, { conversationId: id }), conversation: conv({ id, lastSeq: seq }) })
    const read = d.lists.loadUnread()
    await settle()
    // While the read is under way: c1's seq 4 is in the answer, its seq 6 is not; c2's message is
    // not in it either; c3 was read in another tab after its message, before the answer was taken.
    visitorSays('c1', 4)
    visitorSays('c1', 6)
    visitorSays('c2', 1)
    visitorSays('c3', 2)
    d.handleFrame({ type: 'read', conversationId: 'c3', seq: 2, unread: 0, upTo: 2 })
    api.reply(UNREAD, { unread: { c1: 2 }, upTo: { c1: 5 } })
    await read
    expect([d.lists.unreadOf('c1'), d.lists.unreadOf('c2'), d.lists.unreadOf('c3')]).toEqual([3, 1, 0])
    // A read answered before a message we have counted since leaves that message unread.
    d.handleFrame({ type: 'read', conversationId: 'c1', seq: 5, unread: 0, upTo: 5 })
    expect(d.lists.unreadOf('c1')).toBe(1)
    // A message the counts have already is not counted again (resumed after a reconnect).
    visitorSays('c1', 6)
    expect(d.lists.unreadTotal).toBe(2)

    // Before the answers carried upTo, c1 read 2 (its crossed message lost or counted twice) and c2 read 0.
    const again = d.lists.loadUnread()
    await settle()
    visitorSays('c2', 2)
    api.reply(UNREAD, { unread: { c1: 1, c2: 1 }, upTo: { c1: 6, c2: 1 } })
    await again
    expect([d.lists.unreadOf('c1'), d.lists.unreadOf('c2')]).toEqual([1, 2])

    // A process of the previous version answers without upTo: its counts are taken as they are.
    const older = d.lists.loadUnread()
    await settle()
    api.reply(UNREAD, { unread: { c1: 4 } })
    await older
    expect([d.lists.unreadOf('c1'), d.lists.unreadOf('c2')]).toEqual([4, 0])
  })

  it('keeps a counts frame that came while the counts were read', async () => {
    const { d, api } = signedInHeld()
    const read = d.lists.loadCounts()
    await settle()
    d.handleFrame({ type: 'counts', counts: counts(2) })
    api.reply(COUNTS, counts(1))
    await read
    expect(d.lists.counts?.unassigned).toBe(2)
    // With no frame meanwhile, the answer is taken.
    const again = d.lists.loadCounts()
    await settle()
    api.reply(COUNTS, counts(3))
    await again
    expect(d.lists.counts?.unassigned).toBe(3)
  })

  it('reads the inbox once the socket is open, and again on its first open when it was read before', async () => {
    const { d, api } = signedInHeld()
    let heard = false
    const waiting = d.untilHeard(50).then(() => (heard = true))
    await settle()
    expect(heard).toBe(false) // waiting for the socket
    d.onSocketOpen(false)
    await waiting
    const inbox = d.loadInbox()
    await settle()
    expect(api.reads).toContain('unassigned')
    expect(api.reads).toContain(UNREAD)
    for (const key of [...api.held.keys()]) api.reply(key, key === 'unassigned' ? { items: [], nextCursor: null } : key === UNREAD ? { unread: {}, upTo: {} } : [])
    await inbox
    api.reads.length = 0
    d.onSocketOpen(false)
    expect(api.reads).toEqual([]) // read after the open: nothing to read again

    // A socket that fails first: the wait ends at once (not after its 60 s here), and the inbox is
    // read without it, to be read again when it opens.
    d.signedOut()
    d.session.signedIn(me, 'csrf')
    const failed = d.untilHeard(60_000)
    d.socketClosed()
    await failed
    const late = d.loadInbox()
    await settle()
    expect(api.reads).toContain('unassigned')
    api.reads.length = 0
    // The thread on screen, read without the socket too, asks for what came after its last message.
    d.lists.setSelected('c1')
    d.thread.threads.set('c1', { messages: [msg('a', 1)], loading: false, error: null, hasEarlier: false })
    const sent: unknown[] = []
    d.socket = { send: (f) => sent.push(f) > 0 }
    d.onSocketOpen(false)
    expect(sent).toContainEqual({ type: 'resume', conversationId: 'c1', afterSeq: 1 })
    await settle()
    // …and its history lines (assigned, resolved…) are read again too.
    expect(api.reads).toContain('/api/conversations/c1/events')
    api.reply('/api/conversations/c1/events', [])
    // The list's read under way is followed by a new one once it is answered.
    expect(api.reads.filter((r) => r !== '/api/conversations/c1/events')).toEqual([UNREAD])
    api.answer('unassigned', [])
    await settle()
    expect(api.reads.filter((r) => r !== '/api/conversations/c1/events')).toEqual([UNREAD, 'unassigned'])
    for (const key of [...api.held.keys()]) api.reply(key, key === 'unassigned' ? { items: [], nextCursor: null } : key === UNREAD ? { unread: {}, upTo: {} } : [])
    await late

    // A socket that neither opens nor fails within the wait: the same, after the wait.
    d.signedOut()
    d.session.signedIn(me, 'csrf')
    await d.untilHeard(20)
    api.reads.length = 0
    d.onSocketOpen(false)
    expect(api.reads).toContain(UNREAD)
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
    const { d, api } = signedInHeld()
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
