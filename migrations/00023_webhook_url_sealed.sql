-- A webhook's URL is often a credential of its own (a chat service's incoming-hook address carries
-- its token in the path): it is stored sealed with PARLEY_SECRET_KEY like the signing secret
-- (webhooks.usecases.ts), so the column no longer holds a readable address for this check to
-- test. Parley checks the address before sealing it; URLs stored in the clear by an earlier
-- version are sealed at the next start.
alter table webhooks drop constraint webhooks_url_check;
