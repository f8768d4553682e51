import type { TxSql } from '../../db/client.ts'
import type { Author, MessageEffect } from '../conversations/conversations.rules.ts'
import type { AuthorType, Channel, ConversationView } from '../conversations/conversations.types.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'

export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'failed'

export interface MessageView {
  id: string
  conversationId: string
  seq: number
  authorType: AuthorType
  authorId: string | null
  /** The agent's name for agent messages (the widget shows who answered). */
  authorName: string | null
  body: string
  clientId: string | null
  channel: Channel
  deliveryStatus: DeliveryStatus
  deliveryError: string | null
  createdAt: Date
}

/** An updated message as the dashboards and the visitor's tabs are told of it. */
export type UpdatedMessage = MessageView & { visitorId: string }

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

/**
 * A channel's own records of a message (the mail's Message-ID, original, attachments), written
 * in the message's transaction so they commit together with it, before anyone hears of it.
 */
export type WithinMessage = (tx: TxSql, stored: { messageId: string; conversationId: string; visitorId: string }) => Promise<void>

/** One message for the append statement (messages.repo.ts appendMessages). */
export interface AppendItem {
  id: string
  conversationId: string
  author: Author & { name: string | null }
  /** What the message does to its conversation (conversations.rules.ts effectOf). */
  effect: MessageEffect
  /** Whose conversation it must be (null: anyone's); any other is treated as missing. */
  owner: string | null
  body: MaskedText
  preview: MaskedText
  clientId: string | null
  /** The channel it came by; null: the conversation's own (an agent's reply). */
  channel: Channel | null
  deliveryStatus: DeliveryStatus
}

/** What became of one appended message. */
export type AppendOutcome =
  | {
      kind: 'stored'
      message: MessageView
      conversation: ConversationView
      /** The conversation before the message; null for a later message of the same conversation in one statement. */
      before: { status: ConversationView['status']; assigneeId: string | null } | null
    }
  /** Its client id was stored before: the original message, nothing written. */
  | { kind: 'seen'; message: MessageView; conversation: ConversationView }
  /** No such conversation, or someone else's. */
  | { kind: 'missing' }
