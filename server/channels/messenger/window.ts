// Meta's messaging window, as one pure rule: a page may answer freely (RESPONSE) for 24 hours
// after the person's last message; after that, for up to 7 days, only with the HUMAN_AGENT tag,
// which needs Meta's approval (the owner turns it on per page) and is only for what a person
// wrote: never for anything Parley sends by itself.
export const RESPONSE_WINDOW_MS = 24 * 60 * 60 * 1000
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000

export type SendMode = { kind: 'RESPONSE' } | { kind: 'HUMAN_AGENT' } | { kind: 'closed'; reason: string }

export function sendMode(o: { lastInboundAt: Date | null; now: Date; humanAgentEnabled: boolean; writtenByAgent: boolean }): SendMode {
  if (!o.lastInboundAt) return { kind: 'closed', reason: 'this person has not written to the page, so Messenger does not allow a message' }
  const age = o.now.getTime() - o.lastInboundAt.getTime()
  if (age <= RESPONSE_WINDOW_MS) return { kind: 'RESPONSE' }
  if (age <= HUMAN_AGENT_WINDOW_MS && o.humanAgentEnabled && o.writtenByAgent) return { kind: 'HUMAN_AGENT' }
  if (age <= HUMAN_AGENT_WINDOW_MS && o.writtenByAgent) {
    return { kind: 'closed', reason: "Messenger's 24-hour window has closed, and the HUMAN_AGENT tag is not enabled for this page" }
  }
  return { kind: 'closed', reason: "Messenger's messaging window has closed: the person has to write again before the page can answer" }
}

/** When each window closes, for the composer. */
export function windowEnds(lastInboundAt: Date | null): { response: Date | null; humanAgent: Date | null } {
  if (!lastInboundAt) return { response: null, humanAgent: null }
  return { response: new Date(lastInboundAt.getTime() + RESPONSE_WINDOW_MS), humanAgent: new Date(lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS) }
}
