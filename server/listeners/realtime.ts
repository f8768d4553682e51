// Pushes domain events to this process's sockets.
import type { EventBus } from '../events/bus.ts'
import { AGENTS, agentTopic, type Hub } from '../realtime/hub.ts'
import { findConversation } from '../domain/conversations/conversations.usecases.ts'
import type { Sql } from '../db/client.ts'

export function realtimeListener(bus: EventBus, hub: Hub, sql: Sql): void {
  bus.on('message.created', ({ message, conversation }) => hub.message(message, conversation))
  bus.on('message.updated', async ({ message, visitorId }) => {
    const visitor = visitorId ?? (await findConversation({ sql }, message.conversationId))?.visitor.id ?? null
    hub.messageUpdated(message, visitor)
  })
  bus.on('conversation.changed', ({ conversation, change }) => hub.conversation(conversation, change))
  bus.on('agent.presence', ({ presence }) => hub.presence(presence))
  bus.on('agent.deactivated', ({ agentId }) => hub.endAgent(agentId, 'deactivated'))
  bus.on('session.ended', ({ sessionIds, reason }) => hub.endSessions(sessionIds, reason))
  bus.on('typing', (t) => hub.typing(t))
  bus.on('recording.chunk', ({ recordingId, seq }) => hub.recordingChunk(recordingId, seq))
  bus.on('conversation.event', ({ event }) => hub.conversationEvent(event))
  bus.on('viewing', (v) => hub.viewing(v))
  bus.on('conversation.read', ({ agentId, ...read }) => hub.publish(agentTopic(agentId), { type: 'read', ...read }))
  bus.on('visitor.changed', ({ visitor }) => hub.publish(AGENTS, { type: 'visitor', visitor }))
  bus.on('visitor.switched', ({ visitorId }) => void hub.reconnectVisitor(visitorId))
  bus.on('visitor.presence', ({ visitorId, online }) => hub.publish(AGENTS, { type: 'visitor.presence', visitorId, online }))
}
