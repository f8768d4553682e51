-- E-mail notifications to agents (#15): each agent's choice, and the notices waiting for their
-- moment. Timers are rows, not in-memory timeouts, so they survive a restart and any one of
-- several processes sends each once (claimed with FOR UPDATE SKIP LOCKED).

create table agent_notification_prefs (
  agent_id uuid primary key references agents (id) on delete cascade,
  -- null: the team's default (settings key 'notifications.defaults')
  offline_message boolean,
  missed_conversation boolean,
  updated_at timestamptz not null default now()
);

create table notification_timers (
  conversation_id uuid not null references conversations (id) on delete cascade,
  kind text not null check (kind in ('offline_message', 'missed_conversation')),
  -- the visitor's messages from this sequence number on are what the notice is about
  from_seq integer not null,
  due_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, kind)
);
create index notification_timers_due on notification_timers (due_at);

-- the team's defaults, set by the owner: one row
create table notification_defaults (
  id boolean primary key default true check (id),
  offline_message boolean not null default true,
  missed_conversation boolean not null default true,
  updated_by uuid references agents (id) on delete set null,
  updated_at timestamptz not null default now()
);
insert into notification_defaults (id) values (true);
