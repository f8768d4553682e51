// The conversations module's two SQL fragments, published so that a statement elsewhere (the
// message append) can return a conversation view and apply a message's effect in its own round
// trip. They run nothing themselves; conversations.repo.ts and messages.repo.ts compose them.
import type { Db } from '../../db/client.ts'
import type { ConversationRow, ConversationView } from './conversations.types.ts'

/** A conversations row with what the view joins in; `source` may carry more columns (they pass through `c.*`). */
export interface ViewRow extends ConversationRow {
  visitorNumber: string
  visitorName: string | null
  visitorEmail: string | null
  assigneeName: string | null
  lastMessageAgentName: string | null
  tags: { id: string; name: string; color: string }[]
  groupName: string | null
  sortKey: string
}

/**
 * The one select that builds a ConversationView, from the conversations table or from a CTE of
 * conversation rows (e.g. an UPDATE … RETURNING c.*). sortKey: a list's ordering column, returned
 * as text so a cursor keeps Postgres's microseconds (a JavaScript Date would round them to
 * milliseconds and skip or repeat rows).
 */
export const viewSelect = (db: Db, source = 'conversations', sortKey = db`null`) => db`
  select c.*, v.number as visitor_number, v.name as visitor_name, v.email as visitor_email, a.name as assignee_name,
    la.name as last_message_agent_name, (${sortKey})::text as sort_key,
    coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by lower(t.name))
      from conversation_tags ct join tags t on t.id = ct.tag_id where ct.conversation_id = c.id), '[]') as tags,
    g.name as group_name
  from ${db(source)} c
  join visitors v on v.id = c.visitor_id
  left join agents a on a.id = c.assignee_id
  left join agents la on la.id = c.last_message_agent_id
  left join groups g on g.id = c.group_id`

export function toView(r: ViewRow): ConversationView {
  return {
    id: r.id,
    channel: r.channel,
    status: r.status,
    visitor: { id: r.visitorId, number: Number(r.visitorNumber), name: r.visitorName, email: r.visitorEmail },
    assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? '' } : null,
    lastSeq: r.lastSeq,
    lastMessage: {
      preview: r.lastMessagePreview,
      at: r.lastMessageAt,
      author: r.lastMessageAuthor,
      agent: r.lastMessageAgentId ? { id: r.lastMessageAgentId, name: r.lastMessageAgentName ?? '' } : null,
    },
    waitingSince: r.waitingSince,
    createdAt: r.createdAt,
    resolvedAt: r.resolvedAt,
    resolvedBy: r.resolvedBy,
    rating: r.ratingScale && r.ratingScore !== null ? { scale: r.ratingScale, score: r.ratingScore } : null,
    tags: r.tags,
    group: r.groupId ? { id: r.groupId, name: r.groupName ?? '' } : null,
  }
}

/** What a visitor's widget is told of a conversation: the team's tags and groups stay internal. */
export const forVisitor = (c: ConversationView): ConversationView =>
  c.tags.length === 0 && c.group === null ? c : { ...c, tags: [], group: null }

/**
 * The SET list of `update conversations c … from <rows> e`: applies a MessageEffect
 * (conversations.rules.ts, whose applyEffect says the same in TypeScript) together with the new
 * last message. `e` carries the effect (author, reopens, waiting, taken_by) and last_seq, preview and the last
 * message's author_id.
 */
export const applyEffectSet = (db: Db) => db`
  last_seq = e.last_seq,
  last_message_at = now(),
  last_message_preview = e.preview,
  last_message_author = e.author_type,
  last_message_agent_id = case when e.author_type = 'agent' then e.author_id end,
  status = case when e.reopens then 'open'::conversation_status else c.status end,
  resolved_at = case when e.reopens then null else c.resolved_at end,
  resolved_by = case when e.reopens then null else c.resolved_by end,
  waiting_since = case when e.waiting = 'start' then coalesce(c.waiting_since, now()) end,
  assignee_id = coalesce(c.assignee_id, e.taken_by),
  updated_at = now()`
