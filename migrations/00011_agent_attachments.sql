-- Files agents attach to their replies (#13). A file is uploaded on its own first (so the
-- composer can show progress and refuse a file before anything is sent) and waits here, tied to
-- the agent and the conversation it was uploaded for; the reply that names it moves it into
-- `attachments` in the reply's own transaction, so the reply and its files commit together. An
-- upload no reply claimed within an hour is deleted by the maintenance job.
create table attachment_uploads (
  id uuid primary key,
  agent_id uuid not null references agents (id) on delete cascade,
  conversation_id uuid not null references conversations (id) on delete cascade,
  filename text not null check (length(filename) between 1 and 255),
  content_type text not null check (content_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$'),
  size integer not null check (size between 1 and 10485760),
  content bytea not null,
  created_at timestamptz not null default now(),
  check (octet_length(content) = size)
);
create index attachment_uploads_created on attachment_uploads (created_at);
create index attachment_uploads_agent on attachment_uploads (agent_id, conversation_id);
