// The rules of a conversation, written once: what a visitor's or an agent's message does to it,
// which changes the dashboards are told of, and who may resolve or assign it. Pure functions: the
// append statement applies the description `effectOf` returns (conversations.sql.ts), and
// `applyEffect` says in TypeScript what that SQL does, so the two are tested against each other.
import type { Actor } from '../agents/agents.usecases.ts'
import type { AuthorType, ConversationChange, ConversationStatus } from './conversations.types.ts'

/** Who wrote a message. */
// An agent's id is null for a reply written outside Parley (in Meta's own inbox for a page).
export type Author = { type: 'visitor'; id: string } | { type: 'agent'; id: string | null }

/** The part of a conversation that a message changes. */
export interface ConversationState {
  status: ConversationStatus
  assigneeId: string | null
  waitingSince: Date | null
  resolvedAt: Date | null
  resolvedBy: string | null
  lastMessageAuthor: AuthorType | null
  lastMessageAt: Date
}

/**
 * What a message does to its conversation. Messages by the same author have the same effect and
 * applying it twice is applying it once, so one effect also stands for several messages of one
 * author stored together.
 */
export interface MessageEffect {
  author: 'visitor' | 'agent'
  /** A visitor's message reopens a resolved conversation, in the message's own statement. */
  reopens: boolean
  /** 'start': the conversation waits for an agent from now on, unless it already waits; 'end': it was answered. */
  waiting: 'start' | 'end'
  /** An agent answering an unassigned conversation takes it. */
  takenBy: string | null
}

export function effectOf(author: Author): MessageEffect {
  if (author.type === 'visitor') return { author: 'visitor', reopens: true, waiting: 'start', takenBy: null }
  return { author: 'agent', reopens: false, waiting: 'end', takenBy: author.id }
}

export const sameEffect = (a: MessageEffect, b: MessageEffect): boolean =>
  a.author === b.author && a.reopens === b.reopens && a.waiting === b.waiting && a.takenBy === b.takenBy

/** The conversation after a message with this effect, written at `at`: what the append statement does. */
export function applyEffect(c: ConversationState, e: MessageEffect, at: Date): ConversationState {
  const reopen = e.reopens && c.status === 'resolved'
  return {
    status: reopen ? 'open' : c.status,
    resolvedAt: reopen ? null : c.resolvedAt,
    resolvedBy: reopen ? null : c.resolvedBy,
    waitingSince: e.waiting === 'start' ? (c.waitingSince ?? at) : null,
    assigneeId: c.assigneeId ?? e.takenBy,
    lastMessageAuthor: e.author,
    lastMessageAt: at,
  }
}

/**
 * What the dashboards are told about a message's conversation: 'created' when the message opened
 * it, else 'reopened' and/or 'assigned' when the message did that. Only the first of several
 * messages stored together can change anything; for the others, pass the state after the first.
 */
export function changesOf(before: { status: ConversationStatus; assigneeId: string | null } | 'created', e: MessageEffect): ConversationChange[] {
  if (before === 'created') return ['created']
  const out: ConversationChange[] = []
  if (e.reopens && before.status === 'resolved') out.push('reopened')
  if (e.takenBy !== null && before.assigneeId === null) out.push('assigned')
  return out
}

/**
 * A visitor may write only in their own conversation; an agent in any. Someone else's conversation
 * is answered exactly like a missing one. Returns whose conversation it must be (null: anyone's).
 */
export function requiredOwner(author: Author): string | null {
  return author.type === 'visitor' ? author.id : null
}

type Who = Pick<Actor, 'id' | 'role'>
interface Assigned {
  assigneeId: string | null
}

export const hasFullAccess = (a: Pick<Actor, 'role'>): boolean => a.role === 'owner' || a.role === 'full'

/** Resolve (and reopen): the assignee, an agent with full access, or the owner. The UI only hides the button. */
export function canResolve(actor: Who, conv: Assigned): boolean {
  return hasFullAccess(actor) || conv.assigneeId === actor.id
}

/**
 * Assign to `target` (null = unassign). Full access and the owner may assign anything to anyone.
 * A limited agent may take an unassigned conversation, and hand over or give up their own.
 */
export function canAssign(actor: Who, conv: Assigned, target: string | null): boolean {
  if (hasFullAccess(actor)) return true
  if (conv.assigneeId === null) return target === actor.id
  return conv.assigneeId === actor.id
}

/** Who may hand a conversation on to a group (#16): as for assigning it to someone else. */
export function canTransfer(actor: Who, conv: Assigned): boolean {
  return hasFullAccess(actor) || conv.assigneeId === null || conv.assigneeId === actor.id
}
