// What the dashboard gets from the HTTP API beside the socket's frames, as JSON (dates arrive as
// ISO strings). The socket's frames and the shapes inside them (messages, conversations,
// visitors, counts, presence) are in server/realtime/wire.ts, imported type-only, so the UI
// bundle never depends on server code.
import type { AgentStatus } from '../../server/realtime/wire.ts'

export type Role = 'owner' | 'full' | 'limited'
export type ListView = 'unassigned' | 'mine' | 'others' | 'all' | 'resolved'

/** A tag (#16); colour: a name from the server's fixed palette. */
export interface Tag {
  id: string
  name: string
  color: string
}

/** A group (team) of agents (#16). */
export interface Group {
  id: string
  key: string
  name: string
  memberIds: string[]
}

export interface Agent {
  id: string
  email: string
  name: string
  role: Role
  active: boolean
  status: AgentStatus
  presence: AgentStatus
  language: string
  createdAt: string
}

/** One page the visitor opened (also single-page-app navigations). */
export interface PageView {
  url: string
  title: string
  referrer: string | null
  at: string
}

/** A server API key as listed; the key itself is only in the answer that created it. */
export interface ApiKey {
  id: string
  name: string
  prefix: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface WidgetSettings {
  color: string
  position: 'left' | 'right'
  greeting: string
  offlineMessage: string
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}
