import type { Db } from '../../db/client.ts'
import type { AttachmentInfo, UploadInfo } from './attachments.types.ts'

export async function insertUpload(
  db: Db,
  u: UploadInfo & { agentId: string; content: Uint8Array },
): Promise<void> {
  await db`
    insert into attachment_uploads (id, agent_id, conversation_id, filename, content_type, size, content)
    values (${u.id}, ${u.agentId}, ${u.conversationId}, ${u.filename}, ${u.contentType}, ${u.size}, ${u.content})`
}

export async function countPending(db: Db, agentId: string): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from attachment_uploads where agent_id = ${agentId}`
  return row?.n ?? 0
}

export async function deleteUpload(db: Db, agentId: string, conversationId: string, id: string): Promise<boolean> {
  const rows = await db`delete from attachment_uploads where id = ${id} and agent_id = ${agentId} and conversation_id = ${conversationId} returning id`
  return rows.length > 0
}

/**
 * Moves the agent's uploads for this conversation into the message's attachments, in the order
 * given; answers what moved. Run in the message's transaction: the caller checks that every id
 * moved, and rolls back otherwise.
 */
export async function claimUploads(
  db: Db,
  o: { ids: string[]; agentId: string; conversationId: string; messageRowId: string; channel: string },
): Promise<AttachmentInfo[]> {
  const rows = await db<(AttachmentInfo & { ord: number })[]>`
    with wanted as (
      select * from unnest(${o.ids}::uuid[]) with ordinality as t(id, ord)
    ), taken as (
      delete from attachment_uploads u using wanted w
      where u.id = w.id and u.agent_id = ${o.agentId} and u.conversation_id = ${o.conversationId}
      returning u.*, w.ord
    ), moved as (
      insert into attachments (id, message_row_id, channel, filename, content_type, size, content, created_at)
      -- created_at orders a message's files: the order the agent chose
      select id, ${o.messageRowId}, ${o.channel}::channel_kind, filename, content_type, size, content,
             now() + ord * interval '1 microsecond'
      from taken
      returning id
    )
    select t.id, t.filename, t.content_type, t.size, t.ord::int as ord from taken t join moved m on m.id = t.id
    order by t.ord`
  return rows.map(({ ord: _ord, ...a }) => a)
}

/** Deletes uploads older than `seconds`; answers how many. */
export async function pruneUploads(db: Db, seconds: number): Promise<number> {
  const rows = await db`delete from attachment_uploads where created_at < now() - ${seconds} * interval '1 second' returning id`
  return rows.length
}

/** A message's files with their bytes, in order (what a channel sends). */
export async function filesOfMessage(db: Db, messageRowId: string): Promise<(AttachmentInfo & { content: Uint8Array })[]> {
  return db<(AttachmentInfo & { content: Uint8Array })[]>`
    select id, filename, content_type, size, content from attachments
    where message_row_id = ${messageRowId} order by created_at, id`
}

/** A file, when it belongs to a message of this conversation. */
export async function fileOfConversation(db: Db, conversationId: string, id: string): Promise<(AttachmentInfo & { content: Uint8Array }) | null> {
  const [row] = await db<(AttachmentInfo & { content: Uint8Array })[]>`
    select a.id, a.filename, a.content_type, a.size, a.content from attachments a
    join messages m on m.id = a.message_row_id
    where a.id = ${id} and m.conversation_id = ${conversationId}`
  return row ?? null
}

/** The names of the agent's uploads for this conversation, in the order given, locked until the transaction ends. */
export async function lockUploads(db: Db, o: { ids: string[]; agentId: string; conversationId: string }): Promise<string[]> {
  const rows = await db<{ filename: string }[]>`
    select u.filename from unnest(${o.ids}::uuid[]) with ordinality as w(id, ord)
    join attachment_uploads u on u.id = w.id
    where u.agent_id = ${o.agentId} and u.conversation_id = ${o.conversationId}
    order by w.ord
    for update of u`
  return rows.map((r) => r.filename)
}
