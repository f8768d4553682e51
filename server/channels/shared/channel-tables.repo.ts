// The tables every channel shares: the external ids of messages (threading, de-duplication), the
// log of inbound items handled, and attachments. Every row names its channel.
import type { Db } from '../../db/client.ts'
import type { Channel } from '../../domain/conversations/conversations.types.ts'

export async function recordMessageId(
  db: Db,
  channel: Channel,
  m: { externalId: string; conversationId: string; messageRowId: string | null; direction: 'in' | 'out' },
): Promise<void> {
  await db`
    insert into channel_message_ids (channel, external_id, conversation_id, message_row_id, direction)
    values (${channel}, ${m.externalId}, ${m.conversationId}, ${m.messageRowId}, ${m.direction})
    on conflict (channel, external_id) do update set
      message_row_id = coalesce(channel_message_ids.message_row_id, excluded.message_row_id)`
}

/** Of these external ids, those that belong to a conversation that still exists, with it. */
export async function conversationsOfMessageIds(db: Db, channel: Channel, ids: string[]): Promise<{ externalId: string; conversationId: string }[]> {
  if (ids.length === 0) return []
  return db<{ externalId: string; conversationId: string }[]>`
    select e.external_id, e.conversation_id from channel_message_ids e
    join conversations c on c.id = e.conversation_id
    where e.channel = ${channel} and e.external_id in ${db(ids)}`
}

/** The conversation's latest external ids, oldest first. */
export async function messageIdsOfConversation(
  db: Db,
  channel: Channel,
  conversationId: string,
  limit: number,
): Promise<{ externalId: string; direction: 'in' | 'out' }[]> {
  return db<{ externalId: string; direction: 'in' | 'out' }[]>`
    select external_id, direction from (
      select external_id, direction, created_at from channel_message_ids
      where channel = ${channel} and conversation_id = ${conversationId}
      order by created_at desc limit ${limit}) x
    order by created_at`
}

export async function findInbound<K extends string>(db: Db, channel: Channel, externalId: string): Promise<{ kind: K; messageRowId: string | null } | null> {
  const [row] = await db<{ kind: K; messageRowId: string | null }[]>`
    select kind, message_row_id from channel_inbound where channel = ${channel} and external_id = ${externalId}`
  return row ?? null
}

export async function recordInbound(
  db: Db,
  channel: Channel,
  r: { externalId: string; kind: string; messageRowId: string | null; conversationId: string | null; sender: string | null; subject: string | null; note: string | null },
): Promise<void> {
  await db`
    insert into channel_inbound (channel, external_id, kind, message_row_id, conversation_id, sender, subject, note)
    values (${channel}, ${r.externalId}, ${r.kind}, ${r.messageRowId}, ${r.conversationId}, ${r.sender}, ${r.subject}, ${r.note})
    on conflict (channel, external_id) do nothing`
}

export interface AttachmentMeta {
  id: string
  messageRowId: string
  filename: string
  contentType: string
  size: number
}

export async function saveAttachment(db: Db, channel: Channel, a: AttachmentMeta & { content: Uint8Array }): Promise<void> {
  await db`
    insert into attachments (id, message_row_id, channel, filename, content_type, size, content)
    values (${a.id}, ${a.messageRowId}, ${channel}, ${a.filename}, ${a.contentType}, ${a.size}, ${a.content})`
}

export async function findAttachment(db: Db, id: string): Promise<(AttachmentMeta & { content: Uint8Array }) | null> {
  const [row] = await db<(AttachmentMeta & { content: Uint8Array })[]>`
    select id, message_row_id, filename, content_type, size, content from attachments where id = ${id}`
  return row ?? null
}

export async function attachmentsOfConversation(db: Db, conversationId: string): Promise<AttachmentMeta[]> {
  return db<AttachmentMeta[]>`
    select a.id, a.message_row_id, a.filename, a.content_type, a.size from attachments a
    join messages m on m.id = a.message_row_id
    where m.conversation_id = ${conversationId} order by a.created_at, a.id`
}

/** Whether a message has an outbound external id (it went out, or came back as sent elsewhere). */
export async function hasOutboundId(db: Db, channel: Channel, messageRowId: string): Promise<boolean> {
  const rows = await db`
    select 1 from channel_message_ids where channel = ${channel} and message_row_id = ${messageRowId} and direction = 'out' limit 1`
  return rows.length > 0
}

/** The conversation's last message sent out by a time (a read receipt's watermark). */
export async function lastOutboundBefore(db: Db, channel: Channel, conversationId: string, at: Date): Promise<string | null> {
  const [row] = await db<{ messageRowId: string }[]>`
    select message_row_id from channel_message_ids
    where channel = ${channel} and conversation_id = ${conversationId} and direction = 'out' and message_row_id is not null
      and created_at <= ${at}
    order by created_at desc limit 1`
  return row?.messageRowId ?? null
}

/** The messages these external ids belong to. */
export async function messagesOfIds(db: Db, channel: Channel, ids: string[]): Promise<{ messageRowId: string; conversationId: string }[]> {
  if (ids.length === 0) return []
  return db<{ messageRowId: string; conversationId: string }[]>`
    select message_row_id, conversation_id from channel_message_ids
    where channel = ${channel} and external_id in ${db(ids)} and message_row_id is not null and conversation_id is not null`
}
