// Who is told what and when: the shapes the rest of Parley sees of e-mail notifications.
import type { Db } from '../../db/client.ts'

/**
 * offline_message: the agent was offline and a visitor wrote.
 * missed_conversation: the agent was online, the visitor wrote and left before anyone replied.
 */
export type NotificationKind = 'offline_message' | 'missed_conversation'

export interface NotificationChoice {
  offlineMessage: boolean
  missedConversation: boolean
}

/** An agent's own choice: null follows the team's default. */
export interface AgentNotificationPrefs {
  offlineMessage: boolean | null
  missedConversation: boolean | null
}

export interface NotificationSettingsView {
  /** What this agent gets, defaults applied. */
  effective: NotificationChoice
  own: AgentNotificationPrefs
  defaults: NotificationChoice
}

export interface NotificationTimer {
  conversationId: string
  kind: NotificationKind
  fromSeq: number
  dueAt: Date
}

/**
 * How a notice becomes mail: given at wiring by whoever sends mail (the e-mail channel through the
 * outbox), so the domain knows no SMTP. `queue` runs in the caller's transaction.
 */
export interface NotificationMailer {
  /** Whether mail can be sent at all (SMTP is set up). */
  canSend(): Promise<boolean>
  queue(db: Db, mail: { to: string; subject: string; text: string; conversationId: string; kind?: 'notification' | 'transcript' }): Promise<void>
  /** Something was queued: send it now rather than at the next poll. */
  kick(): void
}
