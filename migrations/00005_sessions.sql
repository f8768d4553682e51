-- Sessions get a public id: the cluster tells other processes which session ended (so they close
-- its sockets) and the dashboard lists and ends sessions by it, without ever handling the token's
-- hash, which is the key a stolen database dump would be matched against.
alter table agent_sessions add column id uuid not null default gen_random_uuid();
create unique index agent_sessions_id on agent_sessions (id);

-- Login throttling: one row per key (an address at an IP, or an IP alone). An attempt is reserved
-- by counting it as a failure before the password is verified, under the row's lock, so
-- concurrent guesses cannot all pass the check; a correct password gives it back. login_failures
-- stays as the record of failed sign-ins (address, IP, time), kept for the throttling window.
create table login_throttle (
  key text primary key,
  failures integer not null check (failures >= 0),
  last_failure_at timestamptz not null,
  locked_until timestamptz
);
create index login_throttle_last_failure on login_throttle (last_failure_at);

-- What the owner did, for the owner to read: who, what (the route and the names of the fields
-- sent, never their values: passwords and secrets pass through these routes), when, from where.
create table audit_log (
  id uuid primary key,
  at timestamptz not null default now(),
  actor_id uuid references agents (id) on delete set null,
  actor_name text not null,
  action text not null,
  target text,
  fields text[] not null default '{}',
  ip text
);
create index audit_log_recent on audit_log (at desc, id desc);
