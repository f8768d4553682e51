// The pure rules of e-mail notifications: who is told of a conversation, and which notice each
// agent gets. Groups plug in at recipientsOf (today there are none: every active agent).
import type { AgentStatus } from '../agents/agents.types.ts'
import type { AgentNotificationPrefs, NotificationChoice, NotificationKind } from './notifications.types.ts'

export interface Candidate {
  id: string
  email: string
  active: boolean
  presence: AgentStatus
  language: string
  prefs: AgentNotificationPrefs | null
}

/** The agents a conversation concerns: its group's, or everyone while there are no groups. */
export function recipientsOf<A extends Candidate>(agents: A[], _conversation: { id: string }): A[] {
  return agents.filter((a) => a.active)
}

export function effectiveChoice(own: AgentNotificationPrefs | null, defaults: NotificationChoice): NotificationChoice {
  return {
    offlineMessage: own?.offlineMessage ?? defaults.offlineMessage,
    missedConversation: own?.missedConversation ?? defaults.missedConversation,
  }
}

/**
 * Whether an agent gets this notice: an offline-message notice goes to agents who are offline
 * (no dashboard connected, or status offline), a missed-conversation notice to agents who were
 * online (or away) — each only if they want it.
 */
export function wants(agent: Candidate, kind: NotificationKind, defaults: NotificationChoice): boolean {
  const choice = effectiveChoice(agent.prefs, defaults)
  if (kind === 'offline_message') return agent.presence === 'offline' && choice.offlineMessage
  return agent.presence !== 'offline' && choice.missedConversation
}

export interface MessageLine {
  authorType: 'visitor' | 'agent' | 'system'
  seq: number
}

/** A notice is void once an agent has answered after the messages it is about. */
export function answeredSince(messages: MessageLine[], fromSeq: number): boolean {
  return messages.some((m) => m.authorType === 'agent' && m.seq >= fromSeq)
}
