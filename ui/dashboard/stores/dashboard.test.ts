// The composition root: which stores each server frame changes (so an element re-renders only
// when the store it reads changes), the moments that span stores (opening a conversation, a
// reconnect, signing out), and the events the notifier listens to.
import { describe, expect, it } from 'bun:test'
import type { ServerFrame } from '../../../server/realtime/wire.ts'
import { MentionEvent, SessionEndedEvent, VisitorMessageEvent } from './dashboard.ts'
import { conv, msg, settle, signedIn, signedInHeld, visitor, watch } from './stores.testing.ts'

const note = { id: 'n1', conversationId: 'c1', authorId: 'jana', authorName: 'Jana', body: '@Alex look', mentions: ['me'], clientId: null, createdAt: '2026-11-30T09:01:00.000Z' }

describe('the dashboard composition root', () => {
  it('routes a visitor message to the thread and the lists, not to the visitor card, and tells the notifier', async () => {
    const { d } = signedIn()
    d.lists.upsert(conv())
    d.thread.threads.set('c1', { messages: [msg('a', 1)], loading: false, error: null, hasEarlier: false })
    const heard: string[] = []
    d.addEventListener(VisitorMessageEvent.type, (e) => heard.push((e as VisitorMessageEvent).message.id))
    const changes = await watch(d)
    d.handleFrame({ type: 'message', message: msg('b', 2), conversation: conv({ lastSeq: 2, lastMessage: { preview: 'b', at: '2026-11-30T09:02:00.000Z', author: 'visitor', agent: null } }) })
    expect(await changes.take()).toEqual(['lists', 'thread'])
    expect(heard).toEqual(['b'])
    expect(d.lists.get('c1')?.lastMessage.preview).toBe('b')
    expect(d.lists.unreadOf('c1')).toBe(1)
  })

  it('routes typing to the thread store alone, and an agent status to the session store alone', async () => {
    const { d } = signedIn()
    d.lists.upsert(conv())
    const changes = await watch(d)
    d.handleFrame({ type: 'typing', conversationId: 'c1', from: 'visitor', typing: true })
    expect(await changes.take()).toEqual(['thread'])
    d.handleFrame({ type: 'presence', presence: { agentId: 'jana', presence: 'away', status: 'away', connected: true } })
    expect(await changes.take()).toEqual(['session'])
    d.handleFrame({ type: 'counts', counts: { unassigned: 1, unassignedByGroup: { '': 1 }, byAssignee: {} } })
    expect(await changes.take()).toEqual(['lists'])
    d.handleFrame({ type: 'note', note })
    expect(await changes.take()).toEqual(['team'])
  })

  it('drops a colleague who went offline from the collision line as well as marking them offline', async () => {
    const { d } = signedIn()
    d.handleFrame({ type: 'viewing', conversationId: 'c1', agentId: 'jana', agentName: 'Jana', viewing: true, hello: false })
    expect(d.thread.story.colleaguesIn('c1').map((c) => c.name)).toEqual(['Jana'])
    const changes = await watch(d)
    d.handleFrame({ type: 'presence', presence: { agentId: 'jana', presence: 'offline', status: 'online', connected: false } })
    expect(d.thread.story.colleaguesIn('c1')).toEqual([])
    expect(await changes.take()).toEqual(['session', 'thread'])
  })

  it('hands mentions and the end of the session to their listeners', () => {
    const { d } = signedIn()
    const heard: string[] = []
    d.addEventListener(MentionEvent.type, (e) => heard.push(`mention:${(e as MentionEvent).note.id}`))
    d.addEventListener(SessionEndedEvent.type, (e) => heard.push(`ended:${(e as SessionEndedEvent).reason}`))
    d.handleFrame({ type: 'mention', note, conversation: conv() })
    d.handleFrame({ type: 'session.ended', reason: 'revoked' })
    expect(heard).toEqual(['mention:n1', 'ended:revoked'])
    expect(d.team.mentions.map((m) => m.note.id)).toEqual(['n1'])
  })

  it('has a route for every frame a dashboard acts on, and lets the others pass without a change', async () => {
    const { d } = signedIn()
    const acted: ServerFrame['type'][] = ['message', 'message.updated', 'conversation', 'counts', 'conversation.event', 'read', 'typing', 'presence', 'viewing', 'visitor', 'visitor.presence', 'ack', 'error', 'session.ended', 'note', 'mention']
    expect(Object.keys(d.routes).sort()).toEqual([...acted].sort())
    const changes = await watch(d)
    d.handleFrame({ type: 'hello', role: 'agent', id: 'me', nodeId: 'n' })
    d.handleFrame({ type: 'pong' })
    d.handleFrame({ type: 'resumed', conversationId: 'c1', lastSeq: 3 })
    expect(await changes.take()).toEqual([])
  })

  it('after a reconnect keeps only the conversation on screen, asks for what its thread missed, and keeps the unsent replies for the socket to send again', async () => {
    const { d, sent } = signedIn()
    d.lists.upsert(conv())
    d.lists.upsert(conv({ id: 'c2' }))
    d.lists.setSelected('c1')
    d.thread.threads.set('c1', { messages: [msg('a', 1), msg('b', 2)], loading: false, error: null, hasEarlier: false })
    d.thread.threads.set('c2', { messages: [], loading: false, error: null, hasEarlier: false })
    d.thread.sendMessage('c1', 'written while offline')
    sent.length = 0
    d.onSocketOpen(true)
    expect([...d.lists.conversations.keys()]).toEqual(['c1'])
    expect([...d.thread.threads.keys()]).toEqual(['c1'])
    expect(sent).toContainEqual({ type: 'resume', conversationId: 'c1', afterSeq: 2 })
    expect(sent).toContainEqual({ type: 'viewing', conversationId: 'c1', hello: true })
    expect(d.unsent().map((f) => f.type === 'message.send' && f.body)).toEqual(['written while offline'])
  })

  it('after a reconnect reads the list again even when a read of it from before the drop is still under way', async () => {
    const { d, api } = signedInHeld()
    const before = d.lists.loadList('unassigned')
    await settle()
    d.onSocketOpen(true)
    await settle()
    expect(api.reads.filter((r) => r === 'unassigned')).toHaveLength(1) // the old read is followed, not reused
    api.answer('unassigned', [])
    await before
    await settle()
    expect(api.reads.filter((r) => r === 'unassigned')).toHaveLength(2)
    api.answer('unassigned', [])
  })

  it('opens a conversation no list holds by fetching it, and shows in its thread why that failed', async () => {
    const { d } = signedIn()
    await d.select('0190b4c2-0000-7000-8000-000000000001')
    expect(d.lists.selectedId).toBe('0190b4c2-0000-7000-8000-000000000001')
    expect(d.thread.threads.get('0190b4c2-0000-7000-8000-000000000001')?.error).toBe(d.session.t('error.network'))
  })

  it('forgets everything of the agent when they sign out', async () => {
    const { d } = signedIn()
    d.lists.upsert(conv())
    d.visitor.apply(visitor())
    d.thread.sendMessage('c1', 'x')
    d.handleFrame({ type: 'mention', note, conversation: conv() })
    const changes = await watch(d)
    d.signedOut()
    expect([d.session.me, d.lists.conversations.size, d.thread.pending.size, d.visitor.visitors.size, d.team.mentions.length]).toEqual([null, 0, 0, 0, 0])
    expect(await changes.take()).toEqual(['lists', 'session', 'team', 'thread', 'visitor'])
  })
})
