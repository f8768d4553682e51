-- Placeholder on the h-notify branch only, so 00008 applies without a gap; the recordings branch
-- brings the real 00007. Drop this file when merging.
select 1;
