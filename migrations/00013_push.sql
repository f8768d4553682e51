-- Desktop notifications, sound and Web Push for agents (#15). Each agent chooses, per event,
-- whether a desktop notification pops up and whether a sound plays (and how loud); the dashboard
-- reads the choice from here so it is the same in every browser. Web Push reaches an agent's
-- devices when no dashboard of theirs is connected: the installation's VAPID key pair (private
-- key sealed with PARLEY_SECRET_KEY), each device's subscription, and a durable queue of pushes
-- (claimed with FOR UPDATE SKIP LOCKED, retried with back-off) so a push survives a restart and
-- goes out once with several processes.

create table agent_alert_prefs (
  agent_id uuid primary key references agents (id) on delete cascade,
  -- event keys: new_conversation, my_message, unassigned_message, mention
  desktop text[] not null,
  sound text[] not null,
  volume smallint not null check (volume between 0 and 100),
  updated_at timestamptz not null default now()
);

-- one row: the key pair every push is signed with (RFC 8292)
create table push_vapid (
  id boolean primary key default true check (id),
  public_key text not null,
  -- sealed (shared/secrets.ts)
  private_key text not null,
  created_at timestamptz not null default now()
);

create table push_subscriptions (
  id uuid primary key,
  agent_id uuid not null references agents (id) on delete cascade,
  endpoint text not null unique check (length(endpoint) <= 2048),
  -- the browser's public key (P-256, base64url): not a secret
  p256dh text not null,
  -- the browser's auth secret, sealed (shared/secrets.ts)
  auth text not null,
  user_agent text,
  created_at timestamptz not null default now(),
  last_sent_at timestamptz
);
create index push_subscriptions_agent on push_subscriptions (agent_id);

create table push_deliveries (
  id uuid primary key,
  subscription_id uuid not null references push_subscriptions (id) on delete cascade,
  -- the JSON the service worker shows: a title, a short masked preview, the conversation's id
  payload text not null check (length(payload) <= 2048),
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  response_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index push_deliveries_due on push_deliveries (next_attempt_at) where status = 'queued';
