import type { Db } from '../../db/client.ts'
import type { ConversationEventData, ConversationEventKind, ConversationEventView } from './conversation-events.types.ts'

interface Row {
  id: string
  conversationId: string
  kind: ConversationEventKind
  actorAgentId: string | null
  actorName: string | null
  agentId: string | null
  agentName: string | null
  afterSeq: number
  data: ConversationEventData
  createdAt: Date
}

const toView = (r: Row): ConversationEventView => ({
  id: r.id,
  conversationId: r.conversationId,
  kind: r.kind,
  actor: r.actorName !== null ? { id: r.actorAgentId, name: r.actorName } : null,
  agent: r.agentName !== null ? { id: r.agentId, name: r.agentName } : null,
  afterSeq: r.afterSeq,
  data: r.data,
  createdAt: r.createdAt,
})

/**
 * Inserts one event; the names are read from the agents now (a history keeps the name as it was).
 * afterSeq null: after the conversation's last message at this moment.
 */
export async function insertEvent(
  db: Db,
  e: { id: string; conversationId: string; kind: ConversationEventKind; actorAgentId: string | null; agentId: string | null; data: ConversationEventData; afterSeq: number | null },
): Promise<ConversationEventView | null> {
  const [row] = await db<Row[]>`
    insert into conversation_events (id, conversation_id, kind, actor_agent_id, actor_name, agent_id, agent_name, after_seq, data)
    select ${e.id}, c.id, ${e.kind}, ${e.actorAgentId}, (select name from agents where id = ${e.actorAgentId}),
      ${e.agentId}, (select name from agents where id = ${e.agentId}), coalesce(${e.afterSeq}::int, c.last_seq), ${db.json(e.data)}
    from conversations c where c.id = ${e.conversationId}
    returning *`
  return row ? toView(row) : null
}

export async function findEvent(db: Db, id: string): Promise<ConversationEventView | null> {
  const [row] = await db<Row[]>`select * from conversation_events where id = ${id}`
  return row ? toView(row) : null
}

/** The conversation's latest events (at most `limit`), in thread order. */
export async function listEvents(db: Db, conversationId: string, limit: number): Promise<ConversationEventView[]> {
  const rows = await db<Row[]>`
    select * from (
      select * from conversation_events where conversation_id = ${conversationId}
      order by after_seq desc, created_at desc, id desc limit ${limit}
    ) x order by after_seq, created_at, id`
  return rows.map(toView)
}
