// Web Push hears of visitors' messages and of mentions here: agents with no dashboard connected who want to hear
// of this one get a push row per device (jobs/push.ts sends them, retrying with back-off).
import type { EventBus } from '../events/bus.ts'
import type { Sql } from '../db/client.ts'
import { queueMentionPushes, queueMessagePushes } from '../domain/push/push.usecases.ts'

export function pushListener(bus: EventBus, deps: { sql: Sql; wake(): void }): void {
  bus.on('message.created', async ({ message, conversation }) => {
    if (message.authorType !== 'visitor') return
    if ((await queueMessagePushes(deps, message, conversation)) > 0) deps.wake()
  })
  // A colleague's @mention in a private note (#16).
  bus.on('note.created', async ({ note, conversation }) => {
    if ((await queueMentionPushes(deps, note, conversation)) > 0) deps.wake()
  })
}
