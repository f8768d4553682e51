// Agents' replies to Messenger: queued in messenger_sends (one row per message), sent by the
// worker through the Send API with retries and back-off. What the row may be sent as is decided
// when it is sent, by the window rule (window.ts): RESPONSE within 24 hours of the person's last
// message, the HUMAN_AGENT tag after that only where the owner enabled it and only for a reply a
// person wrote. Error 190 (token expired or revoked) marks the page expired and fails the reply
// at once: retrying could never succeed.
import type { Sql, TxSql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Logger } from '../../shared/logger.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { ConversationView } from '../../domain/conversations/conversations.types.ts'
import type { DeliveryCode, MessageView } from '../../domain/messages/messages.types.ts'
import { getConversation } from '../../domain/conversations/conversations.usecases.ts'
import { findMessage, setDeliveryWithin } from '../../domain/messages/messages.usecases.ts'
import { hasOutboundId, recordMessageId } from '../shared/channel-tables.ts'
import { filesOfMessage, messengerKind } from '../../domain/attachments/attachments.usecases.ts'
import { GraphError, graphRequest } from './graph.ts'
import { graphTarget, loadPage, notePageError, notePageWorks } from './settings.usecases.ts'
import { splitText } from './split.ts'
import { sendMode, windowEnds } from './window.ts'
import * as repo from './messenger.repo.ts'

export interface OutboundDeps {
  sql: Sql
  bus: EventBus
  log: Logger
  secrets: SecretBox
  /** Waits before each retry; after the last one a reply has failed. */
  retryDelaysMs: number[]
}

/** Queues an agent's reply for the person the conversation is with. */
export async function queueReply(deps: Pick<OutboundDeps, 'sql'>, message: MessageView, conversation: ConversationView): Promise<repo.SendRow> {
  const contact = await repo.contactOfVisitor(deps.sql, conversation.visitor.id)
  if (!contact) throw new AppError('messenger.no_contact', 422, 'this visitor has not written on Messenger, so there is nobody to send to')
  return repo.insertSend(deps.sql, { id: newId(), messageRowId: message.id, pageId: contact.pageId, psid: contact.psid })
}

export const sendOfMessage = (deps: Pick<OutboundDeps, 'sql'>, messageRowId: string) => repo.findSendOfMessage(deps.sql, messageRowId)

/** Whether a message's mid came back from Meta already (an echo of a reply typed in Meta's inbox). */
export const alreadyOnMessenger = (deps: Pick<OutboundDeps, 'sql'>, messageRowId: string) => hasOutboundId(deps.sql, 'messenger', messageRowId)

export type Settled =
  | { messageRowId: string; status: 'sent' }
  | { messageRowId: string; status: 'failed'; error: string; code: DeliveryCode; detail: string | null }

/** A send that cannot succeed however often it is tried; its code is what the agent reads. */
class Permanent extends Error {
  constructor(
    message: string,
    readonly code: DeliveryCode,
  ) {
    super(message)
  }
}

/** What the dashboard words for a reply Meta did not take. */
function graphDeliveryCode(e: GraphError): DeliveryCode {
  if (e.tokenExpired) return 'messenger.token_expired'
  if (e.httpStatus === null) return 'messenger.unreachable'
  // 10/2018278: sent outside the messaging window
  if (e.code === 10 && e.subcode === 2018278) return 'messenger.window_closed'
  // 551: this person is not available right now (blocked the page, left Messenger)
  if (e.code === 551) return 'messenger.recipient_unavailable'
  return 'messenger.rejected'
}

/**
 * Claims one due reply and sends what is left of it. The row stays locked while Meta is talked to;
 * its outcome (and the message's delivery state) commits in that same transaction. Returns what
 * settled, null when the reply will be retried, or false when nothing was due.
 */
export async function sendOne(deps: OutboundDeps): Promise<Settled | null | false> {
  let announce: (() => void) | null = null
  const result = await deps.sql.begin(async (tx): Promise<Settled | null | false> => {
    const row = await repo.claimSend(tx)
    if (!row) return false
    const settle = async (s: Settled) => {
      const updated = await setDeliveryWithin(tx, row.messageRowId, s.status, s.status === 'failed' ? { code: s.code, detail: s.detail } : null)
      if (updated) {
        const { visitorId, ...message } = updated
        announce = () => deps.bus.emit('message.updated', { message, visitorId })
      }
      return s
    }
    try {
      await sendRow(deps, tx, row)
      await repo.markSendSent(tx, row.id)
      await notePageWorks({ sql: tx as never }, row.pageId)
      return settle({ messageRowId: row.messageRowId, status: 'sent' })
    } catch (e) {
      const graph = e instanceof GraphError ? e : null
      const error = graph ? graph.describe() : e instanceof Error ? e.message : String(e)
      // Errors about the page (its token, its permissions, Meta unreachable) show on the channel's
      // status; those about one person (blocked the page, window closed) only on the message.
      if (graph && aboutThePage(graph)) await notePageError({ sql: tx as never }, row.pageId, graph)
      const delay = deps.retryDelaysMs[row.attempts]
      if (!(e instanceof Permanent) && graph?.transient !== false && delay !== undefined && !graph?.tokenExpired) {
        await repo.markSendRetry(tx, row.id, error, delay)
        deps.log.warn('messenger: send failed; trying again later', { messageId: row.messageRowId, attempt: row.attempts + 1, error })
        return null
      }
      const shown = graph?.tokenExpired ? `the page's access token has expired or was revoked: enter a new one in the Messenger settings (${error})` : error
      await repo.markSendFailed(tx, row.id, shown)
      deps.log.warn('messenger: send failed for good', { messageId: row.messageRowId, attempt: row.attempts + 1, error })
      // Meta's own answer is the detail; Parley's English reasons are said by the code alone.
      const code = e instanceof Permanent ? e.code : graph ? graphDeliveryCode(graph) : 'other'
      return settle({ messageRowId: row.messageRowId, status: 'failed', error: shown, code, detail: e instanceof Permanent ? null : error })
    }
  })
  ;(announce as (() => void) | null)?.()
  return result
}

async function sendRow(deps: OutboundDeps, tx: TxSql, row: repo.SendRow): Promise<void> {
  const page = await loadPage({ sql: tx as never, secrets: deps.secrets }, row.pageId)
  if (!page) throw new Permanent('the Messenger page of this conversation is no longer connected', 'messenger.page_disconnected')
  if (page.state === 'expired') throw new Permanent(`the page's access token has expired or was revoked: enter a new one in the Messenger settings`, 'messenger.token_expired')
  const message = await findMessage({ sql: tx }, row.messageRowId)
  if (!message) throw new Permanent('the message is gone', 'other')
  const contact = await repo.findContact(tx, row.pageId, row.psid)
  const mode = sendMode({ lastInboundAt: contact?.lastInboundAt ?? null, now: new Date(), humanAgentEnabled: page.humanAgent, writtenByAgent: message.authorType === 'agent' && message.authorId !== null })
  if (mode.kind === 'closed') throw new Permanent(mode.reason, 'messenger.window_closed')
  const target = await graphTarget({ sql: tx as never })
  // The text's parts, then each file as a message of its own (Messenger takes one attachment per
  // message); partsSent counts both, so a retry resumes after what Meta already took.
  const parts = splitText(message.body)
  const files = message.attachments.length ? await filesOfMessage({ sql: tx }, message.id) : []
  const envelope = {
    recipient: { id: row.psid },
    messaging_type: mode.kind === 'RESPONSE' ? 'RESPONSE' : 'MESSAGE_TAG',
    ...(mode.kind === 'HUMAN_AGENT' ? { tag: 'HUMAN_AGENT' } : {}),
  }
  for (let i = row.partsSent; i < parts.length + files.length; i++) {
    const file = i >= parts.length ? files[i - parts.length]! : null
    const sent = await graphRequest<{ message_id?: string; recipient_id?: string }>(target, `${page.pageId}/messages`, {
      token: page.accessToken,
      method: 'POST',
      ...(file ? { form: attachmentForm(envelope, file) } : { body: { ...envelope, message: { text: parts[i] } } }),
    })
    // The mid tells our own echo apart from a reply typed in Meta's inbox, and read receipts find the message by it.
    if (typeof sent.message_id === 'string') {
      await recordMessageId(tx, 'messenger', { externalId: sent.message_id, conversationId: message.conversationId, messageRowId: message.id, direction: 'out' })
    }
    await repo.sendProgress(tx, row.id, i + 1, mode.kind)
  }
}

/**
 * A file as the Send API takes it from the sender's own bytes (Meta's "attachment upload" form of
 * the Send API: the fields as form values, the JSON ones as JSON text, the file as `filedata`).
 * Uploading rather than passing a `payload.url` works when Parley is not reachable from the
 * internet, and hands Meta no link to the file.
 */
function attachmentForm(envelope: Record<string, unknown>, file: { filename: string; contentType: string; content: Uint8Array }): FormData {
  const form = new FormData()
  for (const [k, v] of Object.entries(envelope)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v))
  form.set('message', JSON.stringify({ attachment: { type: messengerKind(file.contentType), payload: { is_reusable: false } } }))
  form.set('filedata', new Blob([new Uint8Array(file.content)], { type: file.contentType }), file.filename)
  return form
}

/**
 * Whether Meta's error is about the page (its token, its permissions, Meta unreachable) rather
 * than about one person; 10/2018278 is "outside the allowed window", a person's matter.
 */
function aboutThePage(e: GraphError): boolean {
  if (e.tokenExpired || e.transient) return true
  if (e.code === 10) return e.subcode !== 2018278
  return e.code === 200 || e.code === 230
}

/** The retry button on a failed reply. */
export async function retryReply(deps: Pick<OutboundDeps, 'sql' | 'bus'>, conversationId: string, messageId: string): Promise<void> {
  const conversation = await getConversation(deps, conversationId)
  const message = isUuid(messageId) ? await findMessage(deps, messageId) : null
  if (!message || message.conversationId !== conversation.id) throw new AppError('message.not_found', 404, 'message not found')
  if (!(await repo.requeueSend(deps.sql, messageId))) throw new AppError('messenger.not_failed', 409, 'only a reply that failed can be sent again')
  const updated = await setDeliveryWithin(deps.sql, messageId, 'pending', null)
  if (updated) {
    const { visitorId, ...m } = updated
    deps.bus.emit('message.updated', { message: m, visitorId })
  }
}

/** What the composer shows of a Messenger conversation: how long the window stays open, and whether a reply can go out. */
export async function windowOf(deps: { sql: Sql; bus: EventBus; secrets: SecretBox }, conversationId: string) {
  const conversation = await getConversation(deps, conversationId)
  if (conversation.channel !== 'messenger') throw new AppError('messenger.not_messenger', 404, 'this is not a Messenger conversation')
  const contact = await repo.contactOfVisitor(deps.sql, conversation.visitor.id)
  const page = contact ? await loadPage(deps, contact.pageId) : null
  const now = new Date()
  const mode = sendMode({ lastInboundAt: contact?.lastInboundAt ?? null, now, humanAgentEnabled: page?.humanAgent ?? false, writtenByAgent: true })
  const ends = windowEnds(contact?.lastInboundAt ?? null)
  return {
    pageId: contact?.pageId ?? null,
    pageName: page?.name ?? null,
    lastInboundAt: contact?.lastInboundAt ?? null,
    responseEndsAt: ends.response,
    humanAgentEndsAt: page?.humanAgent ? ends.humanAgent : null,
    mode: mode.kind,
    // needs_tag: a HUMAN_AGENT reply would still be allowed, were the tag enabled for the page
    reason: mode.kind !== 'closed' ? null : !page?.humanAgent && ends.humanAgent && now < ends.humanAgent ? 'needs_tag' : 'closed',
    now,
  }
}
