// The agents module's shapes: accounts, presence, sessions, login throttling.

export type Role = 'owner' | 'full' | 'limited'

export type AgentStatus = 'online' | 'away' | 'offline'

export interface AgentRow {
  id: string
  email: string
  name: string
  role: Role
  passwordHash: string
  active: boolean
  status: AgentStatus
  language: string
  createdAt: Date
  updatedAt: Date
}

/** What the API shows of an agent: never the password hash. */
export interface AgentView {
  id: string
  email: string
  name: string
  role: Role
  active: boolean
  status: AgentStatus
  presence: AgentStatus
  language: string
  createdAt: Date
}

export interface AgentPresence {
  agentId: string
  /** The effective state: the chosen status while connected, offline with no live connection. */
  presence: AgentStatus
  status: AgentStatus
  connected: boolean
}

export interface SessionRow {
  /** The public id: safe to show, log and announce to other processes (unlike the token). */
  id: string
  tokenHash: string
  agentId: string
  expiresAt: Date
  lastSeenAt: Date
}

/** What the owner of a session sees of it in the list of their signed-in sessions. */
export interface SessionView {
  id: string
  ip: string | null
  userAgent: string | null
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
}

/** The sessions a statement ended, so their sockets can be closed. */
export interface EndedSession {
  id: string
  agentId: string
}

export interface ThrottleRule {
  key: string
  /** Failures allowed before each further attempt has to wait. */
  free: number
}

export interface ThrottleTiming {
  /** Failures are forgotten after this long without one; also the longest wait. */
  windowSeconds: number
  /** The first wait; each further failure doubles it. */
  firstDelaySeconds: number
}

export interface AuditEntry {
  id: string
  at: Date
  actorId: string | null
  actorName: string
  /** The method and route, e.g. "PATCH /api/agents/:id". */
  action: string
  /** The id the route acted on, when it names one. */
  target: string | null
  /** Names of the fields sent (never their values). */
  fields: string[]
  ip: string | null
}
