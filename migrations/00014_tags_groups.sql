-- Tags and groups (#16). Tags: an owner-managed list that any agent puts on conversations.
-- Groups (teams): owner-managed, with member agents; a visitor is routed to a group by the site
-- (`parley('group', key)`) or by a pre-chat choice, and their new conversations start in it.
-- The indexes serve the search that will filter by tag and group.

create table tags (
  id uuid primary key,
  name text not null check (length(name) between 1 and 40),
  -- one of the palette's names (domain/tags/tags.rules.ts)
  color text not null,
  created_at timestamptz not null default now()
);
-- names are unique whatever their case
create unique index tags_name on tags (lower(name));

create table conversation_tags (
  conversation_id uuid not null references conversations (id) on delete cascade,
  tag_id uuid not null references tags (id) on delete cascade,
  added_by uuid references agents (id) on delete set null,
  added_at timestamptz not null default now(),
  primary key (conversation_id, tag_id)
);
-- conversations with a tag (search, and deleting a tag)
create index conversation_tags_tag on conversation_tags (tag_id, conversation_id);

create table groups (
  id uuid primary key,
  -- what the site passes to parley('group', key)
  key text not null check (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name text not null check (length(name) between 1 and 60),
  created_at timestamptz not null default now()
);
create unique index groups_key on groups (key);
create unique index groups_name on groups (lower(name));

create table group_members (
  group_id uuid not null references groups (id) on delete cascade,
  agent_id uuid not null references agents (id) on delete cascade,
  primary key (group_id, agent_id)
);
create index group_members_agent on group_members (agent_id, group_id);

alter table conversations add column group_id uuid references groups (id) on delete set null;
create index conversations_group on conversations (group_id, last_message_at desc, id desc) where group_id is not null;
-- Open › All: every open conversation, latest message first
create index conversations_open_all on conversations (last_message_at desc, id desc) where status = 'open';

-- the group a visitor's next new conversation starts in
create table visitor_groups (
  visitor_id uuid primary key references visitors (id) on delete cascade,
  group_id uuid not null references groups (id) on delete cascade,
  updated_at timestamptz not null default now()
);

-- the owner's choice: the widget asks the visitor to pick a group before the first message
create table group_settings (
  id boolean primary key default true check (id),
  prechat boolean not null default false,
  updated_at timestamptz not null default now()
);
insert into group_settings (id) values (true);
