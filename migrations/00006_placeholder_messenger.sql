-- Placeholder on the h-notify branch only, so 00008 applies without a gap; the Messenger branch
-- brings the real 00006. Drop this file when merging.
select 1;
