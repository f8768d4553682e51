import type { TxSql } from '../../db/client.ts'
import type { Author, MessageEffect } from '../conversations/conversations.rules.ts'
import type { AuthorType, Channel, ConversationView } from '../conversations/conversations.types.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { AttachmentInfo } from '../attachments/attachments.types.ts'

export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'failed'

/**
 * Why an outbound message failed: a closed vocabulary the dashboard words in the agent's language.
 * The channel's raw answer (SMTP's reply, Meta's error) travels beside it as deliveryError.
 */
export const DELIVERY_CODES = [
  'smtp.auth', // the SMTP server refused our login
  'smtp.unreachable', // no connection to the SMTP server (refused, DNS, timeout, TLS)
  'smtp.rejected_recipient', // the SMTP server refused the visitor's address
  'smtp.rejected', // the SMTP server refused the mail for another reason
  'mail.bounced', // accepted, then returned by the receiving mail server
  'mail.not_set_up', // no SMTP settings to send with
  'mail.no_address', // the visitor has no e-mail address
  'messenger.window_closed', // Messenger's messaging window is closed (or the person never wrote)
  'messenger.token_expired', // the page's access token expired or was revoked
  'messenger.page_disconnected', // the page of this conversation is no longer connected
  'messenger.recipient_unavailable', // the person blocked the page or cannot be reached
  'messenger.rejected', // Meta refused the message for another reason
  'messenger.unreachable', // Meta could not be reached
  'channel.not_set_up', // the conversation's channel is not set up at all
  'other',
] as const
export type DeliveryCode = (typeof DELIVERY_CODES)[number]

/** A failed delivery: the code that is worded, and the channel's own text quoted after it. */
export interface DeliveryFailure {
  code: DeliveryCode
  detail: string | null
}

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
  /** Why it failed, when it did (DELIVERY_CODES); worded by the dashboard. */
  deliveryCode: DeliveryCode | null
  /** The channel's raw answer, for the owner: quoted after the worded reason. */
  deliveryError: string | null
  createdAt: Date
  /** The files that came with it (an agent's attached files, a visitor's e-mail or Messenger files), in order. */
  attachments: AttachmentInfo[]
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
  /** The visitor's UI language (en, cs, de, es, hu, pl), when the channel knows it: for full-text search. */
  language?: string | null
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
  /**
   * The id of the system event the message records when it reopens its conversation (a visitor's)
   * or takes it (an agent answering an unassigned one); only the first of a conversation's
   * messages in one statement can, so the others' ids go unused.
   */
  eventId: string
  /** The UI language it was written in, when the channel knows it (search, #16); else the agent's. */
  language?: string | null
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
