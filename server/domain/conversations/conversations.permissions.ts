// Who may do what with a conversation. The server enforces these; the UI only hides buttons.
import type { Role } from '../agents/agents.repo.ts'

interface Who {
  id: string
  role: Role
}
interface Conv {
  assigneeId: string | null
}

const full = (a: Who) => a.role === 'owner' || a.role === 'full'

/** Resolve (and reopen): the assignee, an agent with full access, or the owner. */
export function canResolve(actor: Who, conv: Conv): boolean {
  return full(actor) || conv.assigneeId === actor.id
}

/**
 * Assign to `target` (null = unassign). Full access and the owner may assign anything to anyone.
 * A limited agent may take an unassigned conversation, and hand over or give up their own.
 */
export function canAssign(actor: Who, conv: Conv, target: string | null): boolean {
  if (full(actor)) return true
  if (conv.assigneeId === null) return target === actor.id
  return conv.assigneeId === actor.id
}
