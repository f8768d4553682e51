-- The thread tells its story (#15): what happened to a conversation besides its messages —
-- assigned, taken, transferred, resolved, reopened, an e-mail copy sent or failed, and what other
-- modules add (a transfer to a group, a rating). A table of its own, not messages: an event never
-- reaches the visitor's widget, e-mail or Messenger, is never unread, never a notification or a
-- webhook's message, never the list's last-message preview, and takes no sequence number.
-- Each row is written in the transaction of the change it describes.

create table conversation_events (
  id uuid primary key,
  conversation_id uuid not null references conversations (id) on delete cascade,
  -- the documented list is in server/domain/conversation-events/conversation-events.types.ts
  kind text not null check (kind ~ '^[a-z][a-z_]{0,39}$'),
  -- who did it (null: the visitor, the system, or an account since deleted); the name as it was then
  actor_agent_id uuid references agents (id) on delete set null,
  actor_name text check (length(actor_name) <= 200),
  -- the agent it was done to (assigned to, transferred to); the name as it was then
  agent_id uuid references agents (id) on delete set null,
  agent_name text check (length(agent_name) <= 200),
  -- where it sits in the thread: after the message with this sequence number (0: before all)
  after_seq integer not null check (after_seq >= 0),
  -- the kind's own facts (a reason, a group's name, a rating, a failure code); small, no free text
  data jsonb not null default '{}' check (jsonb_typeof(data) = 'object' and length(data::text) <= 2000),
  created_at timestamptz not null default now()
);
create index conversation_events_thread on conversation_events (conversation_id, after_seq, created_at, id);
