// Agent messages that leave by e-mail go through the outbox: queued here, sent by the outbox job
// (server/jobs/outbox.ts), retried with back-off, failed after the last try with the SMTP
// server's error, and queued again by the retry button.
import type { Sql, TxSql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import { findMessage } from '../messages/messages.repo.ts'
import { maskCardNumbers } from '../privacy/card-mask.ts'
import * as conversations from '../conversations/conversations.repo.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import * as repo from './outbox.repo.ts'
import * as threads from './threads.repo.ts'
import type { EmailSettings, SmtpSettings } from './settings.usecases.ts'
import { newToken, plusAddress, subjectTag } from './tokens.ts'

export interface OutboxDeps {
  sql: Sql
  bus: EventBus
}

export const NOT_SET_UP = 'e-mail is not set up: add the SMTP settings in Settings › E-mail'

export function newMailMessageId(fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase() || 'parley.invalid'
  return `${Bun.randomUUIDv7()}@${domain}`
}

/**
 * Queues an agent message for e-mail. `reply`: the conversation is an e-mail conversation and
 * the message's own delivery status follows the mail; `copy`: a web-chat reply also e-mailed.
 */
export async function enqueueMail(
  deps: OutboxDeps,
  settings: EmailSettings,
  m: { messageId: string; conversationId: string; kind: repo.OutboxKind; to: string },
): Promise<repo.OutboxRow> {
  if (!settings.smtp) throw new AppError('email.not_configured', 409, NOT_SET_UP)
  return repo.enqueue(deps.sql, {
    id: newId(),
    messageRowId: m.messageId,
    conversationId: m.conversationId,
    kind: m.kind,
    toAddress: m.to,
    mailMessageId: newMailMessageId(settings.smtp.fromAddress),
  })
}

export async function outboxRow(deps: { sql: Sql }, messageId: string): Promise<repo.OutboxRow | null> {
  return repo.findByMessage(deps.sql, messageId)
}

/** Records what became of a message on its own row (e-mail conversations) and tells the dashboards. */
export async function publishMessage(deps: OutboxDeps, messageId: string): Promise<void> {
  const message = await findMessage(deps.sql, messageId)
  if (message) deps.bus.emit('message.updated', { message })
}

/** The retry button: a failed mail goes back into the queue (or in for the first time). */
export async function retryMail(deps: OutboxDeps, settings: EmailSettings, _actor: Actor, conversationId: string, messageId: string): Promise<repo.OutboxRow> {
  const message = await findMessage(deps.sql, messageId)
  if (!message || message.conversationId !== conversationId) throw new AppError('message.not_found', 404, 'message not found')
  if (message.authorType !== 'agent') throw new AppError('email.not_retryable', 409, 'only agent messages are e-mailed')
  if (!settings.smtp) throw new AppError('email.not_configured', 409, NOT_SET_UP)
  let row = await repo.findByMessage(deps.sql, messageId)
  if (!row) {
    const conv = await conversations.findView(deps.sql, conversationId)
    const to = conv?.visitor.email
    if (!conv || !to) throw new AppError('email.no_address', 409, 'the visitor has no e-mail address')
    row = await enqueueMail(deps, settings, { messageId, conversationId, kind: conv.channel === 'email' ? 'reply' : 'copy', to })
  } else if (row.status === 'failed') {
    await repo.requeue(deps.sql, row.id)
  } else {
    throw new AppError('email.not_failed', 409, row.status === 'sent' ? 'this mail was sent already' : 'this mail is still queued')
  }
  if (row.kind === 'reply') {
    await repo.setMessageDelivery(deps.sql, messageId, 'pending', null)
    await publishMessage(deps, messageId)
  }
  return (await repo.findByMessage(deps.sql, messageId))!
}

export interface OutboundMail {
  from: { name: string; address: string }
  to: string
  replyTo: string | null
  subject: string
  messageId: string
  inReplyTo: string | null
  references: string[]
  text: string
  html: string
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** Builds the mail for a claimed outbox row from the stored (card-masked) message. */
export async function composeMail(tx: TxSql, row: repo.OutboxRow, smtp: SmtpSettings, plusAddressing: boolean): Promise<OutboundMail | null> {
  const src = await repo.outboundSource(tx, row.messageRowId)
  if (!src) return null
  const fromName = smtp.fromName ?? src.authorName ?? 'Support'
  const thread = await threads.ensureThread(tx, row.conversationId, newToken(), row.kind === 'copy' ? `Your chat with ${fromName}` : 'Your message')
  const ids = await threads.threadMessageIds(tx, row.conversationId)
  const lastIn = [...ids].reverse().find((i) => i.direction === 'in') ?? ids[ids.length - 1]
  const base = maskCardNumbers(thread.subject)
  const subject = `${row.kind === 'reply' && !/^re:/i.test(base) ? 'Re: ' : ''}${base} ${subjectTag(thread.token)}`
  const body = maskCardNumbers(src.body)
  const signature = src.authorName && smtp.fromName ? `${src.authorName}, ${smtp.fromName}` : (src.authorName ?? smtp.fromName ?? '')
  return {
    from: { name: fromName, address: smtp.fromAddress },
    to: row.toAddress,
    replyTo: plusAddressing ? plusAddress(smtp.fromAddress, thread.token) : null,
    subject,
    messageId: row.mailMessageId,
    inReplyTo: lastIn?.messageId ?? null,
    references: ids.map((i) => i.messageId).filter((id) => id !== row.mailMessageId),
    text: body,
    html:
      `<!doctype html><html><body><div style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5">` +
      escapeHtml(body).replace(/\r?\n/g, '<br>') +
      `</div>` +
      (signature ? `<p style="color:#6b7280;font-family:sans-serif;font-size:13px">— ${escapeHtml(signature)}</p>` : '') +
      `</body></html>`,
  }
}

/** After the SMTP server accepted the mail: sent, in the claiming transaction. */
export async function recordSent(tx: TxSql, row: repo.OutboxRow): Promise<void> {
  await repo.markSent(tx, row.id)
  await threads.recordMessageId(tx, { messageId: row.mailMessageId, conversationId: row.conversationId, messageRowId: row.messageRowId, direction: 'out' })
  if (row.kind === 'reply') await repo.setMessageDelivery(tx, row.messageRowId, 'sent', null)
}

/** After a failed try: again after the next back-off delay, or failed for good. */
export async function recordFailure(tx: TxSql, row: repo.OutboxRow, error: string, permanent: boolean, retryDelaysMs: number[]): Promise<'retry' | 'failed'> {
  const delay = retryDelaysMs[row.attempts]
  if (!permanent && delay !== undefined) {
    await repo.markRetry(tx, row.id, error, delay)
    return 'retry'
  }
  await repo.markFailed(tx, row.id, error)
  if (row.kind === 'reply') await repo.setMessageDelivery(tx, row.messageRowId, 'failed', error)
  return 'failed'
}
