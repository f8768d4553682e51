import type { Db, Sql, TxSql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import { findAgent, type Actor } from '../agents/agents.usecases.ts'
import * as repo from './conversations.repo.ts'
import type { Channel, ConversationChange, ConversationRow, ConversationView, Counts, Page, View } from './conversations.types.ts'
import { canAssign, canResolve, canTransfer } from './conversations.rules.ts'
import { announceConversationEvents, recordConversationEvent, type ConversationEventView } from '../conversation-events/conversation-events.usecases.ts'
import { forVisitor } from './conversations.sql.ts'
import { findGroup } from '../groups/groups.usecases.ts'

export { forVisitor }

export interface ConversationDeps {
  sql: Sql
  bus: EventBus
}

const notFound = () => new AppError('conversation.not_found', 404, 'conversation not found')

export async function getConversation(deps: ConversationDeps, id: string): Promise<ConversationView> {
  const view = await findConversation(deps, id)
  if (!view) throw notFound()
  return view
}

/** A visitor may see only their own conversations; anything else is "not found". */
export async function getVisitorConversation(deps: ConversationDeps, visitorId: string, id: string): Promise<ConversationView> {
  const view = await findConversation(deps, id)
  if (!view || view.visitor.id !== visitorId) throw notFound()
  return forVisitor(view)
}

/** The conversation's view, or null when there is none (an id that is not a UUID names none). */
export async function findConversation(deps: { sql: Db }, id: string): Promise<ConversationView | null> {
  return isUuid(id) ? repo.findView(deps.sql, id) : null
}

/** Several conversations' views by id, in no particular order; ids that are not UUIDs name nothing. */
export async function findConversations(deps: { sql: Db }, ids: string[]): Promise<ConversationView[]> {
  const valid = [...new Set(ids)].filter(isUuid)
  return valid.length ? repo.findViews(deps.sql, valid) : []
}

/**
 * For a message that names no conversation: the visitor's latest on the channel (locked until the
 * transaction ends), or a new one. Runs in the caller's transaction, so the conversation and the
 * message commit together.
 */
export async function conversationForMessage(tx: TxSql, visitorId: string, channel: Channel): Promise<{ id: string; created: boolean }> {
  const latest = await repo.latestForVisitor(tx, visitorId, channel)
  if (latest) return { id: latest.id, created: false }
  const created = await repo.insertConversation(tx, { id: newId(), visitorId, channel })
  return { id: created.id, created: true }
}

export async function listVisitorConversations(deps: ConversationDeps, visitorId: string): Promise<ConversationView[]> {
  return repo.listForVisitor(deps.sql, visitorId)
}

const VIEWS: readonly View[] = ['unassigned', 'mine', 'others', 'all', 'resolved']

export async function listConversations(
  deps: ConversationDeps,
  actor: Actor,
  q: { view: string; cursor?: string; limit?: number; myGroups?: boolean },
): Promise<Page> {
  if (!VIEWS.includes(q.view as View)) {
    throw new AppError('request.invalid_view', 400, `view must be one of ${VIEWS.join(', ')}`, { field: 'view' })
  }
  let cursor = null
  if (q.cursor !== undefined) {
    cursor = repo.decodeCursor(q.cursor)
    if (!cursor) throw new AppError('request.invalid_cursor', 400, 'cursor is not valid', { field: 'cursor' })
  }
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200)
  return repo.listView(deps.sql, q.view as View, actor.id, limit, cursor, q.myGroups === true)
}

export async function counts(deps: { sql: Db }): Promise<Counts> {
  return repo.openCounts(deps.sql)
}

async function change(
  deps: ConversationDeps,
  id: string,
  work: (tx: TxSql, conv: ConversationRow) => Promise<{ change: ConversationChange; event: ConversationEventView | null } | null>,
): Promise<ConversationView> {
  const what = await deps.sql.begin(async (tx) => {
    const conv = await repo.lockConversation(tx, id)
    if (!conv) throw notFound()
    return work(tx, conv)
  })
  const conversation = await getConversation(deps, id)
  if (what) {
    // The thread's line first, then the change: a dashboard shows both in the order they happened.
    announceConversationEvents(deps, [what.event])
    deps.bus.emit('conversation.changed', { conversation, change: what.change })
  }
  return conversation
}

/** The history's word for a change of assignee (conversation-events.types.ts). */
function assignmentEvent(actorId: string, from: string | null, to: string | null) {
  if (to === null) return { kind: 'unassigned' as const, agentId: null, from }
  if (from === null) return { kind: to === actorId ? ('taken' as const) : ('assigned' as const), agentId: to, from }
  return { kind: 'transferred' as const, agentId: to, from }
}

/** Assign to an agent (null unassigns). Taking is assigning to oneself. */
export async function assign(deps: ConversationDeps, actor: Actor, id: string, agentId: string | null): Promise<ConversationView> {
  return change(deps, id, async (tx, conv) => {
    if (!canAssign(actor, conv, agentId)) {
      throw new AppError('conversation.forbidden', 403, 'you may not assign this conversation')
    }
    if (agentId !== null) {
      const target = await findAgent(tx, agentId)
      if (!target || !target.active) throw new AppError('agent.not_found', 404, 'agent not found')
    }
    if (conv.assigneeId === agentId) return null
    await repo.setAssignee(tx, id, agentId)
    const e = assignmentEvent(actor.id, conv.assigneeId, agentId)
    const fromName = e.from ? ((await findAgent(tx, e.from))?.name ?? null) : null
    const event = await recordConversationEvent(tx, {
      conversationId: id,
      kind: e.kind,
      actorAgentId: actor.id,
      agentId: e.agentId,
      data: fromName ? { fromName } : {},
    })
    return { change: 'assigned' as const, event }
  })
}

/**
 * Transfer to a group (#16): the conversation waits in that group's Unassigned. Allowed to whoever
 * may hand it on: its assignee, anyone while it is unassigned, and agents with full access.
 */
export async function transferToGroup(deps: ConversationDeps, actor: Actor, id: string, groupId: string): Promise<ConversationView> {
  return change(deps, id, async (tx, conv) => {
    if (!canTransfer(actor, conv)) throw new AppError('conversation.forbidden', 403, 'you may not transfer this conversation')
    if (conv.groupId === groupId && conv.assigneeId === null) return null
    if (!isUuid(groupId)) throw groupNotFound()
    // The group's existence is the foreign key's to check: a group deleted meanwhile is "not found".
    await tx.savepoint((sp) => repo.setGroup(sp, id, groupId)).catch((e) => {
      if ((e as { code?: string }).code === '23503') throw groupNotFound()
      throw e
    })
    // The history keeps the group's name as it is now (a later rename does not rewrite it).
    const group = await findGroup({ sql: tx }, groupId)
    const event = await recordConversationEvent(tx, {
      conversationId: id,
      kind: 'transferred_to_group',
      actorAgentId: actor.id,
      data: { groupName: group?.name ?? '' },
    })
    return { change: 'assigned' as const, event }
  })
}

const groupNotFound = () => new AppError('group.not_found', 404, 'group not found')

export async function take(deps: ConversationDeps, actor: Actor, id: string): Promise<ConversationView> {
  return assign(deps, actor, id, actor.id)
}

export async function resolve(deps: ConversationDeps, actor: Actor, id: string): Promise<ConversationView> {
  return change(deps, id, async (tx, conv) => {
    if (!canResolve(actor, conv)) {
      throw new AppError('conversation.forbidden', 403, 'only the assigned agent, an agent with full access or the owner may resolve this conversation')
    }
    if (conv.status === 'resolved') return null
    await repo.setResolved(tx, id, actor.id)
    const event = await recordConversationEvent(tx, { conversationId: id, kind: 'resolved', actorAgentId: actor.id })
    return { change: 'resolved' as const, event }
  })
}

export async function reopen(deps: ConversationDeps, actor: Actor, id: string): Promise<ConversationView> {
  return change(deps, id, async (tx, conv) => {
    if (!canResolve(actor, conv)) {
      throw new AppError('conversation.forbidden', 403, 'only the assigned agent, an agent with full access or the owner may reopen this conversation')
    }
    if (conv.status === 'open') return null
    await repo.setOpen(tx, id)
    const event = await recordConversationEvent(tx, { conversationId: id, kind: 'reopened', actorAgentId: actor.id, data: { reason: 'agent' } })
    return { change: 'reopened' as const, event }
  })
}

/**
 * A new conversation where the channel's wire says a new thread began (a new e-mail, not a reply);
 * in the caller's transaction, so the channel can tie its thread records to it atomically.
 */
export async function startConversation(db: Db, c: { visitorId: string; channel: Channel }): Promise<ConversationRow> {
  return repo.insertConversation(db, { id: newId(), visitorId: c.visitorId, channel: c.channel })
}

/**
 * The agent read the conversation up to `seq` (clamped to its last message, so a number from the
 * future cannot mark messages read before they exist). Every tab of the agent, on every process,
 * is told how many of the visitor's messages are still unread there.
 */
export async function markRead(deps: ConversationDeps, actor: Actor, id: string, seq: number): Promise<repo.UnreadAnswer> {
  const conv = await getConversation(deps, id)
  const read = await repo.markRead(deps.sql, actor.id, id, Math.min(seq, conv.lastSeq))
  deps.bus.emit('conversation.read', { agentId: actor.id, conversationId: id, ...read })
  return read
}

/** The signed-in agent's unread visitor messages per open conversation, and the seq each count goes up to. */
export function unread(deps: ConversationDeps, actor: Actor): Promise<{ unread: Record<string, number>; upTo: Record<string, number> }> {
  return repo.unreadByConversation(deps.sql, actor.id)
}
