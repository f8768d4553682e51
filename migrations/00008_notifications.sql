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

-- Outgoing webhooks: owner-configured receivers, and a durable queue of deliveries (claimed with
-- FOR UPDATE SKIP LOCKED, retried with back-off) that is also the delivery log.
create table webhooks (
  id uuid primary key,
  url text not null check (url ~ '^https?://' and length(url) <= 2048),
  events text[] not null,
  -- the signing secret, sealed with PARLEY_SECRET_KEY (shared/secrets.ts)
  secret text not null,
  active boolean not null default true,
  created_by uuid references agents (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table webhook_deliveries (
  id uuid primary key,
  webhook_id uuid not null references webhooks (id) on delete cascade,
  event text not null,
  -- the exact body sent (message text is the stored, card-masked text)
  payload text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- the receiver's last answer: its HTTP status and the start of its body (bounded)
  response_status integer,
  response_body text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'queued';
create index webhook_deliveries_log on webhook_deliveries (webhook_id, created_at desc);
