// What the dashboard receives from the server, as JSON (dates arrive as ISO strings). Kept here
// rather than imported from server/ so the UI bundle never depends on server code.

export type Role = 'owner' | 'full' | 'limited'
export type AgentStatus = 'online' | 'away' | 'offline'
export type Channel = 'web' | 'email' | 'messenger'
export type ConversationStatus = 'open' | 'resolved'
export type AuthorType = 'visitor' | 'agent' | 'system'
export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'failed'
export type ListView = 'unassigned' | 'mine' | 'others' | 'resolved'

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

export interface Conversation {
  id: string
  channel: Channel
  status: ConversationStatus
  visitor: { id: string; number: number; name: string | null; email: string | null }
  assignee: { id: string; name: string } | null
  lastSeq: number
  lastMessage: { preview: string; at: string; author: AuthorType | null }
  waitingSince: string | null
  createdAt: string
  resolvedAt: string | null
  resolvedBy?: string | null
}

export interface Message {
  id: string
  conversationId: string
  seq: number
  authorType: AuthorType
  authorId: string | null
  authorName: string | null
  body: string
  clientId: string | null
  channel: string
  deliveryStatus: DeliveryStatus
  deliveryError: string | null
  createdAt: string
}

export interface Counts {
  unassigned: number
  byAssignee: Record<string, number>
}

export interface Visitor {
  id: string
  number: number
  name: string | null
  email: string | null
  phone: string | null
  note: string
  noteUpdatedAt: string | null
  noteUpdatedBy: { id: string; name: string } | null
  /** A widget of this visitor is connected right now. */
  online?: boolean
  createdAt?: string
  lastSeenAt?: string
  /** The site's own user id, set only by a verified `identify` (or the server API). */
  externalId?: string | null
  /** Where the e-mail address came from. */
  emailSource?: EmailSource | null
  /** Customer info the site sent: key → labelled value. */
  variables?: Record<string, { label: string; value: string }>
  ip?: string | null
  location?: { countryCode: string; region: string | null; city: string | null } | null
  os?: { name: string; version: string | null } | null
  browser?: { name: string; version: string | null } | null
  /** The outside page that brought the visitor. */
  referrer?: string | null
  currentPage?: { url: string; title: string | null } | null
}

/** 'email': the visitor wrote to the support mailbox from this address. */
export type EmailSource = 'contact_form' | 'site' | 'agent' | 'email'

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

export interface Presence {
  agentId: string
  presence: AgentStatus
  status: AgentStatus
  connected: boolean
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** Frames the agent socket sends us (server/realtime/protocol.ts). */
export type ServerFrame =
  | { type: 'hello'; role: 'agent' | 'visitor'; id: string; nodeId: string }
  | { type: 'message'; message: Message; conversation: Conversation }
  | { type: 'message.updated'; message: Message }
  | { type: 'conversation'; conversation: Conversation; change: 'created' | 'assigned' | 'resolved' | 'reopened' | 'updated' }
  | { type: 'counts'; counts: Counts }
  | { type: 'typing'; conversationId: string; from: 'visitor' | 'agent'; agentId?: string; agentName?: string; typing: boolean }
  | { type: 'presence'; presence: Presence }
  | { type: 'visitor'; visitor: Visitor }
  | { type: 'visitor.presence'; visitorId: string; online: boolean }
  | { type: 'ack'; clientId: string; messageId: string; conversationId: string; seq: number; duplicate: boolean }
  | { type: 'resumed'; conversationId: string; lastSeq: number }
  | { type: 'error'; code: string; message: string; ref?: string }
  | { type: 'session.ended'; reason: string }
  | { type: 'pong' }
  | { type: 'batch'; frames: ServerFrame[] }

export type ClientFrame =
  | { type: 'message.send'; clientId: string; conversationId: string; body: string; alsoEmail?: boolean }
  | { type: 'resume'; conversationId: string; afterSeq: number }
  | { type: 'typing'; conversationId: string; typing: boolean }
  | { type: 'status.set'; status: AgentStatus }
  | { type: 'ping' }
