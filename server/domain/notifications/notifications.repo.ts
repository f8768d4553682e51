// The notifications module's tables: agents' choices, the team's defaults and the stored timers.
// The timer statements read conversations and messages by their columns only to decide, in one
// statement, which conversations a leaving visitor left unanswered.
import type { Db, TxSql } from '../../db/client.ts'
import type { AgentNotificationPrefs, NotificationChoice, NotificationKind, NotificationTimer } from './notifications.types.ts'

export async function readDefaults(db: Db): Promise<NotificationChoice> {
  const [row] = await db<NotificationChoice[]>`select offline_message, missed_conversation from notification_defaults where id`
  return row ?? { offlineMessage: true, missedConversation: true }
}

export async function writeDefaults(db: Db, choice: NotificationChoice, by: string): Promise<void> {
  await db`
    insert into notification_defaults (id, offline_message, missed_conversation, updated_by)
    values (true, ${choice.offlineMessage}, ${choice.missedConversation}, ${by})
    on conflict (id) do update set offline_message = excluded.offline_message,
      missed_conversation = excluded.missed_conversation, updated_by = excluded.updated_by, updated_at = now()`
}

export async function readPrefs(db: Db, agentId: string): Promise<AgentNotificationPrefs | null> {
  const [row] = await db<AgentNotificationPrefs[]>`
    select offline_message, missed_conversation from agent_notification_prefs where agent_id = ${agentId}`
  return row ?? null
}

export async function readAllPrefs(db: Db): Promise<Map<string, AgentNotificationPrefs>> {
  const rows = await db<(AgentNotificationPrefs & { agentId: string })[]>`
    select agent_id, offline_message, missed_conversation from agent_notification_prefs`
  return new Map(rows.map((r) => [r.agentId, { offlineMessage: r.offlineMessage, missedConversation: r.missedConversation }]))
}

export async function writePrefs(db: Db, agentId: string, prefs: AgentNotificationPrefs): Promise<void> {
  await db`
    insert into agent_notification_prefs (agent_id, offline_message, missed_conversation)
    values (${agentId}, ${prefs.offlineMessage}, ${prefs.missedConversation})
    on conflict (agent_id) do update set offline_message = excluded.offline_message,
      missed_conversation = excluded.missed_conversation, updated_at = now()`
}

/**
 * Visitors' messages start offline-message timers, one per conversation; one already waiting
 * keeps its moment, so a burst of messages becomes one notice about all of them. Returns how many
 * timers were started.
 */
export async function startOfflineTimers(db: Db, timers: { conversationId: string; fromSeq: number }[], delayMs: number): Promise<number> {
  const rows = await db`
    insert into notification_timers (conversation_id, kind, from_seq, due_at)
    select t.id, 'offline_message', t.seq, now() + ${delayMs} * interval '1 millisecond'
    from unnest(${timers.map((t) => t.conversationId)}::uuid[], ${timers.map((t) => t.fromSeq)}::int[]) as t(id, seq)
    -- gathered for a moment (visitorWrote): an agent who answered meanwhile already cancelled it.
    -- (A scalar subquery with LIMIT stays one index probe per timer; NOT EXISTS became a hash join
    -- over every message.)
    where (select 1 from messages m where m.conversation_id = t.id and m.seq > t.seq and m.author_type = 'agent' limit 1) is null
    on conflict (conversation_id, kind) do nothing
    returning 1`
  return rows.length
}

/**
 * Visitors' widgets went away (those of a moment together, each visitor once): every open web
 * conversation of theirs that still waits for an answer gets a missed-conversation timer at the
 * end of its visitor's grace period (a later departure moves it later: the visitor only reloaded
 * or moved to another page in between). One statement for all of them.
 */
export async function startMissedTimers(db: Db, departures: { visitorId: string; graceMs: number }[]): Promise<number> {
  const rows = await db`
    insert into notification_timers (conversation_id, kind, from_seq, due_at)
    select c.id, 'missed_conversation',
      coalesce((select max(m.seq) from messages m where m.conversation_id = c.id and m.author_type = 'agent'), 0) + 1,
      now() + d.grace_ms * interval '1 millisecond'
    from unnest(${departures.map((d) => d.visitorId)}::uuid[], ${departures.map((d) => d.graceMs)}::bigint[]) as d(visitor_id, grace_ms)
    join conversations c on c.visitor_id = d.visitor_id
    where c.status = 'open' and c.channel = 'web' and c.waiting_since is not null
    on conflict (conversation_id, kind) do update set due_at = excluded.due_at
    returning 1`
  return rows.length
}

export async function cancelTimers(db: Db, conversationId: string): Promise<number> {
  const rows = await db`delete from notification_timers where conversation_id = ${conversationId} returning 1`
  return rows.length
}

/** The next due timer nobody else holds; locked until the transaction ends, then deleted by it. */
export async function claimDue(tx: TxSql): Promise<NotificationTimer | null> {
  const [row] = await tx<NotificationTimer[]>`
    select conversation_id, kind, from_seq, due_at from notification_timers
    where due_at <= now() order by due_at limit 1 for update skip locked`
  return row ?? null
}

export async function deleteTimer(tx: TxSql, conversationId: string, kind: NotificationKind): Promise<void> {
  await tx`delete from notification_timers where conversation_id = ${conversationId} and kind = ${kind}`
}

/** Milliseconds until the next timer is due (null: none waiting). */
export async function msUntilNextDue(db: Db): Promise<number | null> {
  const [row] = await db<{ ms: number | null }[]>`
    select (extract(epoch from (min(due_at) - now())) * 1000)::float8 as ms from notification_timers`
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms)
}

export async function listTimers(db: Db, conversationId: string): Promise<NotificationTimer[]> {
  return db<NotificationTimer[]>`
    select conversation_id, kind, from_seq, due_at from notification_timers where conversation_id = ${conversationId} order by kind`
}
