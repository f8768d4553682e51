-- Search (#16): full text over messages in the six UI languages, names and e-mails by part, the
-- page and address a conversation started from, and each agent's saved searches.
--
-- Write cost on the chat path is kept small: the messages index is one GIN entry per message
-- (fastupdate pending list), and every new conversations index is partial on status = 'resolved'.
-- An open conversation's row is updated by each message (not a HOT update: last_message_at is
-- indexed), and a partial index whose predicate the new row fails takes no entry, so open
-- conversations never pay for them. Open ones are few; their search walks the Open › All index.

-- trusted extension: the database owner (parley_app) may create it
create extension if not exists pg_trgm;

-- A UI language's text search configuration; PostgreSQL has none for Czech and Polish.
create function search_config(language text) returns regconfig
  language sql immutable parallel safe
  return case language
    when 'en' then 'english'::regconfig
    when 'de' then 'german'::regconfig
    when 'es' then 'spanish'::regconfig
    when 'hu' then 'hungarian'::regconfig
    else 'simple'::regconfig
  end;

-- Each message's language: an agent's message is in the agent's dashboard language; a visitor's
-- in the language its channel reported (the widget's), else the assigned agent's, else 'simple'.
-- The default needs no table rewrite; old rows are backfilled the same way.
alter table messages add column lang regconfig not null default 'simple';
update messages m set lang = search_config(a.language)
from agents a
where m.author_type = 'agent' and a.id = m.author_id and search_config(a.language) <> 'simple'::regconfig;
update messages m set lang = search_config(a.language)
from conversations c join agents a on a.id = c.assignee_id
where m.author_type = 'visitor' and c.id = m.conversation_id and search_config(a.language) <> 'simple'::regconfig;
-- The message's words, computed once when it is written (the same work an expression index would
-- do) and stored: a search that checks a common word conversation by conversation reads them
-- instead of parsing and stemming every body again. Private notes live in their own table and are
-- never here.
alter table messages add column tsv tsvector generated always as (to_tsvector(lang, body)) stored;
create index messages_text on messages using gin (tsv);

-- Names and e-mail addresses by any part (3+ characters use the trigram index).
create index visitors_name_trgm on visitors using gin (lower(name) gin_trgm_ops);
create index visitors_email_trgm on visitors using gin (lower(email) gin_trgm_ops);

-- Where a web conversation started: the visitor's address and page at that moment (the visitor
-- row keeps only the latest visit's). Null for e-mail and Messenger.
alter table conversations add column ip inet, add column start_url text;
update conversations c
set ip = case when pg_input_is_valid(v.ip, 'inet') then v.ip::inet end, start_url = v.current_url
from visitors v
where v.id = c.visitor_id and c.channel = 'web';

create index conversations_resolved_ip on conversations using gist (ip inet_ops) where status = 'resolved' and ip is not null;
create index conversations_resolved_url on conversations using gin (start_url gin_trgm_ops) where status = 'resolved' and start_url is not null;
create index conversations_resolved_assignee on conversations (assignee_id, resolved_at desc, id desc) where status = 'resolved';
create index conversations_resolved_group on conversations (group_id, resolved_at desc, id desc) where status = 'resolved';
create index conversations_resolved_channel on conversations (channel, resolved_at desc, id desc) where status = 'resolved';
-- status=all: the resolved ones by their last message (the open ones have conversations_open_all)
create index conversations_resolved_last_message on conversations (last_message_at desc, id desc) where status = 'resolved';

-- Saved searches: a name and the search's URL query string, per agent.
create table saved_searches (
  id uuid primary key,
  agent_id uuid not null references agents (id) on delete cascade,
  name text not null check (length(name) between 1 and 80),
  query text not null check (length(query) <= 2000),
  created_at timestamptz not null default now()
);
create unique index saved_searches_name on saved_searches (agent_id, lower(name));
