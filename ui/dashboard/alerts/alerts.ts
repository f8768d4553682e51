// Desktop notifications and sound in the dashboard: each agent's choice per event (stored on the
// server, GET/PUT /api/settings/alerts), which event a visitor's message is for this agent (the
// same rule as the server's Web Push, server/domain/push/push.rules.ts), and the chime.

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

/** Two soft notes, about a third of a second, as loud as the volume (0–100) says. */
export function chime(ctx: AudioContext, volume: number): void {
  if (volume <= 0) return
  const peak = Math.max(0.0002, 0.3 * (Math.min(100, volume) / 100))
  void ctx.resume?.()
  const start = ctx.currentTime + 0.01
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.type = 'sine'
    osc.frequency.value = freq
    const t0 = start + i * 0.12
    gain.gain.setValueAtTime(0.0001, t0)
    gain.gain.exponentialRampToValueAtTime(peak, t0 + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.22)
    osc.connect(gain).connect(ctx.destination)
    osc.start(t0)
    osc.stop(t0 + 0.25)
  }
}
