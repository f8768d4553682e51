// Peer for the recordings benchmark: raw Bun.serve + postgres.js writing the same chunk bytes to
// PostgreSQL, with the least a server could do: look the bearer token up, insert the body as
// bytea (no inflating, no checks, no masking), answer 201.
// DATABASE_URL=… PORT=… bun scripts/bench/peers/recordings-raw.ts
import postgres from 'postgres'

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} })
await sql`create table if not exists visitors (id uuid primary key, token text not null unique)`
await sql`
  create table if not exists chunks (
    recording_id uuid not null,
    seq integer not null,
    visitor_id uuid not null,
    data bytea not null,
    created_at timestamptz not null default now(),
    primary key (recording_id, seq)
  )`
await sql`insert into visitors (id, token) values (${Bun.randomUUIDv7()}, 'bench-token') on conflict do nothing`

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  maxRequestBodySize: 1024 * 1024,
  async fetch(req) {
    const m = /^\/chunks\/([0-9a-f-]{36})\/(\d+)$/.exec(new URL(req.url).pathname)
    if (!m || req.method !== 'POST') return new Response('not found', { status: 404 })
    const token = req.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''
    const [v] = await sql<{ id: string }[]>`select id from visitors where token = ${token}`
    if (!v) return new Response('unauthorized', { status: 401 })
    const body = new Uint8Array(await req.arrayBuffer())
    await sql`insert into chunks (recording_id, seq, visitor_id, data) values (${m[1]!}, ${Number(m[2])}, ${v.id}, ${body}) on conflict do nothing`
    return new Response(null, { status: 201 })
  },
})
console.log(JSON.stringify({ ready: true, port: server.port }))
