// E-mail notifications start and stop with events: a visitor's message starts an offline-message
// timer, the visitor's widget going away starts a missed-conversation timer, an agent's reply or
// resolving the conversation cancels what was pending. The timers themselves are stored rows
// (jobs/notifications.ts sends them when due).
import type { EventBus } from '../events/bus.ts'
import {
  conversationHandled,
  visitorWentAway,
  visitorWrote,
  type TimerDeps,
} from '../domain/notifications/notifications.usecases.ts'

export function notificationsListener(bus: EventBus, deps: TimerDeps): void {
  const wrote = visitorWrote(deps)
  bus.on('message.created', ({ message, conversation }) => {
    if (message.authorType === 'visitor' && conversation.status === 'open') return wrote(conversation.id, message.seq)
    if (message.authorType === 'agent') return conversationHandled(deps, conversation.id)
  })
  bus.on('conversation.changed', ({ conversation, change }) => {
    if (change === 'resolved') return conversationHandled(deps, conversation.id)
  })
  const wentAway = visitorWentAway(deps)
  bus.on('visitor.presence', ({ visitorId, online, pageClosed }) => {
    if (!online) return wentAway(visitorId, pageClosed)
  })
}
