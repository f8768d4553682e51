-- Tables every channel shares, so Messenger and later channels reuse them instead of copying the
-- e-mail channel's: one outbox for every outgoing mail (a reply, a copy of a chat reply, a
-- notification, a transcript), a visitor's identities on each channel, the external ids of
-- messages (threading and de-duplication), the log of inbound items handled, and attachments.
-- The e-mail channel's rows move over; nothing is dropped before it has been copied.

-- The outbox ------------------------------------------------------------------------------------
-- A mail no longer needs a message row: a notification or a transcript carries its own subject
-- and text. A message is still e-mailed at most once (the unique key allows any number of rows
-- without one).
alter table email_outbox rename to outbox;
alter index email_outbox_pkey rename to outbox_pkey;
alter index email_outbox_message_row_id_key rename to outbox_message_row_id_key;
alter index email_outbox_mail_message_id_key rename to outbox_mail_message_id_key;
alter index email_outbox_due rename to outbox_due;
alter table outbox
  drop constraint email_outbox_kind_check,
  alter column message_row_id drop not null,
  alter column conversation_id drop not null,
  add column subject text,
  add column text_body text;
alter table outbox
  -- reply: an e-mail conversation's agent message; copy: a web-chat reply also e-mailed;
  -- notification: to an agent (offline message, missed conversation); transcript: a conversation
  add constraint outbox_kind check (kind in ('reply', 'copy', 'notification', 'transcript')),
  add constraint outbox_content check (
    case when kind in ('reply', 'copy') then message_row_id is not null
         else subject is not null and text_body is not null end);

-- A visitor's identities on the channels ----------------------------------------------------------
-- e-mail: the address in lower case; Messenger: the page-scoped id, prefixed with the page's id.
create table visitor_identities (
  channel channel_kind not null,
  external_id text not null check (length(external_id) between 1 and 320),
  visitor_id uuid not null references visitors (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (channel, external_id)
);
create index visitor_identities_visitor on visitor_identities (visitor_id);

-- Every visitor who wrote by e-mail, by the address they wrote from; where two visitors share an
-- address, the one seen last (the one the next mail goes to, as before).
insert into visitor_identities (channel, external_id, visitor_id, created_at)
select distinct on (lower(v.email)) 'email', lower(v.email), v.id, v.created_at
from visitors v
where v.email is not null
  and (v.email_source = 'email' or exists (select 1 from conversations c where c.visitor_id = v.id and c.channel = 'email'))
order by lower(v.email), v.last_seen_at desc, v.id desc;
-- And every address a visitor's mail actually came from (one that is not on their card), the
-- latest mail deciding.
insert into visitor_identities (channel, external_id, visitor_id, created_at)
select distinct on (lower(i.from_address)) 'email', lower(i.from_address), c.visitor_id, i.created_at
from email_inbound i join conversations c on c.id = i.conversation_id
where i.kind = 'message' and i.from_address is not null and i.from_address <> ''
order by lower(i.from_address), i.created_at desc
on conflict (channel, external_id) do nothing;

-- External message ids --------------------------------------------------------------------------
-- Every id the wire gave a message of a conversation, ours (sent) and the visitor's (received):
-- e-mail Message-IDs (In-Reply-To / References are looked up here), Messenger mids. Kept when a
-- conversation goes away, so an item seen once is never imported again.
create table channel_message_ids (
  channel channel_kind not null,
  external_id text not null,
  conversation_id uuid references conversations (id) on delete set null,
  message_row_id uuid references messages (id) on delete set null,
  direction text not null check (direction in ('in', 'out')),
  created_at timestamptz not null default now(),
  primary key (channel, external_id)
);
create index channel_message_ids_conversation on channel_message_ids (channel, conversation_id, created_at desc);
insert into channel_message_ids (channel, external_id, conversation_id, message_row_id, direction, created_at)
select 'email', message_id, conversation_id, message_row_id, direction, created_at from email_message_ids;
drop table email_message_ids;

-- Every inbound item handled, by its external id, and what became of it: an item found here is
-- skipped, so a restart or the same item delivered twice never imports it again.
create table channel_inbound (
  channel channel_kind not null,
  external_id text not null,
  kind text not null check (kind in ('message', 'auto_reply', 'receipt', 'bounce', 'own', 'rejected')),
  message_row_id uuid references messages (id) on delete set null,
  conversation_id uuid references conversations (id) on delete set null,
  sender text,
  subject text,
  note text,
  created_at timestamptz not null default now(),
  primary key (channel, external_id)
);
insert into channel_inbound (channel, external_id, kind, message_row_id, conversation_id, sender, subject, note, created_at)
select 'email', message_id, kind, message_row_id, conversation_id, from_address, subject, note, created_at from email_inbound;
drop table email_inbound;

-- Attachments -----------------------------------------------------------------------------------
-- Files that came with a visitor's message on any channel, bounded in size (10 MB each), with a
-- plain type/subtype content type; served only as downloads.
create table attachments (
  id uuid primary key,
  message_row_id uuid not null references messages (id) on delete cascade,
  channel channel_kind not null,
  filename text not null check (length(filename) between 1 and 255),
  content_type text not null check (content_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$'),
  size integer not null check (size between 0 and 10485760),
  content bytea not null,
  created_at timestamptz not null default now(),
  check (octet_length(content) = size)
);
create index attachments_message on attachments (message_row_id);
-- What the e-mail channel stored fits these bounds already; a content type it took verbatim from a
-- mail that does not is kept as application/octet-stream (it is only ever downloaded).
insert into attachments (id, message_row_id, channel, filename, content_type, size, content, created_at)
select id, message_row_id, 'email',
       case when filename = '' then 'attachment' else left(filename, 255) end,
       case when lower(content_type) ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$'
            then lower(content_type) else 'application/octet-stream' end,
       octet_length(content), content, created_at
from email_attachments;
drop table email_attachments;
