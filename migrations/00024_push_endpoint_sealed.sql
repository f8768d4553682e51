-- A Web Push endpoint is the push service's address for one browser, with that browser's
-- registration token in its path: stored sealed with PARLEY_SECRET_KEY now, like the device's
-- auth secret (push.usecases.ts). A device that subscribes again is found by a SHA-256 of its
-- endpoint (the token in it makes the hash unguessable), so the unique key moves there. Parley
-- checks the endpoint (and its length) before sealing it; endpoints stored in the clear by an
-- earlier version are hashed here and sealed at the next start.
alter table push_subscriptions add column endpoint_hash text;
update push_subscriptions set endpoint_hash = encode(sha256(convert_to(endpoint, 'UTF8')), 'hex');
alter table push_subscriptions alter column endpoint_hash set not null;
alter table push_subscriptions add constraint push_subscriptions_endpoint_hash_key unique (endpoint_hash);
alter table push_subscriptions drop constraint push_subscriptions_endpoint_key;
alter table push_subscriptions drop constraint push_subscriptions_endpoint_check;
