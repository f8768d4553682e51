// Desktop notifications, sound and Web Push for agents: the shapes the rest of Parley sees.

/**
 * What an agent can be told of: a new conversation, a visitor's message in a conversation assigned
 * to them, one in a conversation nobody has taken, and a colleague mentioning them (its source is
 * the internal-notes feature; until a mention is emitted the choice is stored but never fires).
 */
export const ALERT_EVENTS = ['new_conversation', 'my_message', 'unassigned_message', 'mention'] as const
export type AlertEvent = (typeof ALERT_EVENTS)[number]

/** Per event: a desktop notification (and Web Push when no dashboard is open), a sound; the volume. */
export interface AlertPrefs {
  desktop: AlertEvent[]
  sound: AlertEvent[]
  /** 0–100 */
  volume: number
}

export interface PushSubscriptionInput {
  endpoint: string
  keys: { p256dh: string; auth: string }
  userAgent?: string | null
}

/** One of an agent's devices, as the settings page lists it (never the keys). */
export interface PushDeviceView {
  id: string
  /** The push service's host (fcm.googleapis.com, updates.push.services.mozilla.com, …). */
  service: string
  userAgent: string | null
  createdAt: Date
  lastSentAt: Date | null
}

/** What the service worker receives and shows. */
export interface PushPayload {
  title: string
  body: string
  /** Opening the notification opens this conversation (null: the dashboard). */
  conversationId: string | null
  /** One notification per conversation: a newer one replaces it. */
  tag: string
  event: AlertEvent | 'test'
}

/** A claimed push, ready for the job to send: the subscription with its opened auth secret. */
export interface DuePush {
  id: string
  subscriptionId: string
  agentId: string
  endpoint: string
  keys: { p256dh: string; auth: string }
  payload: string
  attempts: number
}

export interface VapidKeys {
  publicKey: string
  privateKey: string
  subject: string
}
