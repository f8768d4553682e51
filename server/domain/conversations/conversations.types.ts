// The conversation as the rest of Parley sees it: events, the wire protocol, channels and http
// import these, never the repository.

export type Channel = 'web' | 'email' | 'messenger'
export type ConversationStatus = 'open' | 'resolved'
export type AuthorType = 'visitor' | 'agent' | 'system'

/** What happened to a conversation, as dashboards are told. */
export type ConversationChange = 'created' | 'assigned' | 'resolved' | 'reopened' | 'updated'

export interface ConversationRow {
  id: string
  visitorId: string
  channel: Channel
  status: ConversationStatus
  assigneeId: string | null
  lastSeq: number
  lastMessageAt: Date
  lastMessagePreview: string
  lastMessageAuthor: AuthorType | null
  /** The agent who wrote the last message, when an agent did. */
  lastMessageAgentId: string | null
  waitingSince: Date | null
  createdAt: Date
  updatedAt: Date
  resolvedAt: Date | null
  resolvedBy: string | null
  /** The group (team) it waits in (#16); null without groups. */
  groupId: string | null
  /** Copies of its rating and tags (migration 00020's triggers keep them), for search. */
  ratingScale: 'thumbs' | 'stars' | null
  ratingScore: number | null
  tagIds: string[]
}

/** A conversation as lists and threads show it. */
export interface ConversationView {
  id: string
  channel: Channel
  status: ConversationStatus
  visitor: { id: string; number: number; name: string | null; email: string | null }
  assignee: { id: string; name: string } | null
  lastSeq: number
  /** agent: who wrote it, when an agent did (the list says "You:" or the colleague's name). */
  lastMessage: { preview: string; at: Date; author: AuthorType | null; agent: { id: string; name: string } | null }
  waitingSince: Date | null
  createdAt: Date
  resolvedAt: Date | null
  resolvedBy: string | null
  /** The visitor's rating (#16 ratings): thumbs 0 bad / 1 good, stars 1–5; null until rated. */
  rating: { scale: 'thumbs' | 'stars'; score: number } | null
  // tags and groups (#16): agents only; forVisitor() leaves them out of what a visitor is sent
  tags: { id: string; name: string; color: string }[]
  group: { id: string; name: string } | null
}

export type View = 'unassigned' | 'mine' | 'others' | 'all' | 'resolved'

export interface Page {
  items: ConversationView[]
  nextCursor: string | null
}

export interface Counts {
  unassigned: number
  /** The unassigned ones per group id ('' for none): "my groups only" sums its own groups. */
  unassignedByGroup: Record<string, number>
  /** Open conversations per assignee; Mine and Others follow from it for each agent. */
  byAssignee: Record<string, number>
}
