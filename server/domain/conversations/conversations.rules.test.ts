import { describe, expect, it } from 'bun:test'
import { applyEffect, canAssign, canResolve, changesOf, effectOf, requiredOwner, sameEffect, type ConversationState } from './conversations.rules.ts'

const earlier = new Date('2026-01-01T10:00:00Z')
const now = new Date('2026-01-01T10:05:00Z')
const visitor = { type: 'visitor', id: 'visitor-1' } as const
const agent = { type: 'agent', id: 'agent-1' } as const

const open = (over: Partial<ConversationState> = {}): ConversationState => ({
  status: 'open',
  assigneeId: null,
  waitingSince: null,
  resolvedAt: null,
  resolvedBy: null,
  lastMessageAuthor: 'agent',
  lastMessageAt: earlier,
  ...over,
})
const resolved = (over: Partial<ConversationState> = {}) =>
  open({ status: 'resolved', resolvedAt: earlier, resolvedBy: 'agent-2', assigneeId: 'agent-2', ...over })

describe("a visitor's message", () => {
  it('reopens a resolved conversation, clearing who resolved it and when', () => {
    const after = applyEffect(resolved(), effectOf(visitor), now)
    expect(after).toMatchObject({ status: 'open', resolvedAt: null, resolvedBy: null, assigneeId: 'agent-2' })
  })

  it('reports the reopening, and nothing on an open conversation', () => {
    expect(changesOf({ status: 'resolved', assigneeId: 'agent-2' }, effectOf(visitor))).toEqual(['reopened'])
    expect(changesOf({ status: 'open', assigneeId: null }, effectOf(visitor))).toEqual([])
  })

  it('starts the wait for an agent, and keeps the start of a wait already running', () => {
    expect(applyEffect(open(), effectOf(visitor), now).waitingSince).toEqual(now)
    expect(applyEffect(open({ waitingSince: earlier }), effectOf(visitor), now).waitingSince).toEqual(earlier)
  })

  it('becomes the last activity and leaves the assignee alone', () => {
    const after = applyEffect(open({ assigneeId: null }), effectOf(visitor), now)
    expect(after).toMatchObject({ lastMessageAuthor: 'visitor', lastMessageAt: now, assigneeId: null })
  })

  it("may go only into the visitor's own conversation", () => {
    expect(requiredOwner(visitor)).toBe('visitor-1')
  })
})

describe("an agent's message", () => {
  it('takes an unassigned conversation and reports it', () => {
    expect(applyEffect(open(), effectOf(agent), now).assigneeId).toBe('agent-1')
    expect(changesOf({ status: 'open', assigneeId: null }, effectOf(agent))).toEqual(['assigned'])
  })

  it("leaves someone else's assignment as it is", () => {
    expect(applyEffect(open({ assigneeId: 'agent-2' }), effectOf(agent), now).assigneeId).toBe('agent-2')
    expect(changesOf({ status: 'open', assigneeId: 'agent-2' }, effectOf(agent))).toEqual([])
  })

  it('ends the wait and becomes the last activity', () => {
    expect(applyEffect(open({ waitingSince: earlier }), effectOf(agent), now)).toMatchObject({
      waitingSince: null,
      lastMessageAuthor: 'agent',
      lastMessageAt: now,
    })
  })

  it('does not reopen a resolved conversation', () => {
    expect(applyEffect(resolved(), effectOf(agent), now)).toMatchObject({ status: 'resolved', resolvedAt: earlier, resolvedBy: 'agent-2' })
  })

  it('may go into any conversation', () => {
    expect(requiredOwner(agent)).toBeNull()
  })
})

describe('several messages stored together', () => {
  it('do what their first does: one effect stands for one author’s messages in a row', () => {
    for (const author of [visitor, agent]) {
      for (const start of [open(), open({ waitingSince: earlier }), resolved(), resolved({ assigneeId: null })]) {
        const once = applyEffect(start, effectOf(author), now)
        expect(applyEffect(once, effectOf(author), now)).toEqual(once)
      }
    }
    expect(sameEffect(effectOf(visitor), effectOf({ type: 'visitor', id: 'visitor-2' }))).toBe(true)
    expect(sameEffect(effectOf(agent), effectOf({ type: 'agent', id: 'agent-2' }))).toBe(false)
    expect(sameEffect(effectOf(agent), effectOf(visitor))).toBe(false)
  })

  it("report 'created' when the message opened the conversation", () => {
    expect(changesOf('created', effectOf(visitor))).toEqual(['created'])
  })
})

describe('who may resolve and assign', () => {
  const limited = { id: 'me', role: 'limited' } as const
  it('lets the assignee, full access and the owner resolve, and no other limited agent', () => {
    expect(canResolve(limited, { assigneeId: 'me' })).toBe(true)
    expect(canResolve(limited, { assigneeId: 'colleague' })).toBe(false)
    expect(canResolve(limited, { assigneeId: null })).toBe(false)
    expect(canResolve({ id: 'me', role: 'full' }, { assigneeId: 'colleague' })).toBe(true)
    expect(canResolve({ id: 'me', role: 'owner' }, { assigneeId: null })).toBe(true)
  })

  it('lets a limited agent take an unassigned conversation and hand over or give up only their own', () => {
    expect(canAssign(limited, { assigneeId: null }, 'me')).toBe(true)
    expect(canAssign(limited, { assigneeId: null }, 'colleague')).toBe(false)
    expect(canAssign(limited, { assigneeId: 'me' }, 'colleague')).toBe(true)
    expect(canAssign(limited, { assigneeId: 'me' }, null)).toBe(true)
    expect(canAssign(limited, { assigneeId: 'colleague' }, 'me')).toBe(false)
    expect(canAssign({ id: 'me', role: 'full' }, { assigneeId: 'colleague' }, 'other')).toBe(true)
  })
})
