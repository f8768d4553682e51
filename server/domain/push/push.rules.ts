// The pure rules of desktop notifications and Web Push: which event a visitor's message is for a
// given agent, which push endpoints are accepted, and what a push may carry (a short preview of the
// stored, card-masked text — nothing else about the visitor).
import { isLoopbackHost, plainlyPrivateHost } from '../../shared/ip.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import { ALERT_EVENTS, type AlertEvent, type AlertPrefs } from './push.types.ts'

export const DEFAULT_ALERT_PREFS: AlertPrefs = { desktop: [...ALERT_EVENTS], sound: [...ALERT_EVENTS], volume: 60 }

export const MAX_ENDPOINT_LENGTH = 2048
export const PREVIEW_CHARS = 120
/** Devices one agent may register (each browser profile is one). */
export const MAX_DEVICES_PER_AGENT = 20

/**
 * What a visitor's message is to one agent: the first message of a conversation is a new
 * conversation; later ones are "my" conversation's or an unassigned one's; a colleague's
 * conversation is not theirs to be told of. Null: no alert.
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

/**
 * A push service's URL: https only (browsers' push services all are). Plain http is accepted only
 * on a loopback address and only where tests allow it, so a local endpoint can stand in for one.
 */
export function checkEndpoint(raw: string, allowLoopbackHttp: boolean): URL | null {
  if (raw.length === 0 || raw.length > MAX_ENDPOINT_LENGTH) return null
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return null
  }
  if (u.username || u.password || u.hash) return null
  // Push services are on the internet: an endpoint on this machine or a private network would
  // let a subscriber aim the server's requests inside (jobs/push.ts checks again after DNS).
  if (u.protocol === 'https:') return allowLoopbackHttp || !plainlyPrivateHost(u) ? u : null
  return u.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(u) ? u : null
}

/** base64url of exactly `bytes` bytes. */
export function isKey(value: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return false
  return Buffer.from(value, 'base64url').length === bytes
}

/** A short preview of a stored message: card numbers masked (again, to be sure), one line, cut. */
export function preview(body: string): string {
  const line = maskCardNumbers(body).replace(/\s+/g, ' ').trim()
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1).trimEnd()}…` : line
}

/** Known event keys only, each once, in the canonical order. */
export function cleanEvents(list: readonly string[]): AlertEvent[] | null {
  if (list.some((e) => !(ALERT_EVENTS as readonly string[]).includes(e))) return null
  return ALERT_EVENTS.filter((e) => list.includes(e))
}
