-- A session's CSRF token is now derived from its session token (an HMAC: agents.usecases.ts
-- csrfTokenOf), which the database keeps only as a hash. The token kept here in the clear is no
-- longer read or written, and goes: a dump of the database holds neither.
alter table agent_sessions drop column csrf_token;
