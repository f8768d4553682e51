// The WebSocket protocol as it travels: every frame a client sends, every frame the server sends,
// and the JSON shapes inside them (times are ISO 8601 strings, as JSON carries them).
//
// The one description of the wire, read by three programs: the server (protocol.ts validates
// client frames against a schema that must equal ClientFrame; hub.ts checks that what it encodes
// equals these shapes), the widget and the dashboard. The UIs import it with `import type`, so
// this file must stay types only: nothing here may exist at run time, or server code would land
// in a browser bundle. It defines the shapes itself rather than importing the domain's views, so
// that a change to a view is a type error in the encoder, not a silent change of the protocol.

export type AuthorType = 'visitor' | 'agent' | 'system'
export type Channel = 'web' | 'email' | 'messenger'
export type ConversationStatus = 'open' | 'resolved'
export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'failed'
/** Why an outbound message failed; the same closed vocabulary as DELIVERY_CODES in the messages domain. */
export type DeliveryCode =
  | 'smtp.auth'
  | 'smtp.unreachable'
  | 'smtp.rejected_recipient'
  | 'smtp.rejected'
  | 'mail.bounced'
  | 'mail.not_set_up'
  | 'mail.no_address'
  | 'messenger.window_closed'
  | 'messenger.token_expired'
  | 'messenger.page_disconnected'
  | 'messenger.recipient_unavailable'
  | 'messenger.rejected'
  | 'messenger.unreachable'
  | 'channel.not_set_up'
  | 'other'
export type AgentStatus = 'online' | 'away' | 'offline'
export type ConversationChange = 'created' | 'assigned' | 'resolved' | 'reopened' | 'updated'
/** Where a visitor's e-mail address came from; 'email': they wrote to the support mailbox from it. */
export type EmailSource = 'contact_form' | 'site' | 'agent' | 'email'

export interface Message {
  id: string
  conversationId: string
  /** Per conversation, without gaps: a client resumes after the last one it saw. */
  seq: number
  authorType: AuthorType
  authorId: string | null
  /** The agent's name for agent messages (the widget shows who answered). */
  authorName: string | null
  body: string
  /** The id the sending client gave the frame that created this message. */
  clientId: string | null
  channel: Channel
  deliveryStatus: DeliveryStatus
  /** Why it failed (a code the dashboard words in the agent's language), when it did. */
  deliveryCode: DeliveryCode | null
  /** The channel's raw answer (SMTP's reply, Meta's error), quoted after the worded reason. */
  deliveryError: string | null
  createdAt: string
  /** Its files, in order; each is downloaded on its own (agents: /api/conversations/…, visitors: /api/widget/…). */
  attachments: Attachment[]
}

/** A file of a message: what is shown; the bytes are downloaded with the agent's session or the visitor's token. */
export interface Attachment {
  id: string
  filename: string
  contentType: string
  size: number
}

export interface Conversation {
  id: string
  channel: Channel
  status: ConversationStatus
  visitor: { id: string; number: number; name: string | null; email: string | null }
  assignee: { id: string; name: string } | null
  lastSeq: number
  /** agent: who wrote it, when an agent did. */
  lastMessage: { preview: string; at: string; author: AuthorType | null; agent: { id: string; name: string } | null }
  waitingSince: string | null
  createdAt: string
  resolvedAt: string | null
  resolvedBy: string | null
  /** Tags and group (#16); always empty/null in what a visitor receives. */
  tags: { id: string; name: string; color: string }[]
  group: { id: string; name: string } | null
  /** The visitor's rating: thumbs 0 bad / 1 good, stars 1–5; null until rated. */
  rating: { scale: 'thumbs' | 'stars'; score: number } | null
}

/** The kinds of system event (documented in server/domain/conversation-events/conversation-events.types.ts). */
export type ConversationEventKind =
  | 'assigned'
  | 'taken'
  | 'transferred'
  | 'unassigned'
  | 'resolved'
  | 'reopened'
  | 'email_sent'
  | 'email_failed'
  | 'transferred_to_group'
  | 'rated'

/** A system event in a conversation's history: dashboards only, never sent to the visitor. */
export interface ConversationEvent {
  id: string
  conversationId: string
  kind: ConversationEventKind
  /** Who did it (null: the visitor or the system); the name as it was then. */
  actor: { id: string | null; name: string } | null
  /** The agent it was done to (assigned or transferred to). */
  agent: { id: string | null; name: string } | null
  /** It sits in the thread after the message with this sequence number. */
  afterSeq: number
  data: Record<string, string | number | boolean | null>
  createdAt: string
}

/** Open conversations: the unassigned ones, and per assignee (Mine and Others follow from it). */
export interface Counts {
  unassigned: number
  /** The unassigned ones per group id ('' for none): "my groups only" sums its own groups. */
  unassignedByGroup: Record<string, number>
  byAssignee: Record<string, number>
}

export interface AgentPresence {
  agentId: string
  /** The effective state: the chosen status while connected, offline with no live connection. */
  presence: AgentStatus
  status: AgentStatus
  connected: boolean
}

/** A visitor as the dashboard's visitor card shows it. */
export interface Visitor {
  id: string
  number: number
  /** The site's own user id, set only by a verified `identify` (or the server API). */
  externalId: string | null
  name: string | null
  email: string | null
  emailSource: EmailSource | null
  phone: string | null
  note: string
  noteUpdatedAt: string | null
  noteUpdatedBy: { id: string; name: string } | null
  /** Customer info the site sent: key → labelled value. */
  variables: Record<string, { label: string; value: string }>
  ip: string | null
  location: { countryCode: string; region: string | null; city: string | null } | null
  os: { name: string; version: string | null } | null
  browser: { name: string; version: string | null } | null
  /** The outside page that brought the visitor. */
  referrer: string | null
  currentPage: { url: string; title: string | null } | null
  /** A widget of this visitor is connected to a live Parley process. */
  online: boolean
  createdAt: string
  lastSeenAt: string
}

/** A private note in a thread (#16): agents only, never sent to a visitor or a channel. */
export interface Note {
  id: string
  conversationId: string
  authorId: string | null
  authorName: string | null
  body: string
  /** The agents mentioned with @name. */
  mentions: string[]
  clientId: string | null
  createdAt: string
}

/** Client → server. A frame that creates data carries a clientId; the server stores it once. */
export type ClientFrame =
  | {
      type: 'message.send'
      clientId: string
      /** Visitors may leave it out (or null): their latest conversation, or a new one. */
      conversationId?: string | null
      body: string
      /** Agents only: e-mail a copy to a web visitor who has left (default true). */
      alsoEmail?: boolean
      /** Agents only: files uploaded for this reply (POST /api/conversations/:id/uploads); the body may then be empty. */
      attachmentIds?: string[]
      /** Visitors: the widget's UI language when it was written, for full-text search's stemming. */
      language?: 'en' | 'cs' | 'de' | 'es' | 'hu' | 'pl'
    }
  /** Send me the messages after `afterSeq`, then `resumed`. */
  | { type: 'resume'; conversationId: string; afterSeq: number }
  | { type: 'typing'; conversationId: string; typing: boolean }
  /**
   * Agents only: the conversation this dashboard shows now (null: none). `hello`: it was just
   * opened, so colleagues viewing it answer with their own frame (hello false).
   */
  | { type: 'viewing'; conversationId: string | null; hello?: boolean }
  /** Visitors only: agent messages up to `seq` reached the visitor's screen. */
  | { type: 'delivered'; conversationId: string; seq: number }
  /** Agents only. */
  | { type: 'status.set'; status: AgentStatus }
  /**
   * Visitors only: the page's state (visibilitychange, pagehide). A socket that goes away after
   * 'hidden' or 'closing' is a closed tab: the visitor counts as gone sooner.
   */
  | { type: 'page.state'; state: 'visible' | 'hidden' | 'closing' }
  /** Visitors only: a page the visitor opened (also single-page-app navigations). */
  | { type: 'page.view'; url: string; title?: string; referrer?: string | null }
  | { type: 'ping' }

/** Server → client. */
export type ServerFrame =
  /**
   * `conversationId`, widgets only: the visitor's newest conversation when the socket opened (null:
   * none yet), so a widget that knows of none asks for the list only when there is one.
   */
  | { type: 'hello'; role: 'agent' | 'visitor'; id: string; nodeId: string; conversationId?: string | null }
  | { type: 'message'; message: Message; conversation: Conversation }
  | { type: 'message.updated'; message: Message }
  | { type: 'conversation'; conversation: Conversation; change: ConversationChange }
  | { type: 'counts'; counts: Counts }
  /** Dashboards only: a system event was recorded ("Resolved by Jana"). */
  | { type: 'conversation.event'; event: ConversationEvent }
  /** To one agent's tabs: they read the conversation up to seq; unread visitor messages remain after it, counted up to the conversation's seq upTo. */
  | { type: 'read'; conversationId: string; seq: number; unread: number; upTo: number }
  | { type: 'typing'; conversationId: string; from: 'visitor' | 'agent'; agentId?: string; agentName?: string; typing: boolean }
  | { type: 'presence'; presence: AgentPresence }
  /** Dashboards only: a colleague opened (viewing) or left (not viewing) a conversation; hello: answer with yours. */
  | { type: 'viewing'; conversationId: string; agentId: string; agentName: string; viewing: boolean; hello: boolean }
  | { type: 'visitor'; visitor: Visitor }
  | { type: 'visitor.presence'; visitorId: string; online: boolean }
  /**
   * The message with this clientId is committed (or was already: `duplicate`). `body` comes only
   * when the stored text differs from what was sent (card numbers masked): what the sender's page
   * may hand on is then that text, never what was typed.
   */
  | { type: 'ack'; clientId: string; messageId: string; conversationId: string; seq: number; duplicate: boolean; body?: string }
  /** Everything after the `resume`'s afterSeq has been sent. */
  | { type: 'resumed'; conversationId: string; lastSeq: number }
  /**
   * A refused frame; `ref` is its clientId when it had one. `retryAfter` (seconds) comes with
   * `rate.limited` and `database.unavailable`: the frame was not stored; send it again after that
   * long (the widget and the dashboard do, doubling the wait while the database stays away).
   */
  | { type: 'error'; code: string; message: string; ref?: string; retryAfter?: number }
  | { type: 'session.ended'; reason: string }
  | { type: 'pong' }
  /** Dashboards only (#16): a private note was added to a thread. */
  | { type: 'note'; note: Note }
  /** To the mentioned agent's tabs only (#16): a colleague mentioned them in a note. */
  | { type: 'mention'; note: Note; conversation: Conversation }
  /** Dashboards only: frames published in one turn of the server's event loop, in order. */
  | { type: 'batch'; frames: ServerFrame[] }
