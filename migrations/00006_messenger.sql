-- Facebook Messenger: the pages the owner connected, the Graph API they are reached at, the
-- people who wrote to them, a durable inbox for verified webhook deliveries and a send queue for
-- agents' replies. Message ids (mids), the inbound log and attachments use the tables every
-- channel shares (00004).

-- One row: where the Graph API is (tests point it at a local server) and which version is spoken.
create table messenger_settings (
  id boolean primary key default true check (id),
  graph_base_url text not null check (graph_base_url ~ '^https?://[^\s]+$' and length(graph_base_url) <= 300),
  graph_version text not null check (graph_version ~ '^v[0-9]{1,3}\.[0-9]{1,3}$'),
  updated_at timestamptz not null default now(),
  updated_by uuid references agents (id) on delete set null
);

-- A connected page. The access token, the app secret and the verify token are sealed
-- (shared/secrets.ts): none is readable from the database. Page ids are digit strings that
-- exceed 2^53, so they are text, never numbers.
create table messenger_pages (
  page_id text primary key check (page_id ~ '^[0-9]{1,32}$'),
  name text check (length(name) <= 200),
  app_id text check (app_id ~ '^[0-9]{1,32}$'),
  access_token text not null,
  app_secret text not null,
  verify_token text not null,
  -- Meta's HUMAN_AGENT tag (replies up to 7 days after the person's last message) needs Meta's
  -- approval; the owner turns it on per page.
  human_agent boolean not null default false,
  -- configured: not checked yet; connected: the Graph API accepted the token; failing: Meta's last
  -- error is in last_error; expired: the token was refused (error 190), nothing is sent until it is replaced
  state text not null default 'configured' check (state in ('configured', 'connected', 'failing', 'expired')),
  last_error text check (length(last_error) <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A person who wrote to a page (page-scoped id), the visitor they are, and when they last wrote:
-- the 24-hour window (and the 7 days of HUMAN_AGENT) count from there.
create table messenger_contacts (
  page_id text not null check (page_id ~ '^[0-9]{1,32}$'),
  psid text not null check (psid ~ '^[0-9]{1,32}$'),
  visitor_id uuid not null references visitors (id) on delete cascade,
  last_inbound_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (page_id, psid)
);
create index messenger_contacts_visitor on messenger_contacts (visitor_id, last_inbound_at desc);

-- Verified webhook deliveries, written before Meta is answered 200 and processed from here, so a
-- crash in between loses nothing. The body is what was received, parsed, with card numbers in
-- its texts masked; a row goes once it is processed.
create table messenger_inbox (
  id uuid primary key,
  page_id text not null check (page_id ~ '^[0-9]{1,32}$'),
  body jsonb not null,
  status text not null default 'queued' check (status in ('queued', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  received_at timestamptz not null default now()
);
create index messenger_inbox_due on messenger_inbox (next_attempt_at) where status = 'queued';

-- Agents' replies on the way to the Send API, claimed with FOR UPDATE SKIP LOCKED. A long reply
-- goes out in several parts; parts_sent says how many Meta accepted, so a retry never repeats one.
create table messenger_sends (
  id uuid primary key,
  message_row_id uuid not null unique references messages (id) on delete cascade,
  page_id text not null check (page_id ~ '^[0-9]{1,32}$'),
  psid text not null check (psid ~ '^[0-9]{1,32}$'),
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  parts_sent integer not null default 0,
  -- how the last part went out: RESPONSE, or the HUMAN_AGENT tag
  sent_as text check (sent_as in ('RESPONSE', 'HUMAN_AGENT')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index messenger_sends_due on messenger_sends (next_attempt_at) where status = 'queued';
