// receiveInbound() is how every channel hands a visitor's message to Parley; sendReply() is how
// an agent answers. Both go through the one append statement (messages.repo.ts appendMessages),
// which commits the message and what it does to its conversation together, and are idempotent by
// client id: a retried frame is stored once and answered with the original.
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError, isAppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import { conversationForMessage } from '../conversations/conversations.usecases.ts'
import { changesOf, effectOf, requiredOwner, type Author, type MessageEffect } from '../conversations/conversations.rules.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import { LANGUAGES, type Language } from '../shared/validate.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import { isVisitorOnline } from '../visitors/visitors.usecases.ts'
import { assertNotBlocked } from '../blocking/blocking.usecases.ts'
import { checkUploadIds, claimUploads, uploadNames } from '../attachments/attachments.usecases.ts'
import * as repo from './messages.repo.ts'
import { appendOne, retryAfterRace, type VisitorMessageBatcher } from './append-batch.ts'
import type { AppendItem, AppendOutcome, DeliveryFailure, DeliveryStatus, InboundMessage, MessageResult, MessageView, UpdatedMessage, WithinMessage } from './messages.types.ts'
import type { Channel } from '../conversations/conversations.types.ts'
import { announceConversationEvents, type ConversationEventView } from '../conversation-events/conversation-events.usecases.ts'

export type { InboundMessage, MessageResult, WithinMessage } from './messages.types.ts'

export const MAX_MESSAGE_BYTES = 16 * 1024
/** Sequence numbers are PostgreSQL integers: a larger one in a request is refused, never queried. */
export const MAX_SEQ = 2_147_483_647
export const MAX_CLIENT_ID_LENGTH = 100

export interface MessageDeps {
  sql: Sql
  bus: EventBus
  /** Group commit for visitors' messages; without it each message is stored on its own. */
  visitorMessages?: VisitorMessageBatcher
}

/** Validates a message body and masks card numbers in it: only the masked text is ever stored. */
export function checkBody(raw: string): MaskedText {
  if (raw.trim() === '') throw new AppError('message.empty', 400, 'the message is empty')
  const body = maskCardNumbers(raw)
  if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) {
    throw new AppError('message.too_long', 413, `the message is longer than ${MAX_MESSAGE_BYTES} bytes`, { max: MAX_MESSAGE_BYTES })
  }
  return body
}

function checkClientId(clientId: string | null | undefined): string | null {
  if (clientId === undefined || clientId === null) return null
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new AppError('message.invalid_client_id', 400, `clientId must be 1–${MAX_CLIENT_ID_LENGTH} characters`)
  }
  return clientId
}

/**
 * The list's one-line preview. Masked again after flattening: digit groups on separate lines
 * become one space-separated run here, which can read as a card number.
 */
export function preview(body: MaskedText): MaskedText {
  const flat = body.replace(/\s+/g, ' ').trim()
  return maskCardNumbers(flat.length > 140 ? flat.slice(0, 139) + '…' : flat)
}

const notFound = () => new AppError('conversation.not_found', 404, 'conversation not found')

function appendItem(
  author: Author & { name: string | null },
  m: { conversationId: string; body: MaskedText; clientId: string | null; channel: Channel | null; deliveryStatus: DeliveryStatus },
  files: readonly string[] = [],
): AppendItem {
  // A message that is only files previews as their names.
  const shown = m.body === '' && files.length ? preview(maskCardNumbers(`📎 ${files.join(', ')}`)) : preview(m.body)
  return { id: newId(), author, effect: effectOf(author), owner: requiredOwner(author), preview: shown, eventId: newId(), ...m }
}

/**
 * The system event the append statement recorded with the message (conversation-events.sql.ts):
 * the same row, built from what the statement answered instead of read again.
 */
function messageEvent(eventId: string, message: MessageView, before: { status: string; assigneeId: string | null }, effect: MessageEffect): ConversationEventView | null {
  const at = { id: eventId, conversationId: message.conversationId, afterSeq: message.seq - 1, createdAt: message.createdAt }
  if (effect.reopens && before.status === 'resolved') {
    return { ...at, kind: 'reopened', actor: null, agent: null, data: { reason: 'visitor_wrote' } }
  }
  if (effect.takenBy !== null && before.assigneeId === null) {
    const who = { id: effect.takenBy, name: message.authorName ?? '' }
    return { ...at, kind: 'taken', actor: who, agent: who, data: {} }
  }
  return null
}

/**
 * Answers an append and tells everyone what it changed. `created`: the conversation was opened
 * for this message. A client id seen before is answered with the original and announces nothing.
 */
async function settle(deps: MessageDeps, outcome: AppendOutcome, created: boolean, effect: MessageEffect, eventId: string, alsoEmail?: boolean): Promise<MessageResult> {
  if (outcome.kind === 'missing') throw notFound()
  const { message, conversation } = outcome
  if (outcome.kind === 'seen') return { message, conversation, duplicate: true }
  const changes = created ? changesOf('created', effect) : outcome.before ? changesOf(outcome.before, effect) : []
  // The thread's line ("Reopened: the visitor wrote") comes before the message it is about.
  if (!created && outcome.before) announceConversationEvents(deps, [messageEvent(eventId, message, outcome.before, effect)])
  for (const change of changes) deps.bus.emit('conversation.changed', { conversation, change })
  // Whether a reply should follow the visitor by e-mail depends on their presence at this moment,
  // not when a listener gets round to asking.
  const visitorOnline =
    message.authorType === 'agent' && conversation.channel === 'web' && conversation.visitor.email
      ? await isVisitorOnline(deps, conversation.visitor.id)
      : undefined
  deps.bus.emit('message.created', {
    message,
    conversation,
    ...(alsoEmail === undefined ? {} : { alsoEmail }),
    ...(visitorOnline === undefined ? {} : { visitorOnline }),
  })
  return { message, conversation, duplicate: false }
}

/** A channel's own records (`within`) may store the message's files: the announced message carries them. */
async function withFiles(tx: Db, outcome: AppendOutcome, within: WithinMessage | undefined): Promise<AppendOutcome> {
  if (!within || outcome.kind !== 'stored') return outcome
  return { ...outcome, message: { ...outcome.message, attachments: await repo.attachmentsOfMessage(tx, outcome.message.id) } }
}

/** Rolls back a transaction that stored nothing (so a conversation opened for the message goes too). */
class NothingStored {
  constructor(readonly outcome: AppendOutcome) {}
}

export async function receiveInbound(deps: MessageDeps, input: InboundMessage, within?: WithinMessage): Promise<MessageResult> {
  const body = checkBody(input.body)
  const clientId = checkClientId(input.clientId)
  // A blocked visitor's message is refused on every channel (#16); free while nobody is blocked.
  await assertNotBlocked(deps, { visitorId: input.visitorId })
  const author = { type: 'visitor', id: input.visitorId, name: null } as const
  const effect = effectOf(author)
  // the channel it came by: an e-mailed answer to a web chat is an e-mail message
  const eventId = newId()
  const language = input.language && LANGUAGES.includes(input.language as Language) ? input.language : null
  const item = (conversationId: string) => ({ ...appendItem(author, { conversationId, body, clientId, channel: input.channel, deliveryStatus: 'received' }), eventId, language })
  const known = input.conversationId
  if (known && !isUuid(known)) throw notFound()
  // The common case: the widget knows its conversation. It is stored with the other messages
  // arriving meanwhile, in one statement (group commit).
  if (known && !within) {
    const one = item(known)
    return settle(deps, deps.visitorMessages ? await deps.visitorMessages.append(one) : await appendOne(deps.sql, one), false, effect, eventId)
  }
  // Otherwise in a transaction: finding or opening the conversation, and the channel's own
  // records (`within`), commit together with the message.
  let done: { outcome: AppendOutcome; created: boolean }
  try {
    done = await retryAfterRace(() =>
      deps.sql.begin(async (tx) => {
        const target = known ? { id: known, created: false } : await conversationForMessage(tx, input.visitorId, input.channel)
        const [outcome] = await repo.appendMessages(tx, [item(target.id)])
        if (outcome!.kind !== 'stored') throw new NothingStored(outcome!)
        if (within) await within(tx, { messageId: outcome!.message.id, conversationId: target.id, visitorId: input.visitorId })
        return { outcome: await withFiles(tx, outcome!, within), created: target.created }
      }),
    )
  } catch (e) {
    if (!(e instanceof NothingStored)) throw e
    done = { outcome: e.outcome, created: false }
  }
  return settle(deps, done.outcome, done.created, effect, eventId)
}

export interface ReplyInput {
  conversationId: string
  body: string
  clientId?: string | null
  /** On a web chat whose visitor has left: also e-mail the reply (default true when an address is known). */
  alsoEmail?: boolean
  /** Files the agent uploaded for this reply (attachments.usecases.ts uploadFile), in order. */
  attachmentIds?: readonly string[]
}

/**
 * An agent's answer: a batch of one through the same append statement. With files, the message
 * and the move of its uploads into its attachments commit in one transaction: the reply is
 * acknowledged (and delivered) with its files or not stored at all. Text may then be empty.
 */
export async function sendReply(deps: MessageDeps, actor: Actor, input: ReplyInput): Promise<MessageResult> {
  const fileIds = checkUploadIds(input.attachmentIds)
  const body = fileIds.length && input.body.trim() === '' ? maskCardNumbers('') : checkBody(input.body)
  const clientId = checkClientId(input.clientId)
  if (!isUuid(input.conversationId)) throw notFound()
  const author = { type: 'agent', id: actor.id, name: actor.name } as const
  const fields = { conversationId: input.conversationId, body, clientId, channel: null, deliveryStatus: 'pending' } as const
  // A retried frame whose files were claimed by its first try is answered with the original.
  const earlier = fileIds.length && clientId ? await repo.findByClientId(deps.sql, actor.id, clientId) : null
  if (fileIds.length === 0 || earlier) {
    const one = appendItem(author, fields)
    const result = await settle(deps, await appendOne(deps.sql, one), false, one.effect, one.eventId, input.alsoEmail)
    return earlier ? { ...result, message: (await repo.findMessage(deps.sql, result.message.id)) ?? result.message } : result
  }
  let outcome: AppendOutcome
  let effect: MessageEffect | null = null
  let eventId: string | null = null
  try {
    outcome = await retryAfterRace(() =>
      deps.sql.begin(async (tx) => {
        const names = await uploadNames(tx, { ids: fileIds, agentId: actor.id, conversationId: input.conversationId })
        const one = appendItem(author, fields, names)
        effect = one.effect
        eventId = one.eventId
        const [o] = await repo.appendMessages(tx, [one])
        if (o!.kind !== 'stored') throw new NothingStored(o!)
        const attachments = await claimUploads(tx, {
          ids: fileIds,
          agentId: actor.id,
          conversationId: o!.conversation.id,
          messageRowId: o!.message.id,
          channel: o!.message.channel,
        })
        return { ...o!, message: { ...o!.message, attachments } }
      }),
    )
  } catch (e) {
    if (e instanceof NothingStored) outcome = e.outcome
    else {
      // The same frame sent twice at once: the first claimed the files; the second is its duplicate.
      const first = clientId && isAppError(e) && e.code === 'attachment.not_found' ? await repo.findByClientId(deps.sql, actor.id, clientId) : null
      if (!first) throw e
      return sendReply(deps, actor, input)
    }
  }
  return settle(deps, outcome, false, effect ?? effectOf(author), eventId ?? newId(), input.alsoEmail)
}

/**
 * A reply an agent wrote outside Parley (in the channel's own inbox, e.g. Meta's Page inbox), which
 * the channel saw come back: stored as an agent's message already sent, with no agent behind it,
 * in the transaction of the channel's own records (`within`) so it is imported once.
 */
export async function receiveExternalReply(
  deps: MessageDeps,
  input: { conversationId: string; body: string; channel: Channel },
  within: WithinMessage,
): Promise<MessageResult> {
  const body = checkBody(input.body)
  if (!isUuid(input.conversationId)) throw notFound()
  const one = appendItem({ type: 'agent', id: null, name: null }, { conversationId: input.conversationId, body, clientId: null, channel: input.channel, deliveryStatus: 'sent' })
  let outcome: AppendOutcome
  try {
    outcome = await deps.sql.begin(async (tx) => {
      const [o] = await repo.appendMessages(tx, [one])
      if (o!.kind !== 'stored') throw new NothingStored(o!)
      await within(tx, { messageId: o!.message.id, conversationId: o!.conversation.id, visitorId: o!.conversation.visitor.id })
      return withFiles(tx, o!, within)
    })
  } catch (e) {
    if (!(e instanceof NothingStored)) throw e
    outcome = e.outcome
  }
  return settle(deps, outcome, false, one.effect, one.eventId)
}

export interface ThreadQuery {
  afterSeq?: number
  beforeSeq?: number
  limit?: number
}

/** One message as the thread shows it, or null (also for an id that is not a UUID: it names nothing). */
export async function findMessage(deps: { sql: Db }, id: string): Promise<MessageView | null> {
  return isUuid(id) ? repo.findMessage(deps.sql, id) : null
}

/** Several messages by id, in no particular order; ids that are not UUIDs name nothing. */
export async function findMessages(deps: { sql: Db }, ids: string[]): Promise<MessageView[]> {
  const valid = ids.filter(isUuid)
  return valid.length ? repo.findMessages(deps.sql, valid) : []
}

export async function listMessages(deps: MessageDeps, conversationId: string, q: ThreadQuery): Promise<MessageView[]> {
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 500)
  if (q.afterSeq !== undefined) return repo.listAfter(deps.sql, conversationId, q.afterSeq, limit)
  if (q.beforeSeq !== undefined) return repo.listBefore(deps.sql, conversationId, q.beforeSeq, limit)
  return repo.listLatest(deps.sql, conversationId, limit)
}

/** The channel reports what became of an outbound message. */
export async function recordDelivery(
  deps: MessageDeps,
  messageId: string,
  status: 'sent' | 'delivered' | 'failed',
  failure: DeliveryFailure | null = null,
): Promise<void> {
  // The outcome of the attempt that began with the reply, so only while that attempt is pending: it
  // can arrive after a newer state (the channel's worker recorded it already, the agent pressed
  // retry and the second attempt was sent, the visitor read it), which it must not overwrite.
  const updated = await setDeliveryWithin(deps.sql, messageId, status, failure, 'pending')
  if (updated) announceUpdate(deps, updated)
}

/** The visitor's client confirms it has shown the agent's messages up to `seq`. */
export async function markDelivered(deps: MessageDeps, conversationId: string, seq: number): Promise<void> {
  for (const updated of await repo.markDeliveredUpTo(deps.sql, conversationId, seq)) announceUpdate(deps, updated)
}

function announceUpdate(deps: MessageDeps, { visitorId, ...message }: UpdatedMessage): void {
  deps.bus.emit('message.updated', { message, visitorId })
}

/**
 * A channel whose sending outlives the request (the e-mail outbox) records the message's delivery
 * in its own transaction, beside its own bookkeeping; it announces the returned view once committed.
 */
export async function setDeliveryWithin(
  db: Db,
  messageId: string,
  status: DeliveryStatus,
  failure: DeliveryFailure | null,
  onlyWhile: DeliveryStatus | null = null,
): Promise<UpdatedMessage | null> {
  // A failure always carries a code, so the dashboard never has to show a channel's English as the reason.
  const code = status === 'failed' ? (failure?.code ?? 'other') : null
  const detail = status === 'failed' && failure?.detail ? maskCardNumbers(failure.detail) : null
  return repo.setDelivery(db, messageId, status, code, detail, onlyWhile)
}
