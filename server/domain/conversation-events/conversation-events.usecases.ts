// Recording and reading system events (the kinds are documented in conversation-events.types.ts).
// A use case records an event in the transaction of the change it describes, and announces it
// after commit with announceConversationEvent, so every dashboard shows it live; nothing here
// ever goes to the visitor.
import type { Db } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import * as repo from './conversation-events.repo.ts'
import { CONVERSATION_EVENT_KINDS, type ConversationEventView, type NewConversationEvent } from './conversation-events.types.ts'

export type { ConversationEventKind, ConversationEventView, NewConversationEvent } from './conversation-events.types.ts'
export { CONVERSATION_EVENT_KINDS } from './conversation-events.types.ts'

const MAX_DATA_CHARS = 1000

/**
 * Records a system event in the caller's transaction: `recordConversationEvent(tx, {
 * conversationId, kind, actorAgentId, agentId?, data? })`. Answers the stored event (null when
 * the conversation does not exist) for the caller to announce once committed.
 */
export async function recordConversationEvent(tx: Db, e: NewConversationEvent): Promise<ConversationEventView | null> {
  if (!CONVERSATION_EVENT_KINDS.includes(e.kind)) throw new Error(`unknown conversation event kind ${JSON.stringify(e.kind)}`)
  const data = e.data ?? {}
  if (JSON.stringify(data).length > MAX_DATA_CHARS) throw new Error(`conversation event data is limited to ${MAX_DATA_CHARS} characters`)
  return repo.insertEvent(tx, {
    id: newId(),
    conversationId: e.conversationId,
    kind: e.kind,
    actorAgentId: e.actorAgentId ?? null,
    agentId: e.agentId ?? null,
    data,
    afterSeq: e.afterSeq ?? null,
  })
}

/** Tells every dashboard (on every process) of events that are committed. */
export function announceConversationEvents(deps: { bus: EventBus }, events: readonly (ConversationEventView | null)[]): void {
  for (const event of events) if (event) deps.bus.emit('conversation.event', { event })
}

/** The conversation's history of events, in thread order (the latest 500). */
export async function listConversationEvents(deps: { sql: Db }, conversationId: string): Promise<ConversationEventView[]> {
  return repo.listEvents(deps.sql, conversationId, 500)
}

export async function findConversationEvent(deps: { sql: Db }, id: string): Promise<ConversationEventView | null> {
  return isUuid(id) ? repo.findEvent(deps.sql, id) : null
}
