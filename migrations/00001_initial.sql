-- Parley's first schema: agents and their sessions, visitors, conversations, messages, presence.

create table agents (
  id uuid primary key,
  email text not null,
  name text not null,
  role text not null check (role in ('owner', 'full', 'limited')),
  password_hash text not null,
  active boolean not null default true,
  -- the status the agent chose; presence is this while they have a live connection, else offline
  status text not null default 'online' check (status in ('online', 'away', 'offline')),
  language text not null default 'en',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index agents_email_key on agents (lower(email));
-- exactly one owner: the first-run setup can succeed once, even when two requests race
create unique index agents_single_owner on agents ((true)) where role = 'owner';

create table agent_sessions (
  token_hash text primary key,
  agent_id uuid not null references agents (id) on delete cascade,
  csrf_token text not null,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index agent_sessions_agent on agent_sessions (agent_id);

create table login_failures (
  id bigint generated always as identity primary key,
  email text not null,
  ip text not null,
  at timestamptz not null default now()
);
create index login_failures_email on login_failures (email, at);
create index login_failures_ip on login_failures (ip, at);

-- each running Parley process; presence counts only connections of live (heartbeating) nodes
create table server_nodes (
  id uuid primary key,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);

create table agent_connections (
  node_id uuid not null references server_nodes (id) on delete cascade,
  agent_id uuid not null references agents (id) on delete cascade,
  connections integer not null check (connections >= 0),
  primary key (node_id, agent_id)
);
create index agent_connections_agent on agent_connections (agent_id);

create table visitors (
  id uuid primary key,
  number bigint generated always as identity unique,
  -- the site's own user id, set only by a verified identify() or the server API
  external_id text unique,
  name text,
  email text,
  phone text,
  -- where the e-mail address came from: the contact form, the site (JS API / server API), an
  -- agent, or the visitor's own e-mail to the support mailbox
  email_source text check (email_source in ('contact_form', 'site', 'agent', 'email')),
  -- one note per visitor, visible to and editable by all agents
  note text not null default '',
  note_updated_at timestamptz,
  note_updated_by uuid references agents (id),
  -- customer info sent by the site: { key: { label, value } }
  variables jsonb not null default '{}',
  -- facts of the latest visit
  ip text,
  user_agent text,
  country_code text,
  region text,
  city text,
  os_name text,
  os_version text,
  browser_name text,
  browser_version text,
  referrer text,
  current_url text,
  current_title text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

-- the widget's opaque tokens (only their SHA-256); a verified identity can link several devices
create table visitor_tokens (
  token_hash text primary key,
  visitor_id uuid not null references visitors (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index visitor_tokens_visitor on visitor_tokens (visitor_id);

create table page_views (
  id bigint generated always as identity primary key,
  visitor_id uuid not null references visitors (id) on delete cascade,
  url text not null,
  title text not null default '',
  referrer text,
  at timestamptz not null default now()
);
create index page_views_visitor on page_views (visitor_id, at desc);

-- keys for the server API; only their SHA-256 is stored
create table api_keys (
  id uuid primary key,
  name text not null,
  key_hash text not null unique,
  prefix text not null,
  created_by uuid not null references agents (id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- the widget's live connections per process: a visitor is online while one exists on a live node
create table visitor_connections (
  node_id uuid not null references server_nodes (id) on delete cascade,
  visitor_id uuid not null references visitors (id) on delete cascade,
  connections integer not null check (connections >= 0),
  primary key (node_id, visitor_id)
);
create index visitor_connections_visitor on visitor_connections (visitor_id);

create table conversations (
  id uuid primary key,
  visitor_id uuid not null references visitors (id),
  channel text not null check (channel in ('web', 'email', 'messenger')),
  status text not null default 'open' check (status in ('open', 'resolved')),
  assignee_id uuid references agents (id),
  last_seq integer not null default 0,
  last_message_at timestamptz not null default now(),
  last_message_preview text not null default '',
  last_message_author text check (last_message_author in ('visitor', 'agent', 'system')),
  -- when the visitor's oldest unanswered message arrived; null once an agent has answered
  waiting_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid references agents (id),
  check ((status = 'resolved') = (resolved_at is not null))
);
-- Open › Unassigned: oldest wait first
create index conversations_unassigned on conversations ((coalesce(waiting_since, 'infinity'::timestamptz)), id)
  where status = 'open' and assignee_id is null;
-- Open › Mine (and counts per assignee)
create index conversations_open_by_assignee on conversations (assignee_id, last_message_at desc, id desc)
  where status = 'open';
-- Open › Others
create index conversations_open_assigned on conversations (last_message_at desc, id desc)
  where status = 'open' and assignee_id is not null;
-- Resolved: newest first, keyset pagination
create index conversations_resolved on conversations (resolved_at desc, id desc) where status = 'resolved';
create index conversations_visitor on conversations (visitor_id, created_at desc);

create table messages (
  id uuid primary key,
  conversation_id uuid not null references conversations (id),
  seq integer not null,
  author_type text not null check (author_type in ('visitor', 'agent', 'system')),
  -- the visitor's or agent's id; client ids are unique per author
  author_id uuid,
  body text not null,
  client_id text,
  channel text not null check (channel in ('web', 'email', 'messenger')),
  -- outbound delivery: pending → sent → delivered / failed; inbound messages are 'received'
  delivery_status text not null check (delivery_status in ('received', 'pending', 'sent', 'delivered', 'failed')),
  delivery_error text,
  created_at timestamptz not null default now(),
  unique (conversation_id, seq)
);
create unique index messages_client_id on messages (author_id, client_id) where client_id is not null;

-- instance-wide settings (widget appearance, …), one JSON document per key
create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by uuid references agents (id)
);
