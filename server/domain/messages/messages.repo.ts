import type { Db } from '../../db/client.ts'
import type { AuthorType, Channel, ConversationStatus, ConversationView, ViewRow } from '../conversations/conversations.repo.ts'
import { toView } from '../conversations/conversations.repo.ts'

export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'failed'

export interface MessageView {
  id: string
  conversationId: string
  seq: number
  authorType: AuthorType
  authorId: string | null
  /** The agent's name for agent messages (the widget shows who answered). */
  authorName: string | null
  body: string
  clientId: string | null
  channel: Channel
  deliveryStatus: DeliveryStatus
  deliveryError: string | null
  createdAt: Date
}

const select = (db: Db) => db`
  select m.id, m.conversation_id, m.seq, m.author_type, m.author_id, a.name as author_name, m.body, m.client_id,
         m.channel, m.delivery_status, m.delivery_error, m.created_at
  from messages m left join agents a on m.author_type = 'agent' and a.id = m.author_id`

export async function findMessage(db: Db, id: string): Promise<MessageView | null> {
  const [row] = await db<MessageView[]>`${select(db)} where m.id = ${id}`
  return row ?? null
}

export async function findByClientId(db: Db, authorId: string, clientId: string): Promise<MessageView | null> {
  const [row] = await db<MessageView[]>`${select(db)} where m.author_id = ${authorId} and m.client_id = ${clientId}`
  return row ?? null
}

/** Messages after a sequence number, oldest first: the thread, or what a reconnecting client missed. */
export async function listAfter(db: Db, conversationId: string, afterSeq: number, limit: number): Promise<MessageView[]> {
  return db<MessageView[]>`
    ${select(db)} where m.conversation_id = ${conversationId} and m.seq > ${afterSeq}
    order by m.seq limit ${limit}`
}

/** The newest messages, oldest first: the first screen of a thread. */
export async function listLatest(db: Db, conversationId: string, limit: number): Promise<MessageView[]> {
  return db<MessageView[]>`
    select * from (${select(db)} where m.conversation_id = ${conversationId} order by m.seq desc limit ${limit}) x
    order by seq`
}

export async function listBefore(db: Db, conversationId: string, beforeSeq: number, limit: number): Promise<MessageView[]> {
  return db<MessageView[]>`
    select * from (${select(db)} where m.conversation_id = ${conversationId} and m.seq < ${beforeSeq}
      order by m.seq desc limit ${limit}) x
    order by seq`
}

/**
 * Records what the channel reported. Never steps back from 'delivered': the widget may confirm a
 * reply before the delivery listener gets round to recording it as sent.
 */
/** An updated message as the dashboards and the visitor's tabs are told of it. */
export type UpdatedMessage = MessageView & { visitorId: string }

// What an UPDATE … RETURNING gives back: the message's view and whose conversation it is, so
// nothing is read again to announce the change.
const updatedReturning = (db: Db) => db`
  returning id, conversation_id, seq, author_type, author_id,
    (select a.name from agents a where author_type = 'agent' and a.id = author_id) as author_name,
    body, client_id, channel, delivery_status, delivery_error, created_at,
    (select c.visitor_id from conversations c where c.id = conversation_id) as visitor_id`

export async function setDelivery(db: Db, id: string, status: DeliveryStatus, error: string | null): Promise<UpdatedMessage | null> {
  const [row] = await db<UpdatedMessage[]>`
    update messages set delivery_status = ${status}, delivery_error = ${error}
    where id = ${id} and not (delivery_status = 'delivered' and ${status} <> 'delivered')
    ${updatedReturning(db)}`
  return row ?? null
}

/** Marks the conversation's agent messages up to a sequence number as delivered to the visitor. */
export async function markDeliveredUpTo(db: Db, conversationId: string, seq: number): Promise<UpdatedMessage[]> {
  return db<UpdatedMessage[]>`
    update messages set delivery_status = 'delivered', delivery_error = null
    where conversation_id = ${conversationId} and seq <= ${seq} and author_type = 'agent'
      and delivery_status in ('pending', 'sent')
    ${updatedReturning(db)}`
}

export interface Appended {
  message: MessageView
  conversation: ConversationView
  /** The conversation before this message: what changed follows from it. */
  previous: { status: ConversationStatus; assigneeId: string | null }
}

/**
 * Appends a message to a conversation in ONE statement (the hot path of every chat): locks the
 * conversation row, takes the next sequence number, updates the list columns (preview, waiting
 * time; reopens for a visitor, takes it for an agent answering an unassigned conversation),
 * inserts the message, and returns both views, so nothing has to be read back afterwards.
 * `ownedBy` restricts it to that visitor's conversation. Null when there is no such conversation.
 */
export async function appendToConversation(
  db: Db,
  m: {
    id: string
    conversationId: string
    ownedBy: string | null
    authorType: 'visitor' | 'agent'
    authorId: string
    authorName: string | null
    body: string
    preview: string
    clientId: string | null
    /** The channel the message came by; null: the conversation's own (an agent's reply). */
    channel: Channel | null
    deliveryStatus: DeliveryStatus
  },
): Promise<Appended | null> {
  const visitor = m.authorType === 'visitor'
  const [row] = await db<(ViewRow & { previousStatus: ConversationStatus; previousAssigneeId: string | null; messageSeq: number; messageCreatedAt: Date })[]>`
    with old as (
      select id, status, assignee_id from conversations
      where id = ${m.conversationId} ${m.ownedBy ? db`and visitor_id = ${m.ownedBy}` : db``}
      for update
    ), conv as (
      update conversations c set
        last_seq = c.last_seq + 1,
        last_message_at = now(),
        last_message_preview = ${m.preview},
        last_message_author = ${m.authorType},
        waiting_since = ${visitor ? db`coalesce(c.waiting_since, now())` : db`null`},
        status = ${visitor ? db`'open'` : db`c.status`},
        resolved_at = ${visitor ? db`null` : db`c.resolved_at`},
        resolved_by = ${visitor ? db`null` : db`c.resolved_by`},
        assignee_id = ${visitor ? db`c.assignee_id` : db`coalesce(c.assignee_id, ${m.authorId}::uuid)`},
        updated_at = now()
      from old where c.id = old.id
      returning c.*, old.status as previous_status, old.assignee_id as previous_assignee_id
    ), msg as (
      insert into messages (id, conversation_id, seq, author_type, author_id, body, client_id, channel, delivery_status)
      select ${m.id}, conv.id, conv.last_seq, ${m.authorType}, ${m.authorId}, ${m.body}, ${m.clientId},
        coalesce(${m.channel}::channel_kind, conv.channel), ${m.deliveryStatus}
      from conv
      returning seq, created_at
    )
    select conv.*, msg.seq as message_seq, msg.created_at as message_created_at,
      v.number as visitor_number, v.name as visitor_name, v.email as visitor_email, a.name as assignee_name, null as sort_key
    from conv cross join msg
    join visitors v on v.id = conv.visitor_id
    left join agents a on a.id = conv.assignee_id`
  if (!row) return null
  return {
    conversation: toView(row),
    previous: { status: row.previousStatus, assigneeId: row.previousAssigneeId },
    message: {
      id: m.id,
      conversationId: row.id,
      seq: row.messageSeq,
      authorType: m.authorType,
      authorId: m.authorId,
      authorName: m.authorName,
      body: m.body,
      clientId: m.clientId,
      channel: m.channel ?? row.channel,
      deliveryStatus: m.deliveryStatus,
      deliveryError: null,
      createdAt: row.messageCreatedAt,
    },
  }
}
