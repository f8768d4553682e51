// Sends agents' replies out through the conversation's channel and records the outcome on the
// message. A failure is recorded, never thrown back at the agent's request.
import type { EventBus } from '../events/bus.ts'
import type { ChannelRegistry } from '../channels/channel.ts'
import type { MessageDeps } from '../domain/messages/messages.usecases.ts'
import { recordDelivery } from '../domain/messages/messages.usecases.ts'
import type { Logger } from '../shared/logger.ts'

export function deliveryListener(bus: EventBus, channels: ChannelRegistry, deps: MessageDeps, log: Logger): void {
  bus.on('message.created', async ({ message, conversation }) => {
    if (message.authorType !== 'agent') return
    const adapter = channels.get(conversation.channel)
    if (!adapter) {
      await recordDelivery(deps, message.id, 'failed', { code: 'channel.not_set_up', detail: null })
      return
    }
    let report
    try {
      report = await adapter.deliver({ message, conversation })
    } catch (error) {
      log.error('channel delivery threw', { channel: conversation.channel, messageId: message.id, error })
      report = { status: 'failed' as const, error: error instanceof Error ? error.message : String(error) }
    }
    await recordDelivery(deps, message.id, report.status, report.status === 'failed' ? { code: report.code ?? 'other', detail: report.error } : null)
  })
}
