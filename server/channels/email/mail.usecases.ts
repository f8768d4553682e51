// What the thread shows of e-mail: per message, whether it came or went by mail and how the
// sending went, with its attachments' names; the full original of an inbound mail.
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid } from '../../shared/ids.ts'
import { getConversation } from '../../domain/conversations/conversations.usecases.ts'
import { findMessage } from '../../domain/messages/messages.usecases.ts'
import * as threads from './threads.repo.ts'
import { attachmentsOfConversation, type AttachmentMeta } from '../shared/channel-tables.ts'

const notFound = (what: 'conversation' | 'message') => new AppError(`${what}.not_found`, 404, `${what} not found`)

export interface MailDeps {
  sql: Sql
  bus: EventBus
}

async function conversationOrThrow(deps: MailDeps, id: string) {
  if (!isUuid(id)) throw notFound('conversation')
  return getConversation(deps, id)
}

async function messageOf(deps: MailDeps, conversationId: string, messageId: string) {
  await conversationOrThrow(deps, conversationId)
  if (!isUuid(messageId)) throw notFound('message')
  const message = await findMessage(deps, messageId)
  if (!message || message.conversationId !== conversationId) throw notFound('message')
  return message
}

export interface ConversationMail {
  thread: { token: string; subject: string } | null
  messages: (threads.MailInfoRow & { attachments: Omit<AttachmentMeta, 'messageRowId'>[] })[]
}

export async function conversationMail(deps: MailDeps, conversationId: string): Promise<ConversationMail> {
  await conversationOrThrow(deps, conversationId)
  // One snapshot: the outbox commits a mail's thread and its "sent" together, and three reads on
  // three pool connections could see one without the other.
  const [thread, rows, attachments] = await deps.sql.begin('isolation level repeatable read read only', (tx) =>
    Promise.all([
      threads.findThread(tx, conversationId),
      threads.mailInfoForConversation(tx, conversationId),
      attachmentsOfConversation(tx, conversationId),
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

export async function originalMail(deps: MailDeps, conversationId: string, messageId: string): Promise<threads.OriginalRow> {
  await messageOf(deps, conversationId, messageId)
  const original = await threads.findOriginal(deps.sql, messageId)
  if (!original) throw new AppError('email.no_original', 404, 'this message did not come by e-mail')
  return original
}
