// The store's pure rules: which list a conversation belongs to, message merging, and the
// permission helpers that hide buttons (mirroring server/domain/conversations/conversations.rules.ts).
import { describe, expect, it } from 'bun:test'
import { merge, viewOf } from './store.ts'
import { canAssign, canResolve, canTake } from './permissions.ts'
import type { Conversation, Message } from '../../server/realtime/wire.ts'

const conv = (over: Partial<Conversation>): Conversation => ({
  id: 'c1',
  channel: 'web',
  status: 'open',
  visitor: { id: 'v1', number: 1, name: null, email: null },
  assignee: null,
  lastSeq: 1,
  lastMessage: { preview: 'hi', at: new Date().toISOString(), author: 'visitor', agent: null },
  waitingSince: null,
  createdAt: new Date().toISOString(),
  resolvedAt: null,
  resolvedBy: null,
  rating: null,
  tags: [],
  group: null,
  ...over,
})

const msg = (id: string, seq: number): Message => ({
  id,
  conversationId: 'c1',
  seq,
  authorType: 'visitor',
  authorId: null,
  authorName: null,
  body: id,
  clientId: null,
  channel: 'web',
  deliveryStatus: 'received',
  deliveryCode: null,
  deliveryError: null,
  createdAt: new Date().toISOString(),
  attachments: [],
})

describe('dashboard store rules', () => {
  it('puts a conversation in Unassigned, Mine, Others or Resolved', () => {
    expect(viewOf(conv({}), 'me')).toBe('unassigned')
    expect(viewOf(conv({ assignee: { id: 'me', name: 'Me' } }), 'me')).toBe('mine')
    expect(viewOf(conv({ assignee: { id: 'x', name: 'X' } }), 'me')).toBe('others')
    expect(viewOf(conv({ status: 'resolved', assignee: { id: 'me', name: 'Me' } }), 'me')).toBe('resolved')
  })

  it('merges messages by id in sequence order, without duplicates', () => {
    const merged = merge([msg('a', 1), msg('c', 3)], [msg('b', 2), msg('c', 3)])
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c'])
  })

  it('shows Resolve only to the assignee, full access and the owner', () => {
    const theirs = conv({ assignee: { id: 'colleague', name: 'C' } })
    expect(canResolve({ id: 'me', role: 'limited' }, theirs)).toBe(false)
    expect(canResolve({ id: 'colleague', role: 'limited' }, theirs)).toBe(true)
    expect(canResolve({ id: 'me', role: 'full' }, theirs)).toBe(true)
    expect(canResolve({ id: 'me', role: 'owner' }, theirs)).toBe(true)
    expect(canTake({ id: 'me', role: 'limited' }, theirs)).toBe(false)
    expect(canTake({ id: 'me', role: 'limited' }, conv({}))).toBe(true)
    expect(canAssign({ id: 'me', role: 'limited' }, conv({}), 'colleague')).toBe(false)
  })
})
