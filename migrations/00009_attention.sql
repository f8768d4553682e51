-- Attention in the dashboard (#15). The list's preview says whose the last message was, so a
-- conversation remembers which agent wrote it (null for a visitor's or the system's message, or
-- once that agent's account is gone).

alter table conversations
  add column last_message_agent_id uuid references agents (id) on delete set null;

update conversations c set last_message_agent_id = m.author_id
from (
  select distinct on (conversation_id) conversation_id, author_id, author_type
  from messages order by conversation_id, seq desc
) m
where m.conversation_id = c.id and m.author_type = 'agent' and c.last_message_author = 'agent';

-- How far each agent has read each conversation: the visitor's messages after read_seq are
-- unread for that agent. A row, not browser storage, so it follows the agent across tabs,
-- devices and processes; no row is "read nothing yet".
create table conversation_reads (
  agent_id uuid not null references agents (id) on delete cascade,
  conversation_id uuid not null references conversations (id) on delete cascade,
  read_seq integer not null check (read_seq >= 0),
  read_at timestamptz not null default now(),
  primary key (agent_id, conversation_id)
);
create index conversation_reads_conversation on conversation_reads (conversation_id);
