// E-mail threads: the token and subject per conversation, the Message-IDs that belong to each
// conversation, the log of inbound mail handled, stored originals and attachments.
import type { Db } from '../../db/client.ts'

export interface ThreadRow {
  conversationId: string
  token: string
  subject: string
}

export async function findThread(db: Db, conversationId: string): Promise<ThreadRow | null> {
  const [row] = await db<ThreadRow[]>`select conversation_id, token, subject from email_threads where conversation_id = ${conversationId}`
  return row ?? null
}

export async function findThreadByToken(db: Db, token: string): Promise<ThreadRow | null> {
  const [row] = await db<ThreadRow[]>`select conversation_id, token, subject from email_threads where token = ${token.toLowerCase()}`
  return row ?? null
}

/** Creates the conversation's thread, or returns the one that exists. */
export async function ensureThread(db: Db, conversationId: string, token: string, subject: string): Promise<ThreadRow> {
  await db`insert into email_threads (conversation_id, token, subject) values (${conversationId}, ${token}, ${subject})
           on conflict (conversation_id) do nothing`
  return (await findThread(db, conversationId))!
}

export async function recordMessageId(
  db: Db,
  m: { messageId: string; conversationId: string; messageRowId: string | null; direction: 'in' | 'out' },
): Promise<void> {
  await db`
    insert into email_message_ids (message_id, conversation_id, message_row_id, direction)
    values (${m.messageId}, ${m.conversationId}, ${m.messageRowId}, ${m.direction})
    on conflict (message_id) do update set
      message_row_id = coalesce(email_message_ids.message_row_id, excluded.message_row_id)`
}

/** The conversation any of these Message-IDs belongs to; the latest reference wins. */
export async function conversationForMessageIds(db: Db, ids: string[]): Promise<string | null> {
  if (ids.length === 0) return null
  const rows = await db<{ messageId: string; conversationId: string }[]>`
    select e.message_id, e.conversation_id from email_message_ids e
    join conversations c on c.id = e.conversation_id
    where e.message_id in ${db(ids)}`
  const byId = new Map(rows.map((r) => [r.messageId, r.conversationId]))
  for (let i = ids.length - 1; i >= 0; i--) {
    const hit = byId.get(ids[i]!)
    if (hit) return hit
  }
  return null
}

/** The conversation's Message-IDs, oldest first (References), and the newest inbound one (In-Reply-To). */
export async function threadMessageIds(db: Db, conversationId: string, limit = 20): Promise<{ messageId: string; direction: 'in' | 'out' }[]> {
  return db<{ messageId: string; direction: 'in' | 'out' }[]>`
    select message_id, direction from (
      select message_id, direction, created_at from email_message_ids where conversation_id = ${conversationId}
      order by created_at desc limit ${limit}) x
    order by created_at`
}

export type InboundKind = 'message' | 'auto_reply' | 'receipt' | 'bounce' | 'own' | 'rejected'

export async function findInbound(db: Db, messageId: string): Promise<{ kind: InboundKind; messageRowId: string | null } | null> {
  const [row] = await db<{ kind: InboundKind; messageRowId: string | null }[]>`
    select kind, message_row_id from email_inbound where message_id = ${messageId}`
  return row ?? null
}

export async function recordInbound(
  db: Db,
  r: { messageId: string; kind: InboundKind; messageRowId: string | null; conversationId: string | null; fromAddress: string | null; subject: string | null; note: string | null },
): Promise<void> {
  await db`
    insert into email_inbound (message_id, kind, message_row_id, conversation_id, from_address, subject, note)
    values (${r.messageId}, ${r.kind}, ${r.messageRowId}, ${r.conversationId}, ${r.fromAddress}, ${r.subject}, ${r.note})
    on conflict (message_id) do nothing`
}

export interface OriginalRow {
  messageRowId: string
  mailMessageId: string
  fromAddress: string | null
  fromName: string | null
  toAddresses: string[]
  ccAddresses: string[]
  subject: string
  sentAt: Date | null
  headers: string
  textBody: string
  htmlBody: string | null
}

export async function saveOriginal(db: Db, o: OriginalRow): Promise<void> {
  await db`
    insert into email_originals (message_row_id, mail_message_id, from_address, from_name, to_addresses, cc_addresses,
                                 subject, sent_at, headers, text_body, html_body)
    values (${o.messageRowId}, ${o.mailMessageId}, ${o.fromAddress}, ${o.fromName}, ${o.toAddresses}, ${o.ccAddresses},
            ${o.subject}, ${o.sentAt}, ${o.headers}, ${o.textBody}, ${o.htmlBody})
    on conflict (message_row_id) do nothing`
}

export async function findOriginal(db: Db, messageRowId: string): Promise<OriginalRow | null> {
  const [row] = await db<OriginalRow[]>`select * from email_originals where message_row_id = ${messageRowId}`
  return row ?? null
}

export interface AttachmentMeta {
  id: string
  messageRowId: string
  filename: string
  contentType: string
  size: number
}

export async function hasAttachments(db: Db, messageRowId: string): Promise<boolean> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from email_attachments where message_row_id = ${messageRowId}`
  return (row?.n ?? 0) > 0
}

export async function saveAttachment(db: Db, a: AttachmentMeta & { content: Uint8Array }): Promise<void> {
  await db`
    insert into email_attachments (id, message_row_id, filename, content_type, size, content)
    values (${a.id}, ${a.messageRowId}, ${a.filename}, ${a.contentType}, ${a.size}, ${a.content})`
}

export async function findAttachment(db: Db, id: string): Promise<(AttachmentMeta & { content: Uint8Array }) | null> {
  const [row] = await db<(AttachmentMeta & { content: Uint8Array })[]>`
    select id, message_row_id, filename, content_type, size, content from email_attachments where id = ${id}`
  return row ?? null
}

/** Per message of a conversation: what the e-mail channel knows (for the thread's icons and links). */
export interface MailInfoRow {
  messageRowId: string
  direction: 'in' | 'out'
  mailMessageId: string | null
  subject: string | null
  fromAddress: string | null
  hasOriginal: boolean
  outboxStatus: 'queued' | 'sent' | 'failed' | null
  outboxKind: 'reply' | 'copy' | null
  outboxError: string | null
  outboxAttempts: number | null
  toAddress: string | null
  sentAt: Date | null
}

export async function mailInfoForConversation(db: Db, conversationId: string): Promise<MailInfoRow[]> {
  return db<MailInfoRow[]>`
    select m.id as message_row_id,
           case when m.author_type = 'agent' then 'out' else 'in' end as direction,
           coalesce(o.mail_message_id, x.mail_message_id) as mail_message_id,
           x.subject, x.from_address, (x.message_row_id is not null) as has_original,
           o.status as outbox_status, o.kind as outbox_kind, o.last_error as outbox_error, o.attempts as outbox_attempts,
           o.to_address, o.sent_at
    from messages m
    left join email_originals x on x.message_row_id = m.id
    left join email_outbox o on o.message_row_id = m.id
    where m.conversation_id = ${conversationId} and (x.message_row_id is not null or o.id is not null)
    order by m.seq`
}

export async function attachmentsForConversation(db: Db, conversationId: string): Promise<AttachmentMeta[]> {
  return db<AttachmentMeta[]>`
    select a.id, a.message_row_id, a.filename, a.content_type, a.size from email_attachments a
    join messages m on m.id = a.message_row_id
    where m.conversation_id = ${conversationId} order by a.created_at, a.id`
}
