// The same rules the server enforces (server/domain/conversations/conversations.rules.ts),
// used only to hide what the agent may not do; the server refuses it anyway.
import type { Agent } from '../shared/types.ts'
import type { Conversation } from '../../server/realtime/wire.ts'

type Who = Pick<Agent, 'id' | 'role'>

const full = (a: Who) => a.role === 'owner' || a.role === 'full'

/** Resolve and reopen: the assignee, an agent with full access, or the owner. */
export function canResolve(me: Who, c: Pick<Conversation, 'assignee'>): boolean {
  return full(me) || c.assignee?.id === me.id
}

/** Assign to `target` (null = unassign). */
export function canAssign(me: Who, c: Pick<Conversation, 'assignee'>, target: string | null): boolean {
  if (full(me)) return true
  if (!c.assignee) return target === me.id
  return c.assignee.id === me.id
}

export function canTake(me: Who, c: Pick<Conversation, 'assignee' | 'status'>): boolean {
  return c.status === 'open' && c.assignee?.id !== me.id && canAssign(me, c, me.id)
}

export const isOwner = (me: Who | null | undefined): boolean => me?.role === 'owner'

/** Transfer to a group (#16): the assignee, anyone while unassigned, or an agent with full access. */
export function canTransfer(me: Who, c: Pick<Conversation, 'assignee'>): boolean {
  return full(me) || !c.assignee || c.assignee.id === me.id
}
