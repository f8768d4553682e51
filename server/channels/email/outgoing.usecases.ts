// Mail the e-mail channel sends, all through the one outbox (server/jobs/outbox.ts): an agent's
// reply on an e-mail conversation, a copy of a web-chat reply, and mail with no message behind it
// (a notification, a transcript). Queued here with its Message-ID fixed; composed here when the
// outbox claims it (threading headers, the subject token, the reply address); retried with
// back-off by the outbox; queued again by the retry button.
import type { Db, Sql, TxSql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { findMessage, setDeliveryWithin } from '../../domain/messages/messages.usecases.ts'
import { maskCardNumbers } from '../../domain/privacy/privacy.rules.ts'
import { getConversation } from '../../domain/conversations/conversations.usecases.ts'
import { recordConversationEvent } from '../../domain/conversation-events/conversation-events.usecases.ts'
import type { Actor } from '../../domain/agents/agents.usecases.ts'
import { mailById, mailOfMessage, queueMail, requeueMail, type MailSender, type OutboxRow, type Settled } from '../../jobs/outbox.ts'
import { messageIdsOfConversation, recordMessageId } from '../shared/channel-tables.ts'
import * as threads from './threads.repo.ts'
import type { EmailSettings, SmtpSettings } from './settings.usecases.ts'
import { newToken, plusAddress, subjectTag } from './tokens.ts'
import { describeSmtpError, sendMail } from './smtp.ts'
import { filesOfMessage } from '../../domain/attachments/attachments.usecases.ts'

export interface OutgoingDeps {
  sql: Sql
  bus: EventBus
}

export const NOT_SET_UP = 'e-mail is not set up: add the SMTP settings in Settings › E-mail'

/** A send that cannot succeed however often it is tried. */
class Unsendable extends Error {}

export function newMailMessageId(fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase() || 'parley.invalid'
  return `${Bun.randomUUIDv7()}@${domain}`
}

/**
 * Queues an agent message for e-mail. `reply`: the conversation is an e-mail conversation and
 * the message's own delivery status follows the mail; `copy`: a web-chat reply also e-mailed.
 */
export async function queueMessageMail(
  deps: OutgoingDeps,
  settings: EmailSettings,
  m: { messageId: string; conversationId: string; kind: 'reply' | 'copy'; to: string },
): Promise<OutboxRow> {
  if (!settings.smtp) throw new AppError('email.not_configured', 409, NOT_SET_UP)
  return queueMail(deps.sql, {
    kind: m.kind,
    messageRowId: m.messageId,
    conversationId: m.conversationId,
    to: m.to,
    mailMessageId: newMailMessageId(settings.smtp.fromAddress),
  })
}

/** Queues a mail that has no message behind it: a notification to an agent, a transcript. */
export async function queueStandaloneMail(
  deps: { sql: Db },
  settings: EmailSettings,
  m: { kind: 'notification' | 'transcript'; to: string; subject: string; text: string; conversationId?: string | null },
): Promise<OutboxRow> {
  if (!settings.smtp) throw new AppError('email.not_configured', 409, NOT_SET_UP)
  return queueMail(deps.sql, {
    kind: m.kind,
    conversationId: m.conversationId ?? null,
    to: m.to,
    subject: maskCardNumbers(m.subject),
    text: maskCardNumbers(m.text),
    mailMessageId: newMailMessageId(settings.smtp.fromAddress),
  })
}

export async function mailOf(deps: { sql: Sql }, messageId: string): Promise<OutboxRow | null> {
  return mailOfMessage(deps.sql, messageId)
}

export async function outboxRowById(deps: { sql: Sql }, id: string): Promise<OutboxRow | null> {
  return mailById(deps.sql, id)
}

/** Tells the dashboards what became of a reply (its row carries the mail's status). */
export async function publishMessage(deps: OutgoingDeps, messageId: string): Promise<void> {
  const message = await findMessage(deps, messageId)
  if (message) deps.bus.emit('message.updated', { message })
}

/** The retry button: a failed mail goes back into the queue (or in for the first time). */
export async function retryMail(deps: OutgoingDeps, settings: EmailSettings, _actor: Actor, conversationId: string, messageId: string): Promise<OutboxRow> {
  const message = await findMessage(deps, messageId)
  if (!message || message.conversationId !== conversationId) throw new AppError('message.not_found', 404, 'message not found')
  if (message.authorType !== 'agent') throw new AppError('email.not_retryable', 409, 'only agent messages are e-mailed')
  if (!settings.smtp) throw new AppError('email.not_configured', 409, NOT_SET_UP)
  let row = await mailOfMessage(deps.sql, messageId)
  if (!row) {
    const conv = await getConversation(deps, conversationId)
    const to = conv.visitor.email
    if (!to) throw new AppError('email.no_address', 409, 'the visitor has no e-mail address')
    row = await queueMessageMail(deps, settings, { messageId, conversationId, kind: conv.channel === 'email' ? 'reply' : 'copy', to })
  } else if (row.status === 'failed') {
    await requeueMail(deps.sql, row.id)
  } else {
    throw new AppError('email.not_failed', 409, row.status === 'sent' ? 'this mail was sent already' : 'this mail is still queued')
  }
  if (row.kind === 'reply') {
    await setDeliveryWithin(deps.sql, messageId, 'pending', null)
    await publishMessage(deps, messageId)
  }
  return (await mailOfMessage(deps.sql, messageId))!
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
  /** The reply's files, as real MIME attachments. */
  attachments: { filename: string; contentType: string; content: Uint8Array }[]
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

const htmlOf = (body: string, signature: string) =>
  `<!doctype html><html><body><div dir="auto" style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5">` +
  escapeHtml(body).replace(/\r?\n/g, '<br>') +
  `</div>` +
  (signature ? `<p style="color:#6b7280;font-family:sans-serif;font-size:13px">— ${escapeHtml(signature)}</p>` : '') +
  `</body></html>`

/** Builds the mail for a claimed outbox row: a message's from the stored (card-masked) message. */
export async function composeMail(tx: TxSql, row: OutboxRow, smtp: SmtpSettings, plusAddressing: boolean): Promise<OutboundMail | null> {
  if (row.kind === 'notification' || row.kind === 'transcript') {
    return {
      from: { name: smtp.fromName ?? 'Support', address: smtp.fromAddress },
      to: row.toAddress,
      replyTo: null,
      subject: row.subject ?? '',
      messageId: row.mailMessageId,
      inReplyTo: null,
      references: [],
      text: row.textBody ?? '',
      html: htmlOf(row.textBody ?? '', ''),
      attachments: [],
    }
  }
  const src = row.messageRowId && row.conversationId ? await findMessage({ sql: tx }, row.messageRowId) : null
  if (!src || !row.conversationId) return null
  const fromName = smtp.fromName ?? src.authorName ?? 'Support'
  const thread = await threads.ensureThread(tx, row.conversationId, newToken(), row.kind === 'copy' ? `Your chat with ${fromName}` : 'Your message')
  const ids = await messageIdsOfConversation(tx, 'email', row.conversationId, 20)
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
    inReplyTo: lastIn?.externalId ?? null,
    references: ids.map((i) => i.externalId).filter((id) => id !== row.mailMessageId),
    text: body,
    html: htmlOf(body, signature),
    attachments: (await filesOfMessage({ sql: tx }, src.id)).map((f) => ({ filename: f.filename, contentType: f.contentType, content: f.content })),
  }
}

/**
 * The e-mail channel's part of the outbox: composes a claimed row's mail and sends it over SMTP,
 * and records the outcome on the thread and on the reply's message, in the claiming transaction.
 */
export function emailSender(settings: () => Promise<EmailSettings>): MailSender {
  return {
    async send(tx, row) {
      const s = await settings()
      if (!s.smtp) throw new Unsendable(NOT_SET_UP)
      const mail = await composeMail(tx, row, s.smtp, s.plusAddressing)
      if (!mail) throw new Unsendable('the message no longer exists')
      return sendMail(s.smtp, mail)
    },
    describeError(e) {
      if (e instanceof Unsendable) return { error: e.message, permanent: true, code: e.message === NOT_SET_UP ? 'mail.not_set_up' : 'other' }
      return describeSmtpError(e)
    },
    async settle(tx, outcome: Settled) {
      const { row } = outcome
      // Only a visitor's thread takes our Message-ID: an agent answering a notification must not
      // land in the visitor's conversation.
      if (outcome.status === 'sent' && row.conversationId && (row.kind === 'reply' || row.kind === 'copy')) {
        await recordMessageId(tx, 'email', { externalId: row.mailMessageId, conversationId: row.conversationId, messageRowId: row.messageRowId, direction: 'out' })
      }
      // The thread tells the agents what became of a copy or a transcript (never the visitor).
      if (row.conversationId && (row.kind === 'copy' || row.kind === 'transcript')) {
        const event = await recordConversationEvent(tx, {
          conversationId: row.conversationId,
          kind: outcome.status === 'sent' ? 'email_sent' : 'email_failed',
          data: outcome.status === 'sent' ? { mail: row.kind } : { mail: row.kind, code: outcome.code ?? 'other' },
        })
        if (event) (outcome.events ??= []).push(event)
      }
      if (row.kind === 'reply' && row.messageRowId) {
        // Parley's own English (not set up) is no detail worth quoting: the code says it.
        const failure = outcome.status === 'failed' ? { code: outcome.code ?? 'other', detail: outcome.code === 'mail.not_set_up' ? null : outcome.error } : null
        await setDeliveryWithin(tx, row.messageRowId, outcome.status, failure)
      }
    },
  }
}
