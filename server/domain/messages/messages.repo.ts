import type { Db } from '../../db/client.ts'
import { applyEffectSet, toView, viewSelect, type ViewRow } from '../conversations/conversations.sql.ts'
import { sameEffect } from '../conversations/conversations.rules.ts'
import { messageEventInsert } from '../conversation-events/conversation-events.sql.ts'
import type { Channel, ConversationStatus } from '../conversations/conversations.types.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { AppendItem, AppendOutcome, DeliveryCode, DeliveryStatus, MessageView, UpdatedMessage } from './messages.types.ts'

// A message's files as the thread shows them (names, types, sizes), in order; [] for none.
const attachmentsOf = (db: Db, message: string) => db`
  coalesce((select json_agg(json_build_object('id', f.id, 'filename', f.filename, 'contentType', f.content_type, 'size', f.size)
    order by f.created_at, f.id) from attachments f where f.message_row_id = ${db(message)}), '[]'::json) as attachments`

const select = (db: Db) => db`
  select m.id, m.conversation_id, m.seq, m.author_type, m.author_id, a.name as author_name, m.body, m.client_id,
         m.channel, m.delivery_status, m.delivery_code, m.delivery_error, m.created_at, ${attachmentsOf(db, 'm.id')}
  from messages m left join agents a on m.author_type = 'agent' and a.id = m.author_id`

export async function attachmentsOfMessage(db: Db, id: string): Promise<MessageView['attachments']> {
  const [row] = await db<{ attachments: MessageView['attachments'] }[]>`select ${attachmentsOf(db, 'm.id')} from messages m where m.id = ${id}`
  return row?.attachments ?? []
}

export async function findMessage(db: Db, id: string): Promise<MessageView | null> {
  const [row] = await db<MessageView[]>`${select(db)} where m.id = ${id}`
  return row ?? null
}

/** Several messages by id, in no particular order (a missing id is left out). */
export async function findMessages(db: Db, ids: string[]): Promise<MessageView[]> {
  return db<MessageView[]>`${select(db)} where m.id = any(${ids}::uuid[])`
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

// What an UPDATE … RETURNING gives back: the message's view and whose conversation it is, so
// nothing is read again to announce the change.
const updatedReturning = (db: Db) => db`
  returning id, conversation_id, seq, author_type, author_id,
    (select a.name from agents a where author_type = 'agent' and a.id = author_id) as author_name,
    body, client_id, channel, delivery_status, delivery_code, delivery_error, created_at, ${attachmentsOf(db, 'messages.id')},
    (select c.visitor_id from conversations c where c.id = conversation_id) as visitor_id`

/**
 * Records what the channel reported. Never steps back from 'delivered': the widget may confirm a
 * reply before the delivery listener gets round to recording it as sent.
 */
export async function setDelivery(
  db: Db,
  id: string,
  status: DeliveryStatus,
  code: DeliveryCode | null,
  error: MaskedText | null,
  /** Only while the message is in this state (an attempt's outcome: only while that attempt is pending). */
  onlyWhile: DeliveryStatus | null = null,
): Promise<UpdatedMessage | null> {
  const [row] = await db<UpdatedMessage[]>`
    update messages set delivery_status = ${status}, delivery_code = ${code}, delivery_error = ${error}
    where id = ${id} and not (delivery_status = 'delivered' and ${status} <> 'delivered')
      ${onlyWhile ? db`and delivery_status = ${onlyWhile}` : db``}
    ${updatedReturning(db)}`
  return row ?? null
}

/** Marks the conversation's agent messages up to a sequence number as delivered to the visitor. */
export async function markDeliveredUpTo(db: Db, conversationId: string, seq: number): Promise<UpdatedMessage[]> {
  return db<UpdatedMessage[]>`
    update messages set delivery_status = 'delivered', delivery_code = null, delivery_error = null
    where conversation_id = ${conversationId} and seq <= ${seq} and author_type = 'agent'
      and delivery_status in ('pending', 'sent')
    ${updatedReturning(db)}`
}


type AppendRow = ViewRow & {
  // a conversation that took messages of this statement
  batchCount: number | null
  batchOrds: number[] | null
  previousStatus: ConversationStatus | null
  previousAssigneeId: string | null
  messageCreatedAt: Date | null
  // a message whose client id was stored before, with the conversation it is in
  seenOrd: number | null
  seenId: string | null
  seenSeq: number | null
  seenBody: string | null
  seenChannel: Channel | null
  seenDeliveryStatus: DeliveryStatus | null
  seenDeliveryCode: DeliveryCode | null
  seenDeliveryError: string | null
  seenCreatedAt: Date | null
}

/**
 * THE append statement: every message that enters a conversation, one or many, goes in here, in
 * ONE statement. Per message: a client id stored before is answered with the original message
 * (from the unique index, nothing written); a missing conversation or someone else's is left out;
 * the rest take the next sequence numbers of their conversation in the order given. Per
 * conversation: the row is locked once (all in id order, so two statements never deadlock), its
 * message effect applied and its list columns updated once (conversations.sql.ts).
 *
 * The caller guarantees that the client ids of one call differ and that one conversation's
 * messages share one effect (they do: the batch carries only visitors' messages, an agent's reply
 * goes alone). Nothing is ever half-stored: the statement commits all of its messages or none; a
 * concurrent retry of a client id from another process makes it fail on the unique index.
 *
 * The plan must stay linear in the batch whatever PostgreSQL guesses about row counts (a guess of
 * one row once made it re-run the duplicate check for every pair of messages): the duplicate
 * check is its own materialized step, one index probe per message (OFFSET 0 keeps PostgreSQL from
 * turning the lookup into a hash of the whole messages table, which a generic plan did);
 * conversations are found by primary key; the messages' numbers come from the locked rows, so no
 * result joins another. The answer is one row per conversation that took messages (its view, and
 * which messages by position it took, in order) and one per message seen before.
 */
export async function appendMessages(db: Db, items: readonly AppendItem[]): Promise<AppendOutcome[]> {
  if (items.length === 0) return []
  const effects = new Map<string, AppendItem['effect']>()
  for (const i of items) {
    const e = effects.get(i.conversationId)
    if (e && !sameEffect(e, i.effect)) throw new Error('messages with different effects on one conversation cannot share a statement')
    effects.set(i.conversationId, i.effect)
  }
  const conversationIds = items.map((i) => i.conversationId)
  const rows = await db<AppendRow[]>`
    -- (booleans travel as text: postgres.js would otherwise send a boolean array as one boolean)
    with input as (
      select * from unnest(
        ${items.map((i) => i.id)}::uuid[], ${conversationIds}::uuid[], ${items.map((i) => i.author.type)}::author_kind[],
        ${items.map((i) => i.author.id)}::uuid[], ${items.map((i) => i.owner)}::uuid[],
        ${items.map((i) => i.body)}::text[], ${items.map((i) => i.preview)}::text[], ${items.map((i) => i.clientId)}::text[],
        ${items.map((i) => i.channel)}::channel_kind[], ${items.map((i) => i.deliveryStatus)}::delivery_status[],
        ${items.map((i) => String(i.effect.reopens))}::text[]::bool[], ${items.map((i) => i.effect.waiting)}::text[],
        ${items.map((i) => i.effect.takenBy)}::uuid[], ${items.map((i) => i.eventId)}::uuid[],
        ${items.map((i) => i.language ?? null)}::text[]
      ) with ordinality as t(id, conversation_id, author_type, author_id, owner_id, body, preview, client_id, channel,
        delivery_status, reopens, waiting, taken_by, event_id, language, ord)
    ), checked as materialized (
      -- once per message: the message stored before under this client id (OFFSET 0 keeps it an index probe)
      select i.*, s.id as seen_id, s.conversation_id as seen_conversation_id, s.seq as seen_seq, s.body as seen_body,
        s.channel as seen_channel, s.delivery_status as seen_delivery_status, s.delivery_code as seen_delivery_code,
        s.delivery_error as seen_delivery_error,
        s.created_at as seen_created_at
      from input i left join lateral (
        select m.id, m.conversation_id, m.seq, m.body, m.channel, m.delivery_status, m.delivery_code, m.delivery_error,
          m.created_at
        from messages m where m.author_id = i.author_id and m.client_id = i.client_id offset 0
      ) s on true
    ), old as (
      select c.id, c.visitor_id, c.channel, c.status, c.assignee_id, c.last_seq from conversations c
      where c.id = any(${conversationIds}::uuid[])
      order by c.id
      for update
    ), allowed as (
      select i.*, old.channel as conversation_channel, old.status as old_status, old.assignee_id as old_assignee_id,
        old.last_seq as old_last_seq
      from checked i join old on old.id = i.conversation_id
      where i.owner_id is null or old.visitor_id = i.owner_id
    ), fresh as (
      select a.*, a.old_last_seq + row_number() over (partition by a.conversation_id order by a.ord) as seq
      from allowed a where a.seen_id is null
    ), agg as (
      select conversation_id, old_status, old_assignee_id, old_last_seq, author_type, reopens, waiting, taken_by,
        count(*)::int as k, max(seq)::int as last_seq,
        (array_agg(preview order by ord desc))[1] as preview, (array_agg(author_id order by ord desc))[1] as author_id,
        array_agg(ord::int order by ord) as ords, (array_agg(event_id order by ord))[1] as event_id
      from fresh group by conversation_id, old_status, old_assignee_id, old_last_seq, author_type, reopens, waiting, taken_by
    ), ev as (
      ${messageEventInsert(db)}
    ), conv as (
      update conversations c set ${applyEffectSet(db)}
      from agg e where c.id = e.conversation_id
      returning c.*, e.k as batch_count, e.ords as batch_ords, e.old_status as previous_status,
        e.old_assignee_id as previous_assignee_id, now() as message_created_at,
        null::int as seen_ord, null::uuid as seen_id, null::int as seen_seq, null::text as seen_body,
        null::channel_kind as seen_channel, null::delivery_status as seen_delivery_status,
        null::text as seen_delivery_code, null::text as seen_delivery_error, null::timestamptz as seen_created_at
    ), msg as (
      -- lang (search, migration 00017): the language the channel reported, else the writing agent's, else the assignee's
      insert into messages (id, conversation_id, seq, author_type, author_id, body, client_id, channel, delivery_status, lang)
      select id, conversation_id, seq, author_type, author_id, body, client_id, coalesce(channel, conversation_channel), delivery_status,
        search_config(coalesce(language,
          (select ag.language from agents ag where ag.id = case when author_type = 'agent' then author_id else old_assignee_id end)))
      from fresh
    ), seen as (
      -- the conversation as this statement found it (a retry needs no newer view than its original's)
      select c.*, null::int as batch_count, null::int[] as batch_ords, null::conversation_status as previous_status,
        null::uuid as previous_assignee_id, null::timestamptz as message_created_at,
        a.ord::int as seen_ord, a.seen_id, a.seen_seq, a.seen_body, a.seen_channel, a.seen_delivery_status,
        a.seen_delivery_code, a.seen_delivery_error, a.seen_created_at
      from allowed a join conversations c on c.id = a.seen_conversation_id
      where a.seen_id is not null
    )
    ${viewSelect(db, 'conv')}
    union all
    ${viewSelect(db, 'seen')}`
  const out: AppendOutcome[] = items.map(() => ({ kind: 'missing' }))
  for (const row of rows) {
    const conversation = toView(row)
    if (row.seenOrd !== null) {
      const item = items[row.seenOrd - 1]!
      out[row.seenOrd - 1] = {
        kind: 'seen',
        conversation,
        message: {
          id: row.seenId!,
          conversationId: row.id,
          seq: row.seenSeq!,
          authorType: item.author.type,
          authorId: item.author.id,
          authorName: item.author.name,
          body: row.seenBody!,
          clientId: item.clientId,
          channel: row.seenChannel!,
          deliveryStatus: row.seenDeliveryStatus!,
          deliveryCode: row.seenDeliveryCode,
          deliveryError: row.seenDeliveryError,
          createdAt: row.seenCreatedAt!,
          // a retried reply's files are read again by sendReply when it had any
          attachments: [],
        },
      }
      continue
    }
    const firstSeq = row.lastSeq - row.batchCount! + 1
    row.batchOrds!.forEach((ord, i) => {
      const item = items[ord - 1]!
      out[ord - 1] = {
        kind: 'stored',
        conversation,
        before: i === 0 ? { status: row.previousStatus!, assigneeId: row.previousAssigneeId } : null,
        message: {
          id: item.id,
          conversationId: row.id,
          seq: firstSeq + i,
          authorType: item.author.type,
          authorId: item.author.id,
          authorName: item.author.name,
          body: item.body,
          clientId: item.clientId,
          channel: item.channel ?? row.channel,
          deliveryStatus: item.deliveryStatus,
          deliveryCode: null,
          deliveryError: null,
          // messages.created_at defaults to now(): the transaction's time, the same for the statement
          createdAt: row.messageCreatedAt!,
          // files are claimed after the statement, in its transaction (sendReply)
          attachments: [],
        },
      }
    })
  }
  return out
}
