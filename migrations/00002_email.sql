-- The e-mail channel: mailbox settings, the outbox, IMAP sync state, threading and stored originals.

-- One row: the SMTP and IMAP settings the owner saved in the dashboard. While there is no row,
-- SMTP_* / IMAP_* environment variables apply. Passwords never leave the server through the API.
create table email_settings (
  id boolean primary key default true check (id),
  smtp_host text,
  smtp_port integer check (smtp_port between 1 and 65535),
  smtp_tls text not null default 'starttls' check (smtp_tls in ('none', 'starttls', 'tls')),
  smtp_user text,
  smtp_password text,
  from_name text,
  from_address text,
  imap_host text,
  imap_port integer check (imap_port between 1 and 65535),
  imap_tls text not null default 'tls' check (imap_tls in ('none', 'starttls', 'tls')),
  imap_user text,
  imap_password text,
  imap_mailbox text not null default 'INBOX',
  -- reply address support+c_<token>@domain: only where the mailbox delivers plus-addresses
  plus_addressing boolean not null default false,
  updated_at timestamptz not null default now(),
  updated_by uuid references agents (id)
);

-- An e-mail thread per conversation: the short token carried by the reply address and the
-- subject, and the subject the thread goes by.
create table email_threads (
  conversation_id uuid primary key references conversations (id) on delete cascade,
  token text not null unique,
  subject text not null,
  created_at timestamptz not null default now()
);

-- Every Message-ID that belongs to a conversation: ours (sent) and the visitor's (received).
-- In-Reply-To / References are looked up here. Kept when a conversation goes away, so a mail
-- seen once is never imported again.
create table email_message_ids (
  message_id text primary key,
  conversation_id uuid references conversations (id) on delete set null,
  message_row_id uuid references messages (id) on delete set null,
  direction text not null check (direction in ('in', 'out')),
  created_at timestamptz not null default now()
);
create index email_message_ids_conversation on email_message_ids (conversation_id, created_at desc);

-- Every inbound mail handled, by Message-ID (or a hash of the source when it has none), and what
-- became of it. A mail found here is skipped: a restart, a UIDVALIDITY change or the same mail in
-- the mailbox twice never imports it again.
create table email_inbound (
  message_id text primary key,
  kind text not null check (kind in ('message', 'auto_reply', 'receipt', 'bounce', 'own', 'rejected')),
  message_row_id uuid references messages (id) on delete set null,
  conversation_id uuid references conversations (id) on delete set null,
  from_address text,
  subject text,
  note text,
  created_at timestamptz not null default now()
);

-- The full original of an inbound mail (decoded, card numbers masked): what "show original" shows.
create table email_originals (
  message_row_id uuid primary key references messages (id) on delete cascade,
  mail_message_id text not null,
  from_address text,
  from_name text,
  to_addresses text[] not null default '{}',
  cc_addresses text[] not null default '{}',
  subject text not null default '',
  sent_at timestamptz,
  headers text not null default '',
  text_body text not null default '',
  html_body text,
  created_at timestamptz not null default now()
);

-- Attachments of inbound mail, bounded in size and number.
create table email_attachments (
  id uuid primary key,
  message_row_id uuid not null references messages (id) on delete cascade,
  filename text not null,
  content_type text not null,
  size integer not null,
  content bytea not null,
  created_at timestamptz not null default now()
);
create index email_attachments_message on email_attachments (message_row_id);

-- The outbox: one row per agent message to e-mail. queued → sent, or failed after the last try.
-- A sender claims a row with FOR UPDATE SKIP LOCKED, keeps the lock while it talks to the SMTP
-- server and records "sent" in the same transaction, so no two senders (or a restarted one) send
-- the same row. The Message-ID is fixed when the row is queued, so a retry reuses it.
create table email_outbox (
  id uuid primary key,
  message_row_id uuid not null unique references messages (id) on delete cascade,
  conversation_id uuid not null references conversations (id) on delete cascade,
  -- 'reply': the conversation is an e-mail conversation; 'copy': a web-chat reply also e-mailed
  kind text not null check (kind in ('reply', 'copy')),
  to_address text not null,
  mail_message_id text not null unique,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index email_outbox_due on email_outbox (next_attempt_at) where status = 'queued';

-- Where the IMAP reader is in each mailbox: a UIDVALIDITY change means the UIDs were reassigned.
create table email_imap_state (
  mailbox_key text primary key,
  uid_validity bigint not null,
  last_uid bigint not null default 0,
  updated_at timestamptz not null default now()
);
