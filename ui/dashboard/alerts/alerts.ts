// Desktop notifications and sound in the dashboard: each agent's choice per event (stored on the
// server, GET/PUT /api/settings/alerts), which event a visitor's message is for this agent (the
// same rule as the server's Web Push, server/domain/push/push.rules.ts), and the chime.
import { Chime } from '../../shared/chime.ts'

/** The dashboard's one chime, so the page has one audio context: the notifier rings it, the alert settings page tests it. */
export const chime = new Chime()

export const ALERT_EVENTS = ['new_conversation', 'my_message', 'unassigned_message', 'mention'] as const
export type AlertEvent = (typeof ALERT_EVENTS)[number]

export interface AlertPrefs {
  desktop: AlertEvent[]
  sound: AlertEvent[]
  /** 0–100 */
  volume: number
}

export const DEFAULT_ALERT_PREFS: AlertPrefs = { desktop: [...ALERT_EVENTS], sound: [...ALERT_EVENTS], volume: 60 }

/** The choices were saved (in this tab): the notifier reads them again. Other tabs hear it on the tabs' channel. */
export class AlertPrefsChangedEvent extends Event {
  static readonly type = 'parley-alert-prefs-changed'
  constructor(readonly prefs: AlertPrefs) {
    super(AlertPrefsChangedEvent.type)
  }
}

declare global {
  interface WindowEventMap {
    'parley-alert-prefs-changed': AlertPrefsChangedEvent
  }
}

/**
 * The first message of a conversation nobody has taken is a new conversation; later ones are in
 * my conversation or an unassigned one; a colleague's conversation is not mine to be told of.
 */
export function alertEventFor(
  agentId: string,
  message: { authorType: string; seq: number },
  conversation: { status: string; assignee: { id: string } | null },
): AlertEvent | null {
  if (message.authorType !== 'visitor' || conversation.status !== 'open') return null
  if (conversation.assignee === null) return message.seq === 1 ? 'new_conversation' : 'unassigned_message'
  return conversation.assignee.id === agentId ? 'my_message' : null
}
