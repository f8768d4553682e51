// Counts what happens for /metrics: messages by channel and direction, delivery failures,
// conversation changes and recording bytes. Labels are small fixed sets, never ids or text.
import type { EventBus } from '../events/bus.ts'
import type { ServerMetrics } from '../shared/metrics.ts'

export function metricsListener(bus: EventBus, metrics: ServerMetrics): void {
  bus.on('message.created', ({ message }) => {
    if (message.authorType === 'system') return
    metrics.messages.inc({ channel: message.channel, direction: message.authorType === 'visitor' ? 'in' : 'out' })
  })
  bus.on('message.updated', ({ message }) => {
    if (message.deliveryStatus === 'failed') metrics.deliveryFailures.inc({ channel: message.channel })
  })
  bus.on('conversation.changed', ({ change }) => metrics.conversations.inc({ change }))
  bus.on('recording.chunk', ({ bytes }) => {
    metrics.recordingChunks.inc()
    metrics.recordingBytes.inc(undefined, bytes)
  })
}
