// What the thread shows of e-mail: per message, whether it came or went by mail and how the
// sending went; the full original of an inbound mail; its attachments.
import type { Sql } from '../../db/client.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid } from '../../shared/ids.ts'
import * as conversations from '../conversations/conversations.repo.ts'
import { findMessage } from '../messages/messages.repo.ts'
import * as threads from './threads.repo.ts'

const notFound = (what: 'conversation' | 'message' | 'attachment') => new AppError(`${what}.not_found`, 404, `${what} not found`)

async function conversationOrThrow(sql: Sql, id: string) {
  if (!isUuid(id)) throw notFound('conversation')
  const conv = await conversations.findView(sql, id)
  if (!conv) throw notFound('conversation')
  return conv
}

async function messageOf(sql: Sql, conversationId: string, messageId: string) {
  await conversationOrThrow(sql, conversationId)
  if (!isUuid(messageId)) throw notFound('message')
  const message = await findMessage(sql, messageId)
  if (!message || message.conversationId !== conversationId) throw notFound('message')
  return message
}

export interface ConversationMail {
  thread: { token: string; subject: string } | null
  messages: (threads.MailInfoRow & { attachments: Omit<threads.AttachmentMeta, 'messageRowId'>[] })[]
}

export async function conversationMail(deps: { sql: Sql }, conversationId: string): Promise<ConversationMail> {
  await conversationOrThrow(deps.sql, conversationId)
  // One snapshot: the outbox commits a mail's thread and its "sent" together, and three reads on
  // three pool connections could see one without the other.
  const [thread, rows, attachments] = await deps.sql.begin('isolation level repeatable read read only', (tx) =>
    Promise.all([
      threads.findThread(tx, conversationId),
      threads.mailInfoForConversation(tx, conversationId),
      threads.attachmentsForConversation(tx, conversationId),
    ]),
  )
  return {
    thread: thread ? { token: thread.token, subject: thread.subject } : null,
    messages: rows.map((r) => ({
      ...r,
      attachments: attachments
        .filter((a) => a.messageRowId === r.messageRowId)
        .map(({ id, filename, contentType, size }) => ({ id, filename, contentType, size })),
    })),
  }
}

export async function originalMail(deps: { sql: Sql }, conversationId: string, messageId: string): Promise<threads.OriginalRow> {
  await messageOf(deps.sql, conversationId, messageId)
  const original = await threads.findOriginal(deps.sql, messageId)
  if (!original) throw new AppError('email.no_original', 404, 'this message did not come by e-mail')
  return original
}

export async function attachment(deps: { sql: Sql }, conversationId: string, messageId: string, attachmentId: string) {
  await messageOf(deps.sql, conversationId, messageId)
  if (!isUuid(attachmentId)) throw notFound('attachment')
  const a = await threads.findAttachment(deps.sql, attachmentId)
  if (!a || a.messageRowId !== messageId) throw notFound('attachment')
  return a
}
