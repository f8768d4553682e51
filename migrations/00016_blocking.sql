-- Blocking (#16): a visitor, or a range of IP addresses, whose widget shows no chat and whose
-- messages are refused on every channel. A block is its own row: blocking never touches the
-- visitor's data, and undoing it deletes only the block.

create table blocked_visitors (
  visitor_id uuid primary key references visitors (id) on delete cascade,
  reason text check (length(reason) <= 500),
  blocked_by uuid references agents (id) on delete set null,
  blocked_at timestamptz not null default now()
);

create table blocked_ranges (
  id uuid primary key,
  -- one address is a /32 (IPv4) or /128 (IPv6); IPv4-mapped IPv6 is stored as IPv4
  range cidr not null unique check (masklen(range) > 0),
  reason text check (length(reason) <= 500),
  blocked_by uuid references agents (id) on delete set null,
  blocked_at timestamptz not null default now()
);
-- `range >>= $address` (is the address inside a blocked range?) is answered from this index.
create index blocked_ranges_contains on blocked_ranges using gist (range inet_ops);
