// The system event a message records in its own append statement (messages.repo.ts): a visitor's
// message that reopens a resolved conversation, or an agent's reply that takes an unassigned one.
// Published as a fragment so the append stays ONE statement; it runs nothing itself.
import type { Db } from '../../db/client.ts'

/**
 * The body of a CTE over `agg` (one row per conversation that took messages: its state before,
 * the effect, the first message's event_id). It sits before the messages, after old_last_seq.
 */
export const messageEventInsert = (db: Db) => db`
  insert into conversation_events (id, conversation_id, kind, actor_agent_id, actor_name, agent_id, agent_name, after_seq, data)
  select e.event_id, e.conversation_id,
    case when e.reopens and e.old_status = 'resolved' then 'reopened' else 'taken' end,
    case when e.reopens and e.old_status = 'resolved' then null else e.taken_by end,
    case when e.reopens and e.old_status = 'resolved' then null else (select a.name from agents a where a.id = e.taken_by) end,
    case when e.reopens and e.old_status = 'resolved' then null else e.taken_by end,
    case when e.reopens and e.old_status = 'resolved' then null else (select a.name from agents a where a.id = e.taken_by) end,
    e.old_last_seq,
    case when e.reopens and e.old_status = 'resolved' then '{"reason":"visitor_wrote"}'::jsonb else '{}'::jsonb end
  from agg e
  where (e.reopens and e.old_status = 'resolved') or (e.taken_by is not null and e.old_assignee_id is null)`
