-- Ratings, private notes and canned responses (#16).

-- The visitor's rating of a resolved conversation: one per conversation, a second one replaces it
-- (the visitor changed their mind). Its own table, so the conversations row (written by every
-- message) does not grow; search filters by (scale, score) through the index below.
-- scale 'thumbs': score 0 (bad) or 1 (good); scale 'stars': score 1–5.
create table conversation_ratings (
  conversation_id uuid primary key references conversations (id) on delete cascade,
  visitor_id uuid not null references visitors (id) on delete cascade,
  scale text not null check (scale in ('thumbs', 'stars')),
  score smallint not null check ((scale = 'thumbs' and score between 0 and 1) or (scale = 'stars' and score between 1 and 5)),
  -- card numbers masked before it is stored, like every chat text
  comment text not null default '' check (length(comment) <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index conversation_ratings_score on conversation_ratings (scale, score, updated_at desc);

-- Private notes: agents only. Their own table rather than a kind of message, so that no path that
-- reads `messages` (the widget's history and resume, e-mail and Messenger delivery, transcripts,
-- notification mails, webhooks, unread counts, the list's preview, the sequence numbers a visitor
-- sees) can ever carry one: leaking a note would need new code, not a forgotten filter.
create table conversation_notes (
  id uuid primary key,
  conversation_id uuid not null references conversations (id) on delete cascade,
  author_id uuid references agents (id) on delete set null,
  body text not null,
  -- the agents mentioned with @name
  mentions uuid[] not null default '{}',
  client_id text,
  created_at timestamptz not null default now()
);
create index conversation_notes_conversation on conversation_notes (conversation_id, created_at);
create unique index conversation_notes_client_id on conversation_notes (author_id, client_id) where client_id is not null;

-- Canned responses: the team's (owner_id null, managed by the owner) and each agent's own.
create table canned_responses (
  id uuid primary key,
  owner_id uuid references agents (id) on delete cascade,
  shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  body text not null check (length(body) between 1 and 5000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index canned_responses_team_shortcut on canned_responses (shortcut) where owner_id is null;
create unique index canned_responses_own_shortcut on canned_responses (owner_id, shortcut) where owner_id is not null;
