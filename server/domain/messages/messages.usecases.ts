// receiveInbound() is how every channel hands a visitor's message to Parley; sendReply() is how
// an agent answers. Both commit the message and its conversation change in one transaction,
// and are idempotent by client id: a retried frame is stored once and answered with the original.
import type { Db, Sql, TxSql } from '../../db/client.ts'
import type { EventBus, ConversationChange } from '../../events/bus.ts'
import { AppError, isUniqueViolation } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import * as conversations from '../conversations/conversations.repo.ts'
import type { Channel, ConversationView } from '../conversations/conversations.repo.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import * as repo from './messages.repo.ts'
import type { MessageView } from './messages.repo.ts'
import { maskCardNumbers } from './card-mask.ts'
import { isVisitorOnline } from '../visitors/visitors.repo.ts'
import type { VisitorMessageBatcher } from './append-batch.ts'
import { isUuid } from '../../shared/ids.ts'

export const MAX_MESSAGE_BYTES = 16 * 1024
export const MAX_CLIENT_ID_LENGTH = 100

export interface MessageDeps {
  sql: Sql
  bus: EventBus
  /** Group commit for visitors' messages; without it each message is stored on its own. */
  visitorMessages?: VisitorMessageBatcher
}

/** What a channel adapter makes of a visitor's message. */
export interface InboundMessage {
  channel: Channel
  visitorId: string
  /** The thread, when the channel knows it (widget, e-mail reply headers); else the visitor's latest on the channel. */
  conversationId?: string | null
  body: string
  /** Idempotency key: the client's frame id, or the channel's own message id. */
  clientId?: string | null
}

export interface MessageResult {
  message: MessageView
  conversation: ConversationView
  /** True when this client id was already stored: nothing new was written. */
  duplicate: boolean
}

/** Validates a message body and masks card numbers in it: only the masked text is ever stored. */
export function checkBody(raw: string): string {
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

export function preview(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim()
  return flat.length > 140 ? flat.slice(0, 139) + '…' : flat
}

async function existing(deps: MessageDeps, authorId: string, clientId: string | null): Promise<MessageResult | null> {
  if (!clientId) return null
  const message = await repo.findByClientId(deps.sql, authorId, clientId)
  if (!message) return null
  const conversation = await conversations.findView(deps.sql, message.conversationId)
  return { message, conversation: conversation!, duplicate: true }
}

interface Stored {
  message: MessageView
  conversation: ConversationView
  changes: ConversationChange[]
}

/**
 * Runs `work`, which stores the message. A client id seen before makes the insert fail on its
 * unique index (also when a concurrent retry won the race): the original is answered instead,
 * so the common case (a new message) pays for no lookup first.
 */
async function onceByClientId(
  deps: MessageDeps,
  authorId: string,
  clientId: string | null,
  work: () => Promise<Stored>,
  alsoEmail?: boolean,
): Promise<MessageResult> {
  let stored: Stored
  try {
    stored = await work()
  } catch (e) {
    if (isUniqueViolation(e, 'messages_client_id')) {
      const before = await existing(deps, authorId, clientId)
      if (before) return before
    }
    throw e
  }
  const { message, conversation } = stored
  for (const change of stored.changes) deps.bus.emit('conversation.changed', { conversation, change })
  // Whether a reply should follow the visitor by e-mail depends on their presence at this moment,
  // not when a listener gets round to asking.
  const visitorOnline =
    message.authorType === 'agent' && conversation.channel === 'web' && conversation.visitor.email
      ? await isVisitorOnline(deps.sql, conversation.visitor.id)
      : undefined
  deps.bus.emit('message.created', {
    message,
    conversation,
    ...(alsoEmail === undefined ? {} : { alsoEmail }),
    ...(visitorOnline === undefined ? {} : { visitorOnline }),
  })
  return { message, conversation, duplicate: false }
}

const notFound = () => new AppError('conversation.not_found', 404, 'conversation not found')

/**
 * A channel's own records of a message (the mail's Message-ID, original, attachments), written
 * in the message's transaction so they commit together with it, before anyone hears of it.
 */
export type WithinMessage = (tx: TxSql, stored: { messageId: string; conversationId: string; visitorId: string }) => Promise<void>

/** A visitor's message as stored: a new message reopens a resolved conversation (same statement). */
function visitorStored(r: repo.Appended, created: boolean): Stored {
  const changes: ConversationChange[] = created ? ['created'] : r.previous.status === 'resolved' ? ['reopened'] : []
  return { message: r.message, conversation: r.conversation, changes }
}

export async function receiveInbound(deps: MessageDeps, input: InboundMessage, within?: WithinMessage): Promise<MessageResult> {
  const body = checkBody(input.body)
  const clientId = checkClientId(input.clientId)
  const append = async (db: Db, conversationId: string, created: boolean): Promise<Stored> => {
    const r = await repo.appendToConversation(db, {
      id: newId(),
      conversationId,
      // Someone else's conversation is answered exactly like a missing one.
      ownedBy: input.visitorId,
      authorType: 'visitor',
      authorId: input.visitorId,
      authorName: null,
      body,
      preview: preview(body),
      clientId,
      // the channel it came by: an e-mailed answer to a web chat is an e-mail message
      channel: input.channel,
      deliveryStatus: 'received',
    })
    if (!r) throw notFound()
    return visitorStored(r, created)
  }
  return onceByClientId(deps, input.visitorId, clientId, async () => {
    // The common case: the widget knows its conversation. It is stored with the other messages
    // arriving meanwhile, in one statement (group commit); what the batch leaves (a retried
    // client id, someone else's conversation) takes the one-message path for its exact answer.
    if (input.conversationId && !within) {
      if (deps.visitorMessages && isUuid(input.conversationId)) {
        const r = await deps.visitorMessages.append({
          id: newId(),
          conversationId: input.conversationId,
          visitorId: input.visitorId,
          body,
          preview: preview(body),
          clientId,
          channel: input.channel,
        })
        if (r) return visitorStored(r, false)
      }
      return append(deps.sql, input.conversationId, false)
    }
    return deps.sql.begin(async (tx) => {
      let conversationId = input.conversationId ?? null
      let created = false
      if (!conversationId) {
        const latest = await conversations.latestForVisitor(tx, input.visitorId, input.channel)
        if (latest) conversationId = latest.id
        else {
          conversationId = (await conversations.insertConversation(tx, { id: newId(), visitorId: input.visitorId, channel: input.channel })).id
          created = true
        }
      }
      const stored = await append(tx, conversationId, created)
      if (within) await within(tx, { messageId: stored.message.id, conversationId, visitorId: input.visitorId })
      return stored
    })
  })
}

export interface ReplyInput {
  conversationId: string
  body: string
  clientId?: string | null
  /** On a web chat whose visitor has left: also e-mail the reply (default true when an address is known). */
  alsoEmail?: boolean
}

/** An agent's answer. Answering an unassigned conversation takes it. */
export async function sendReply(deps: MessageDeps, actor: Actor, input: ReplyInput): Promise<MessageResult> {
  const body = checkBody(input.body)
  const clientId = checkClientId(input.clientId)
  return onceByClientId(
    deps,
    actor.id,
    clientId,
    async () => {
      const r = await repo.appendToConversation(deps.sql, {
        id: newId(),
        conversationId: input.conversationId,
        ownedBy: null,
        authorType: 'agent',
        authorId: actor.id,
        authorName: actor.name,
        body,
        preview: preview(body),
        clientId,
        channel: null,
        deliveryStatus: 'pending',
      })
      if (!r) throw notFound()
      return { message: r.message, conversation: r.conversation, changes: r.previous.assigneeId === null ? ['assigned'] : [] }
    },
    input.alsoEmail,
  )
}

export interface ThreadQuery {
  afterSeq?: number
  beforeSeq?: number
  limit?: number
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
  error: string | null = null,
): Promise<void> {
  const updated = await repo.setDelivery(deps.sql, messageId, status, error)
  if (updated) announceUpdate(deps, updated)
}

/** The visitor's client confirms it has shown the agent's messages up to `seq`. */
export async function markDelivered(deps: MessageDeps, conversationId: string, seq: number): Promise<void> {
  for (const updated of await repo.markDeliveredUpTo(deps.sql, conversationId, seq)) announceUpdate(deps, updated)
}

function announceUpdate(deps: MessageDeps, { visitorId, ...message }: repo.UpdatedMessage): void {
  deps.bus.emit('message.updated', { message, visitorId })
}

export async function findMessageView(deps: { sql: Db }, id: string): Promise<MessageView | null> {
  return repo.findMessage(deps.sql, id)
}

/**
 * A channel whose sending outlives the request (the e-mail outbox) records the message's delivery
 * in its own transaction, beside its own bookkeeping; it announces the returned view once committed.
 */
export async function setDeliveryWithin(db: Db, messageId: string, status: repo.DeliveryStatus, error: string | null): Promise<repo.UpdatedMessage | null> {
  return repo.setDelivery(db, messageId, status, error)
}
