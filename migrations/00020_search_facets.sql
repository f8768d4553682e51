-- Search (#16): filters that combine. A conversation's rating and tags lived only in their own
-- tables, so a search for "rating bad + an agent" or "a tag + a group + a channel" walked the
-- agent's (or group's) resolved conversations newest first and looked each one up in the other
-- table; when few or none matched, the walk went to the end (0.3–0.5 s at 1,000,000
-- conversations). Now the conversations row carries a copy of both, and one GIN index over the
-- row's "facets" (assignee, group, channel, rating, tags) finds the conversations that have all of
-- the asked ones at once, however the filters correlate.

-- Copies kept by the triggers below; conversation_ratings and conversation_tags stay the records
-- (comment, who added a tag and when). Written only when a rating or tag changes, never by a message.
alter table conversations
  add column tag_ids uuid[] not null default '{}',
  add column rating_scale text,
  add column rating_score smallint;

update conversations c set tag_ids = t.ids
from (select conversation_id, array_agg(tag_id order by tag_id) as ids from conversation_tags group by conversation_id) t
where t.conversation_id = c.id;
update conversations c set rating_scale = r.scale, rating_score = r.score
from conversation_ratings r
where r.conversation_id = c.id;

-- Each change edits the row's current array (not a recount of the table), so two agents tagging
-- the same conversation at once both land: the second update waits for the first's row lock and
-- then works on its result. Cascades (a tag deleted, a conversation deleted) fire these too.
create function conversation_tags_copy() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update conversations set tag_ids = array_append(array_remove(tag_ids, new.tag_id), new.tag_id) where id = new.conversation_id;
  else
    update conversations set tag_ids = array_remove(tag_ids, old.tag_id) where id = old.conversation_id;
  end if;
  return null;
end $$;
create trigger conversation_tags_copy after insert or delete on conversation_tags
  for each row execute function conversation_tags_copy();

create function conversation_ratings_copy() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    update conversations set rating_scale = null, rating_score = null where id = old.conversation_id;
  else
    update conversations set rating_scale = new.scale, rating_score = new.score where id = new.conversation_id;
  end if;
  return null;
end $$;
create trigger conversation_ratings_copy after insert or update of scale, score or delete on conversation_ratings
  for each row execute function conversation_ratings_copy();

-- The row's facets, as search_facets() in server/domain/search/search.repo.ts asks for them:
-- 'a:<assignee id>' or 'a:none', 'c:<channel>', 'g:<group id>', 'r:<scale>:<score>', and the tag
-- ids as they are (a bare uuid cannot be mistaken for a prefixed facet).
create function search_facets(assignee uuid, grp uuid, channel channel_kind, rating_scale text, rating_score smallint, tags uuid[])
  returns text[] language sql immutable parallel safe
  return array['a:' || coalesce(assignee::text, 'none'), 'c:' || channel::text]
    || case when grp is null then '{}'::text[] else array['g:' || grp::text] end
    || case when rating_scale is null then '{}'::text[] else array['r:' || rating_scale || ':' || rating_score] end
    || tags::text[];

-- Partial on status = 'resolved' like the other search indexes: the rows that messages update
-- (open conversations) take no entry.
create index conversations_resolved_facets on conversations
  using gin (search_facets(assignee_id, group_id, channel, rating_scale, rating_score, tag_ids))
  where status = 'resolved';

-- The rating filter reads the row now.
drop index conversation_ratings_score;
