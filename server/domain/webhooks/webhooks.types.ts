// Outgoing webhooks as the rest of Parley sees them.

export const WEBHOOK_EVENTS = [
  'conversation.created',
  'message.created',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.missed',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]
/** The "send test" button's event; never subscribed to, sent on request. */
export type DeliveryEvent = WebhookEvent | 'webhook.test'

export interface WebhookView {
  id: string
  url: string
  events: WebhookEvent[]
  active: boolean
  createdAt: Date
  updatedAt: Date
}

export type DeliveryStatus = 'queued' | 'sent' | 'failed'

export interface DeliveryRow {
  id: string
  webhookId: string
  event: DeliveryEvent
  payload: string
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: Date
  responseStatus: number | null
  responseBody: string | null
  lastError: string | null
  createdAt: Date
  updatedAt: Date
  deliveredAt: Date | null
}

/** A claimed delivery with what is needed to send it: the receiver's URL and the opened secret. */
export interface DueDelivery extends DeliveryRow {
  url: string
  secret: string
}
