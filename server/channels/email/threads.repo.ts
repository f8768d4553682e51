// The e-mail channel's own tables: the thread (token and subject) per conversation and the stored
// originals of inbound mail. Message-IDs, the inbound log and attachments live in the tables all
// channels share (../shared/channel-tables.ts).
import type { Db } from '../../db/client.ts'
import type { MaskedText } from '../../domain/privacy/privacy.types.ts'

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

export interface OriginalRow {
  messageRowId: string
  mailMessageId: string
  fromAddress: string | null
  // The mail's free text, masked before it is stored (server/domain/privacy).
  fromName: MaskedText | null
  toAddresses: string[]
  ccAddresses: string[]
  subject: MaskedText
  sentAt: Date | null
  headers: MaskedText
  textBody: MaskedText
  htmlBody: MaskedText | null
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
    left join outbox o on o.message_row_id = m.id
    where m.conversation_id = ${conversationId} and (x.message_row_id is not null or o.id is not null)
    order by m.seq`
}
