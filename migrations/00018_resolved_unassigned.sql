-- Search (#16): "agent: none" on resolved conversations. The assignee index cannot give
-- resolved_at order for `assignee_id is null`, so PostgreSQL walked the whole resolved index
-- filtering for it: 0.8 s at 1,000,000 conversations when none matched. A partial index of just
-- those conversations, in the order the page reads them.
create index conversations_resolved_unassigned on conversations (resolved_at desc, id desc)
  where status = 'resolved' and assignee_id is null;
