-- Session recordings (rrweb): one row per recording, its events in chunks as the widget uploads
-- them. A chunk's events are stored gzip-compressed after the server has masked card numbers in
-- every string; a recording is finalised once its visitor has been gone for a while, and deleted
-- (with its chunks) after the retention period or with its visitor.
create table recordings (
  id uuid primary key,
  visitor_id uuid not null references visitors (id) on delete cascade,
  -- first and last event time of what has been stored so far
  started_at timestamptz not null,
  ended_at timestamptz not null,
  -- page loads and single-page-app navigations seen in the events
  pages integer not null default 0 check (pages >= 0),
  chunks integer not null default 0 check (chunks >= 0),
  events integer not null default 0 check (events >= 0),
  -- stored (compressed) bytes of all chunks
  bytes bigint not null default 0 check (bytes >= 0),
  last_chunk_at timestamptz not null default now(),
  finalized_at timestamptz,
  created_at timestamptz not null default now()
);
create index recordings_visitor on recordings (visitor_id, started_at desc);
create index recordings_open on recordings (last_chunk_at) where finalized_at is null;
create index recordings_started on recordings (started_at);

create table recording_chunks (
  recording_id uuid not null references recordings (id) on delete cascade,
  seq integer not null check (seq >= 0),
  first_at timestamptz not null,
  last_at timestamptz not null,
  events integer not null check (events > 0),
  -- the events as a gzip-compressed JSON array
  data bytea not null,
  created_at timestamptz not null default now(),
  primary key (recording_id, seq)
);
