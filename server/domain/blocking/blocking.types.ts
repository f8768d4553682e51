// Blocks as the dashboard sees them: who, when, why, and what was blocked.

export interface BlockedVisitorView {
  visitorId: string
  /** The visitor's name or e-mail when known, else null (the dashboard shows "Visitor #number"). */
  visitorName: string | null
  visitorNumber: number
  reason: string | null
  blockedBy: { id: string; name: string } | null
  blockedAt: Date
}

export interface BlockedRangeView {
  id: string
  /** Canonical CIDR text: 192.0.2.0/24, 2001:db8::/32, 192.0.2.7/32. */
  range: string
  reason: string | null
  blockedBy: { id: string; name: string } | null
  blockedAt: Date
}

export interface BlockList {
  visitors: BlockedVisitorView[]
  ranges: BlockedRangeView[]
}

/** What changed, for the sockets to close (added) and other processes' caches (both). */
export interface BlocksChanged {
  added: boolean
  visitorIds: string[]
  /** CIDR text of ranges added or removed. */
  ranges: string[]
}
