import type { Db } from '../../db/client.ts'
import type { AuthorType, Channel } from '../conversations/conversations.repo.ts'

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

export async function insertMessage(
  db: Db,
  m: {
    id: string
    conversationId: string
    seq: number
    authorType: AuthorType
    authorId: string | null
    body: string
    clientId: string | null
    channel: Channel
    deliveryStatus: DeliveryStatus
  },
): Promise<void> {
  await db`
    insert into messages (id, conversation_id, seq, author_type, author_id, body, client_id, channel, delivery_status)
    values (${m.id}, ${m.conversationId}, ${m.seq}, ${m.authorType}, ${m.authorId}, ${m.body}, ${m.clientId}, ${m.channel}, ${m.deliveryStatus})`
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
export async function setDelivery(db: Db, id: string, status: DeliveryStatus, error: string | null): Promise<boolean> {
  const rows = await db`
    update messages set delivery_status = ${status}, delivery_error = ${error}
    where id = ${id} and not (delivery_status = 'delivered' and ${status} <> 'delivered')
    returning 1`
  return rows.length > 0
}

/** Marks the conversation's agent messages up to a sequence number as delivered to the visitor. */
export async function markDeliveredUpTo(db: Db, conversationId: string, seq: number): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    update messages set delivery_status = 'delivered', delivery_error = null
    where conversation_id = ${conversationId} and seq <= ${seq} and author_type = 'agent'
      and delivery_status in ('pending', 'sent')
    returning id`
  return rows.map((r) => r.id)
}
