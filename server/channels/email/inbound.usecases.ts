// An inbound mail, already parsed and classified by the e-mail channel, becomes a visitor's
// message in the right conversation, once. Threading, in order: In-Reply-To / References against
// the Message-IDs we know; the plus-address token; the subject token; otherwise a new e-mail
// conversation for the sender, who is found or created by address.
import type { Sql, TxSql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Logger } from '../../shared/logger.ts'
import { isAppError } from '../../shared/errors.ts'
import { receiveInbound, MAX_MESSAGE_BYTES, type MessageResult } from '../../domain/messages/messages.usecases.ts'
import { maskCardNumbers, maskCardNumbersInHtml, maskOptional } from '../../domain/privacy/privacy.rules.ts'
import { getConversation, startConversation } from '../../domain/conversations/conversations.usecases.ts'
import { findOrCreateVisitorByEmail, rememberEmailAddress } from '../../domain/visitors/visitors.usecases.ts'
import { findMessage, setDeliveryWithin } from '../../domain/messages/messages.usecases.ts'
import * as threads from './threads.repo.ts'
import { failMail, mailByMessageIds, type OutboxRow } from '../../jobs/outbox.ts'
import { conversationForMessageIds, findInbound, recordInbound, recordMessageId, saveAttachment } from '../shared/channel-tables.ts'
import { baseSubject, newToken, tokensInAddresses, tokensInSubject } from './tokens.ts'

export interface InboundDeps {
  sql: Sql
  bus: EventBus
  log: Logger
}

export interface MailAddress {
  address: string
  name: string | null
}

export interface InboundAttachment {
  filename: string
  contentType: string
  content: Uint8Array
}

export interface InboundMail {
  /** Normalised Message-ID (lower case, no angle brackets), or a hash of the source when it has none. */
  messageId: string
  inReplyTo: string[]
  references: string[]
  from: MailAddress | null
  to: string[]
  cc: string[]
  /** Every address the mail was delivered to (To, Cc, Delivered-To, X-Original-To). */
  recipients: string[]
  subject: string
  date: Date | null
  kind: 'message' | 'auto_reply' | 'receipt' | 'bounce'
  /** For a bounce: the Message-IDs it reports on, and the receiving server's error. */
  bounce?: { messageIds: string[]; error: string } | null
  /** Only the new text: quotes, attributions and signatures removed. */
  text: string
  /** Everything the mail said, as text. */
  fullText: string
  html: string | null
  headers: string
  attachments: InboundAttachment[]
  /** Attachments not stored (too large, too many), with why. */
  skipped: string[]
}

/** What became of an inbound mail, as the inbound log records it. */
export type InboundKind = 'message' | 'auto_reply' | 'receipt' | 'bounce' | 'own' | 'rejected'

export type ImportOutcome =
  | { kind: 'imported'; result: MessageResult }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; reason: 'auto_reply' | 'receipt' | 'own' | 'rejected' }
  | { kind: 'bounce'; failedMessageId: string | null }

export const MAX_ATTACHMENTS = 10
export { MAX_ATTACHMENT_BYTES } from '../shared/channel-tables.ts'
export const MAX_ATTACHMENTS_TOTAL = 25 * 1024 * 1024

const TRUNCATED = '\n\n[… shortened; the whole mail is in the original]'

/** The visitor's message as stored: the new text, bounded, never empty. */
export function messageBody(mail: InboundMail): string {
  let body = mail.text.trim()
  if (!body) body = mail.fullText.trim()
  const notes: string[] = []
  if (mail.attachments.length) notes.push(...mail.attachments.map((a) => `[attachment: ${a.filename}]`))
  if (mail.skipped.length) notes.push(...mail.skipped.map((s) => `[attachment not stored: ${s}]`))
  if (!body) body = notes.length ? notes.join('\n') : mail.subject.trim() || '(empty e-mail)'
  const limit = MAX_MESSAGE_BYTES - Buffer.byteLength(TRUNCATED) - 8
  if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) {
    let cut = body.slice(0, limit)
    while (Buffer.byteLength(cut) > limit) cut = cut.slice(0, -64)
    body = cut + TRUNCATED
  }
  return body
}

export async function importMail(deps: InboundDeps, mail: InboundMail): Promise<ImportOutcome> {
  const seen = await findInbound<InboundKind>(deps.sql, 'email', mail.messageId)
  if (seen) return { kind: 'duplicate' }
  const subject = maskCardNumbers(mail.subject)
  const record = (kind: InboundKind, note: string | null, messageRowId: string | null = null, conversationId: string | null = null) =>
    recordInbound(deps.sql, 'email', { externalId: mail.messageId, kind, messageRowId, conversationId, sender: mail.from?.address ?? null, subject, note })

  // Our own mail coming back (the mailbox keeps a copy of what we send, or it was Bcc'd to us).
  if (await mailByMessageIds(deps.sql, [mail.messageId])) {
    await record('own', null)
    return { kind: 'ignored', reason: 'own' }
  }
  if (mail.kind === 'bounce') {
    const failed = await handleBounce(deps, mail)
    await record('bounce', mail.bounce?.error ?? null, failed?.messageRowId ?? null, failed?.conversationId ?? null)
    return { kind: 'bounce', failedMessageId: failed?.messageRowId ?? null }
  }
  if (mail.kind === 'auto_reply' || mail.kind === 'receipt') {
    await record(mail.kind, null)
    return { kind: 'ignored', reason: mail.kind }
  }
  if (!mail.from) {
    await record('rejected', 'no sender address')
    return { kind: 'ignored', reason: 'rejected' }
  }

  const target = await findThreadTarget(deps, mail)
  // The mail's own records (Message-ID, original, attachments, the import log) commit in the
  // message's transaction; a mail stored before a crash (duplicate) gets them completed here.
  const bookkeeping = async (tx: TxSql, messageRowId: string, conversationId: string, visitorId: string, duplicate: boolean) => {
    await threads.ensureThread(tx, conversationId, newToken(), baseSubject(subject) || 'Your message')
    await recordMessageId(tx, 'email', { externalId: mail.messageId, conversationId, messageRowId, direction: 'in' })
    if (!(await threads.findOriginal(tx, messageRowId))) {
      await threads.saveOriginal(tx, {
        messageRowId,
        mailMessageId: mail.messageId,
        fromAddress: mail.from!.address,
        fromName: maskOptional(mail.from!.name),
        toAddresses: mail.to,
        ccAddresses: mail.cc,
        subject,
        sentAt: mail.date,
        headers: maskCardNumbers(mail.headers),
        textBody: maskCardNumbers(mail.fullText),
        htmlBody: mail.html === null ? null : maskCardNumbersInHtml(mail.html),
      })
      for (const a of mail.attachments) {
        await saveAttachment(tx, 'email', { messageRowId, filename: a.filename, contentType: a.contentType, content: a.content })
      }
    }
    await rememberEmailAddress(tx, visitorId, mail.from!.address)
    await recordInbound(tx, 'email', {
      externalId: mail.messageId,
      kind: 'message',
      messageRowId,
      conversationId,
      sender: mail.from!.address,
      subject,
      note: duplicate ? 'stored before; completed after a restart' : null,
    })
  }
  let result: MessageResult
  try {
    result = await receiveInbound(
      deps,
      {
        channel: 'email',
        visitorId: target.visitorId,
        conversationId: target.conversationId,
        body: messageBody(mail),
        clientId: clientIdFor(mail.messageId),
      },
      (tx, stored) => bookkeeping(tx, stored.messageId, stored.conversationId, stored.visitorId, false),
    )
  } catch (e) {
    if (isAppError(e)) {
      deps.log.warn('inbound mail rejected', { messageId: mail.messageId, code: e.code })
      await record('rejected', e.message)
      return { kind: 'ignored', reason: 'rejected' }
    }
    throw e
  }
  if (result.duplicate) {
    const done = result
    await deps.sql.begin((tx) => bookkeeping(tx, done.message.id, done.conversation.id, done.conversation.visitor.id, true))
  }
  return { kind: 'imported', result }
}

/** receiveInbound's idempotency key: the Message-ID, or its hash when it is too long for a client id. */
export function clientIdFor(messageId: string): string {
  if (messageId.length <= 100) return messageId
  return 'sha256:' + new Bun.CryptoHasher('sha256').update(messageId).digest('hex')
}

async function findThreadTarget(deps: InboundDeps, mail: InboundMail): Promise<{ visitorId: string; conversationId: string }> {
  const from = mail.from!
  const ofConversation = async (id: string | null | undefined) => {
    if (!id) return null
    const conv = await getConversation(deps, id).catch((e) => {
      if (isAppError(e) && e.status === 404) return null
      throw e
    })
    return conv ? { visitorId: conv.visitor.id, conversationId: conv.id } : null
  }
  // This very mail, handled before a restart cut the import short.
  const again = await ofConversation(await conversationForMessageIds(deps.sql, 'email', [mail.messageId]))
  if (again) return again
  const byHeaders = await ofConversation(await conversationForMessageIds(deps.sql, 'email', [...mail.references, ...mail.inReplyTo]))
  if (byHeaders) return byHeaders
  for (const token of [...tokensInAddresses(mail.recipients), ...tokensInSubject(mail.subject)]) {
    const byToken = await ofConversation((await threads.findThreadByToken(deps.sql, token))?.conversationId)
    if (byToken) return byToken
  }
  // A new e-mail conversation for the sender. The mail's Message-ID is tied to it in the same
  // transaction, so a restart before the message is stored finds this conversation again.
  const created = await deps.sql.begin(async (tx) => {
    const visitorId = await findOrCreateVisitorByEmail(tx, from)
    const conv = await startConversation(tx, { visitorId, channel: 'email' })
    await threads.ensureThread(tx, conv.id, newToken(), baseSubject(maskCardNumbers(mail.subject)) || 'Your message')
    await recordMessageId(tx, 'email', { externalId: mail.messageId, conversationId: conv.id, messageRowId: null, direction: 'in' })
    return { visitorId, conversationId: conv.id }
  })
  deps.bus.emit('conversation.changed', { conversation: await getConversation(deps, created.conversationId), change: 'created' })
  return created
}

/** A bounce marks the outbound mail it reports on (and, for an e-mail conversation, its message) as failed. */
async function handleBounce(deps: InboundDeps, mail: InboundMail): Promise<OutboxRow | null> {
  const ids = [...(mail.bounce?.messageIds ?? []), ...mail.inReplyTo, ...mail.references]
  const row = await mailByMessageIds(deps.sql, ids)
  if (!row) return null
  const error = `bounced: ${mail.bounce?.error || 'the receiving mail server returned the message'}`
  const updated = await deps.sql.begin(async (tx) => {
    await failMail(tx, row.id, error)
    return row.kind === 'reply' && row.messageRowId
      ? setDeliveryWithin(tx, row.messageRowId, 'failed', { code: 'mail.bounced', detail: mail.bounce?.error || null })
      : null
  })
  if (updated) {
    const { visitorId, ...message } = updated
    deps.bus.emit('message.updated', { message, visitorId })
  }
  return row
}
