// System events: what happened to a conversation besides its messages, as the thread and the
// conversation's history show it ("Alex took the conversation", "Resolved by Jana").
//
// The kinds, and what each carries (actor: who did it; agent: to whom; data: the kind's facts):
//   assigned              actor assigned the conversation to agent (it had no assignee)
//   taken                 actor took it for themselves (it had no assignee, or by answering it)
//   transferred           actor moved it from data.fromName's hands to agent (actor may be agent: took it over)
//   unassigned            actor gave it back to the queue (data.fromName: whose it was)
//   resolved              actor resolved it
//   reopened              data.reason 'visitor_wrote' (no actor) or 'agent' (actor reopened it)
//   email_sent            an e-mail to the visitor went out: data.mail 'copy' (a reply e-mailed
//                         to a visitor who had left) or 'transcript' (the visitor asked for it)
//   email_failed          that e-mail could not be sent: data.mail as above, data.code the reason
//   transferred_to_group  actor moved it to the group data.groupName (agent: the new assignee, if any)
//   rated                 the visitor rated it: data.rating ('good' | 'bad', or a number), no free text
//
// Events are never messages: they never reach the visitor (widget, e-mail, Messenger), are never
// unread, never a notification or webhook, never the list's preview, and take no sequence number;
// `afterSeq` places one in the thread after the message with that number.

export const CONVERSATION_EVENT_KINDS = [
  'assigned',
  'taken',
  'transferred',
  'unassigned',
  'resolved',
  'reopened',
  'email_sent',
  'email_failed',
  'transferred_to_group',
  'rated',
] as const

export type ConversationEventKind = (typeof CONVERSATION_EVENT_KINDS)[number]

/** A kind's facts: small values only (ids, names, codes, numbers), never free text a visitor wrote. */
export type ConversationEventData = Record<string, string | number | boolean | null>

export interface ConversationEventView {
  id: string
  conversationId: string
  kind: ConversationEventKind
  actor: { id: string | null; name: string } | null
  agent: { id: string | null; name: string } | null
  afterSeq: number
  data: ConversationEventData
  createdAt: Date
}

/** What a use case records: `recordConversationEvent(tx, { conversationId, kind, actorAgentId, … })`. */
export interface NewConversationEvent {
  conversationId: string
  kind: ConversationEventKind
  /** Who did it; null for the visitor or the system. Their name is looked up and kept as it is now. */
  actorAgentId?: string | null
  /** The agent it was done to (assigned or transferred to). */
  agentId?: string | null
  data?: ConversationEventData
  /** Where it sits: after this message; default the conversation's last message now. */
  afterSeq?: number
}
