// Outgoing webhooks hear of conversations and messages here; each event becomes stored delivery
// rows (jobs/webhooks.ts sends them, retrying with back-off).
import type { EventBus } from '../events/bus.ts'
import type { Sql } from '../db/client.ts'
import { enqueueEvent, type EventData, type WebhookEvent } from '../domain/webhooks/webhooks.usecases.ts'

export function webhooksListener(bus: EventBus, deps: { sql: Sql; wake(): void }): void {
  const queue = async (event: WebhookEvent, data: EventData) => {
    if ((await enqueueEvent(deps, event, data)) > 0) deps.wake()
  }
  bus.on('conversation.changed', ({ conversation, change }) => {
    if (change === 'created' || change === 'resolved' || change === 'reopened') return queue(`conversation.${change}`, { conversation })
  })
  bus.on('message.created', ({ message, conversation }) => queue('message.created', { conversation, message }))
  bus.on('conversation.missed', ({ conversation }) => queue('conversation.missed', { conversation }))
}
