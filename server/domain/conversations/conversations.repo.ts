import type { Db } from '../../db/client.ts'
import type { Channel, ConversationRow, ConversationView, Counts, Page, View } from './conversations.types.ts'
import { toView, viewSelect, type ViewRow } from './conversations.sql.ts'

export async function findView(db: Db, id: string): Promise<ConversationView | null> {
  const [row] = await db<ViewRow[]>`${viewSelect(db)} where c.id = ${id}`
  return row ? toView(row) : null
}

/** Several conversations' views by id, in no particular order (a missing id is left out). */
export async function findViews(db: Db, ids: string[]): Promise<ConversationView[]> {
  const rows = await db<ViewRow[]>`${viewSelect(db)} where c.id = any(${ids}::uuid[])`
  return rows.map(toView)
}

export async function lockConversation(db: Db, id: string): Promise<ConversationRow | null> {
  const [row] = await db<ConversationRow[]>`select * from conversations where id = ${id} for update`
  return row ?? null
}

export async function latestForVisitor(db: Db, visitorId: string, channel: Channel): Promise<ConversationRow | null> {
  const [row] = await db<ConversationRow[]>`
    select * from conversations where visitor_id = ${visitorId} and channel = ${channel}
    order by created_at desc, id desc limit 1 for update`
  return row ?? null
}

export async function insertConversation(db: Db, c: { id: string; visitorId: string; channel: Channel }): Promise<ConversationRow> {
  const [row] = await db<ConversationRow[]>`
    insert into conversations (id, visitor_id, channel, group_id, ip, start_url)
    select ${c.id}, ${c.visitorId}, ${c.channel}, (select group_id from visitor_groups where visitor_id = ${c.visitorId}),
      -- where a web chat started, for search (#16): the visitor's address and page now
      case when ${c.channel} = 'web' and pg_input_is_valid(v.ip, 'inet') then v.ip::inet end,
      case when ${c.channel} = 'web' then v.current_url end
    from (select 1) one left join visitors v on v.id = ${c.visitorId}
    returning *`
  return row!
}

export async function setAssignee(db: Db, id: string, assigneeId: string | null): Promise<void> {
  await db`update conversations set assignee_id = ${assigneeId}, updated_at = now() where id = ${id}`
}

/** Into a group's Unassigned: the group changes and nobody is assigned any more. */
export async function setGroup(db: Db, id: string, groupId: string): Promise<void> {
  await db`update conversations set group_id = ${groupId}, assignee_id = null, updated_at = now() where id = ${id}`
}

export async function setResolved(db: Db, id: string, by: string): Promise<void> {
  await db`
    update conversations set status = 'resolved', resolved_at = now(), resolved_by = ${by}, waiting_since = null, updated_at = now()
    where id = ${id}`
}

export async function setOpen(db: Db, id: string): Promise<void> {
  await db`
    update conversations set status = 'open', resolved_at = null, resolved_by = null, updated_at = now()
    where id = ${id}`
}

// Lists -------------------------------------------------------------------------------------

type Cursor = [string, string] // [sort key as Postgres text, id]

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

export function decodeCursor(s: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))
    if (Array.isArray(c) && c.length === 2 && typeof c[0] === 'string' && typeof c[1] === 'string') return c as Cursor
  } catch {}
  return null
}

const UNASSIGNED_KEY = "coalesce(c.waiting_since, 'infinity'::timestamptz)"

/** myGroups: Unassigned narrowed to the groups the agent is a member of (#16). */
export async function listView(db: Db, view: View, agentId: string, limit: number, cursor: Cursor | null, myGroups = false): Promise<Page> {
  let rows: ViewRow[]
  // The cursor's time goes in as text: bound as a timestamptz, postgres.js would pass it through a
  // JavaScript Date and drop the microseconds (a page would skip or repeat rows).
  const after = (key: string, op: '<' | '>') =>
    cursor ? db`and (${db.unsafe(key)}, c.id) ${db.unsafe(op)} (${cursor[0]}::text::timestamptz, ${cursor[1]}::uuid)` : db``
  switch (view) {
    case 'unassigned':
      rows = await db<ViewRow[]>`
        ${viewSelect(db, 'conversations', db.unsafe(UNASSIGNED_KEY))}
        where c.status = 'open' and c.assignee_id is null ${after(UNASSIGNED_KEY, '>')}
          ${myGroups ? db`and c.group_id in (select group_id from group_members where agent_id = ${agentId})` : db``}
        order by coalesce(c.waiting_since, 'infinity'::timestamptz), c.id
        limit ${limit + 1}`
      break
    case 'mine':
      rows = await db<ViewRow[]>`
        ${viewSelect(db, 'conversations', db`c.last_message_at`)}
        where c.status = 'open' and c.assignee_id = ${agentId} ${after('c.last_message_at', '<')}
        order by c.last_message_at desc, c.id desc
        limit ${limit + 1}`
      break
    case 'others':
      rows = await db<ViewRow[]>`
        ${viewSelect(db, 'conversations', db`c.last_message_at`)}
        where c.status = 'open' and c.assignee_id is not null and c.assignee_id <> ${agentId} ${after('c.last_message_at', '<')}
        order by c.last_message_at desc, c.id desc
        limit ${limit + 1}`
      break
    case 'all':
      rows = await db<ViewRow[]>`
        ${viewSelect(db, 'conversations', db`c.last_message_at`)}
        where c.status = 'open' ${after('c.last_message_at', '<')}
        order by c.last_message_at desc, c.id desc
        limit ${limit + 1}`
      break
    case 'resolved':
      rows = await db<ViewRow[]>`
        ${viewSelect(db, 'conversations', db`c.resolved_at`)}
        where c.status = 'resolved' ${after('c.resolved_at', '<')}
        order by c.resolved_at desc, c.id desc
        limit ${limit + 1}`
      break
  }
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page[page.length - 1]
  return { items: page.map(toView), nextCursor: more && last ? encodeCursor([last.sortKey, last.id]) : null }
}

export async function openCounts(db: Db): Promise<Counts> {
  const rows = await db<{ assigneeId: string | null; groupId: string | null; n: number }[]>`
    select assignee_id, case when assignee_id is null then group_id end as group_id, count(*)::int as n
    from conversations where status = 'open' group by 1, 2`
  const counts: Counts = { unassigned: 0, unassignedByGroup: {}, byAssignee: {} }
  for (const r of rows) {
    if (r.assigneeId === null) {
      counts.unassigned += r.n
      counts.unassignedByGroup[r.groupId ?? ''] = r.n
    } else counts.byAssignee[r.assigneeId] = r.n
  }
  return counts
}

export async function listForVisitor(db: Db, visitorId: string): Promise<ConversationView[]> {
  const rows = await db<ViewRow[]>`${viewSelect(db)} where c.visitor_id = ${visitorId} order by c.created_at desc, c.id desc limit 50`
  return rows.map(toView)
}

/**
 * The agent has read the conversation up to `seq` (never backwards: a late request from an older
 * tab does not make read messages unread again). Answers the visitor's messages still unread, and
 * `upTo`: the conversation's last seq that count accounts for (read in the same snapshot), so a
 * dashboard can tell it from a message frame that crossed it.
 */
export async function markRead(db: Db, agentId: string, conversationId: string, seq: number): Promise<UnreadAnswer> {
  const [row] = await db<{ readSeq: number; unread: number; upTo: number }[]>`
    with r as (
      insert into conversation_reads (agent_id, conversation_id, read_seq) values (${agentId}, ${conversationId}, ${seq})
      on conflict (agent_id, conversation_id) do update
        set read_seq = greatest(conversation_reads.read_seq, excluded.read_seq), read_at = now()
      returning read_seq
    )
    select r.read_seq,
      (select count(*)::int from messages m
       where m.conversation_id = ${conversationId} and m.author_type = 'visitor' and m.seq > r.read_seq) as unread,
      (select c.last_seq from conversations c where c.id = ${conversationId}) as up_to
    from r`
  return { seq: row!.readSeq, unread: row!.unread, upTo: row!.upTo }
}

/** An agent's read of one conversation: read up to `seq`, `unread` visitor messages after it, counted up to `upTo`. */
export interface UnreadAnswer {
  seq: number
  unread: number
  upTo: number
}

/**
 * The agent's unread visitor messages per open conversation (only conversations with some), and
 * each one's last seq the count accounts for (the same snapshot).
 */
export async function unreadByConversation(db: Db, agentId: string): Promise<{ unread: Record<string, number>; upTo: Record<string, number> }> {
  const rows = await db<{ id: string; unread: number; lastSeq: number }[]>`
    select c.id, c.last_seq, count(*)::int as unread
    from conversations c
    left join conversation_reads r on r.conversation_id = c.id and r.agent_id = ${agentId}
    join messages m on m.conversation_id = c.id and m.author_type = 'visitor' and m.seq > coalesce(r.read_seq, 0)
    where c.status = 'open'
    group by c.id`
  return {
    unread: Object.fromEntries(rows.map((r) => [r.id, r.unread])),
    upTo: Object.fromEntries(rows.map((r) => [r.id, r.lastSeq])),
  }
}
