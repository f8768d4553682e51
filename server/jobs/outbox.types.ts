// The outbox's rows, as its callers (the e-mail channel, and whoever queues notifications) see them.
import type { ConversationEventView } from '../domain/conversation-events/conversation-events.types.ts'
import type { DeliveryCode } from '../domain/messages/messages.types.ts'
import type { TxSql } from '../db/client.ts'

export type OutboxStatus = 'queued' | 'sent' | 'failed'

/**
 * reply: an e-mail conversation's agent message (its delivery status follows the mail);
 * copy: a web-chat reply also e-mailed; notification: to an agent; transcript: of a conversation.
 * The last two carry their own subject and text instead of a message.
 */
export type OutboxKind = 'reply' | 'copy' | 'notification' | 'transcript'

export interface OutboxRow {
  id: string
  kind: OutboxKind
  messageRowId: string | null
  conversationId: string | null
  toAddress: string
  /** Fixed when the row is queued, so a retry (or a resend after a crash) is the same mail. */
  mailMessageId: string
  subject: string | null
  textBody: string | null
  status: OutboxStatus
  attempts: number
  nextAttemptAt: Date
  lastError: string | null
  sentAt: Date | null
}

export type Settled = ({ row: OutboxRow; status: 'sent' } | { row: OutboxRow; status: 'failed'; error: string; code?: DeliveryCode }) & {
  /** System events the sender recorded in the claiming transaction, for the listeners to announce once committed. */
  events?: ConversationEventView[]
}

/**
 * How a claimed row becomes a mail on the wire: given by the channel that sends mail (e-mail) when
 * Parley is wired, so the outbox knows no SMTP client and no mail format.
 */
export interface MailSender {
  /** Composes and sends the row's mail; resolves with the server's acceptance, or throws. */
  send(tx: TxSql, row: OutboxRow): Promise<string>
  /** Why a send failed, and whether trying again could help. */
  describeError(e: unknown): { error: string; permanent: boolean; code?: DeliveryCode }
  /** Records the outcome on the sender's own rows, in the claiming transaction. */
  settle(tx: TxSql, outcome: Settled): Promise<void>
}
