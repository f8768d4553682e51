// Peer (c): the true ceiling of the chat path — raw Bun.serve + postgres.js WITH group commit.
// The messages that arrive in one turn of the event loop (and while the previous batch is being
// committed) are inserted by one statement in one transaction; each sender is acked after that
// commit, and the agents get the new messages in one batch frame. Same wire format as bun-raw.ts.
// DATABASE_URL=… PORT=… bun scripts/bench/peers/bun-raw-batched.ts
import postgres from 'postgres'
import type { ServerWebSocket } from 'bun'

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} })
await sql`create table if not exists visitors (id uuid primary key, token text not null unique)`
await sql`
  create table if not exists messages (
    id uuid primary key,
    conversation_id uuid not null,
    visitor_id uuid not null,
    body text not null,
    client_id text not null,
    created_at timestamptz not null default now(),
    unique (visitor_id, client_id)
  )`
// BENCH_PEER_CONVERSATIONS=1 (PEER_CONVERSATIONS here): each batch also upserts its conversations,
// numbering the messages from the row's last_seq and setting the last message and the waiting
// time, on a table with four list indexes like Parley's (no update is HOT) — to see whether
// rewriting a conversation row per message caps the path. Not part of the default run.
const WITH_CONVERSATIONS = process.env.PEER_CONVERSATIONS === '1'
if (WITH_CONVERSATIONS) {
  await sql`alter table messages add column if not exists seq int not null default 0`
  await sql`
    create table if not exists conversations (
      id uuid primary key,
      visitor_id uuid not null,
      status text not null default 'open',
      assignee_id uuid,
      last_seq int not null,
      last_message_at timestamptz not null,
      last_message_preview text,
      waiting_since timestamptz,
      updated_at timestamptz not null
    )`
  await sql`create index if not exists conversations_open on conversations (last_message_at desc, id desc) where status = 'open'`
  await sql`create index if not exists conversations_by_assignee on conversations (assignee_id, last_message_at desc, id desc)`
  await sql`create index if not exists conversations_visitor on conversations (visitor_id)`
  await sql`create index if not exists conversations_waiting on conversations ((coalesce(waiting_since, 'infinity'::timestamptz)), id)`
}

type Data = { visitorId: string | null }
interface Pending {
  ws: ServerWebSocket<Data>
  id: string
  conversationId: string
  visitorId: string
  body: string
  clientId: string
}

/** At most this many batches in the database at once; what arrives meanwhile waits for the next. */
const IN_FLIGHT = 2
const MAX_BATCH = 2000
let queue: Pending[] = []
let running = 0
let scheduled = false

function schedule() {
  if (scheduled) return
  scheduled = true
  setImmediate(flush)
}

function flush() {
  scheduled = false
  while (running < IN_FLIGHT && queue.length > 0) {
    const batch = queue.slice(0, MAX_BATCH)
    queue = queue.slice(batch.length)
    running++
    commit(batch).finally(() => {
      running--
      if (queue.length > 0) schedule()
    })
  }
}

async function commit(batch: Pending[]) {
  try {
    // One statement, one commit; a retried client id inserts nothing and is answered from its row.
    const inserted: { id: string; clientId: string; visitorId: string; createdAt: Date }[] = WITH_CONVERSATIONS
      ? await sql`
      with input as (
        select * from unnest(
          ${batch.map((p) => p.id)}::uuid[], ${batch.map((p) => p.conversationId)}::uuid[],
          ${batch.map((p) => p.visitorId)}::uuid[], ${batch.map((p) => p.body)}::text[], ${batch.map((p) => p.clientId)}::text[])
          with ordinality as t(id, conversation_id, visitor_id, body, client_id, ord)
      ), per as (
        select conversation_id, min(visitor_id::text)::uuid as visitor_id, count(*)::int as k, (array_agg(body order by ord desc))[1] as preview
        from input group by conversation_id
      ), conv as (
        insert into conversations as c (id, visitor_id, last_seq, last_message_at, last_message_preview, waiting_since, updated_at)
        select conversation_id, visitor_id, k, now(), preview, now(), now() from per order by conversation_id
        on conflict (id) do update set last_seq = c.last_seq + excluded.last_seq, last_message_at = now(),
          last_message_preview = excluded.last_message_preview, waiting_since = coalesce(c.waiting_since, now()), updated_at = now()
        returning c.id, c.last_seq
      )
      insert into messages (id, conversation_id, visitor_id, body, client_id, seq)
      select i.id, i.conversation_id, i.visitor_id, i.body, i.client_id,
        conv.last_seq - per.k + row_number() over (partition by i.conversation_id order by i.ord)
      from input i join per using (conversation_id) join conv on conv.id = i.conversation_id
      on conflict (visitor_id, client_id) do nothing
      returning id, client_id as "clientId", visitor_id as "visitorId", created_at as "createdAt"`
      : await sql`
      insert into messages (id, conversation_id, visitor_id, body, client_id)
      select * from unnest(
        ${batch.map((p) => p.id)}::uuid[], ${batch.map((p) => p.conversationId)}::uuid[],
        ${batch.map((p) => p.visitorId)}::uuid[], ${batch.map((p) => p.body)}::text[], ${batch.map((p) => p.clientId)}::text[])
      on conflict (visitor_id, client_id) do nothing
      returning id, client_id as "clientId", visitor_id as "visitorId", created_at as "createdAt"`
    const stored = new Set(inserted.map((r) => r.id))
    const fresh: string[] = []
    for (const p of batch) {
      if (!stored.has(p.id)) continue
      fresh.push(JSON.stringify({ type: 'message', message: { id: p.id, conversationId: p.conversationId, visitorId: p.visitorId, body: p.body, clientId: p.clientId } }))
    }
    if (fresh.length === 1) server.publish('agents', fresh[0]!)
    else if (fresh.length > 1) server.publish('agents', `{"type":"batch","frames":[${fresh.join(',')}]}`)
    const dups = batch.filter((p) => !stored.has(p.id))
    const old = dups.length
      ? await sql<{ id: string; conversationId: string; visitorId: string; clientId: string }[]>`
          select id, conversation_id as "conversationId", visitor_id as "visitorId", client_id as "clientId" from messages
          where (visitor_id, client_id) in (select * from unnest(${dups.map((p) => p.visitorId)}::uuid[], ${dups.map((p) => p.clientId)}::text[]))`
      : []
    const oldBy = new Map(old.map((o) => [`${o.visitorId}/${o.clientId}`, o]))
    for (const p of batch) {
      if (stored.has(p.id)) p.ws.send(JSON.stringify({ type: 'ack', clientId: p.clientId, messageId: p.id, conversationId: p.conversationId, duplicate: false }))
      else {
        const o = oldBy.get(`${p.visitorId}/${p.clientId}`)
        p.ws.send(JSON.stringify({ type: 'ack', clientId: p.clientId, messageId: o?.id, conversationId: o?.conversationId, duplicate: true }))
      }
    }
  } catch {
    for (const p of batch) p.ws.send(JSON.stringify({ type: 'error', code: 'internal', ref: p.clientId }))
  }
}

const server = Bun.serve<Data>({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  async fetch(req, server) {
    const url = new URL(req.url)
    if (url.pathname === '/ws/agent') {
      return server.upgrade(req, { data: { visitorId: null } }) ? undefined : new Response('upgrade failed', { status: 400 })
    }
    if (url.pathname === '/ws/visitor') {
      const [row] = await sql<{ id: string }[]>`select id from visitors where token = ${url.searchParams.get('token') ?? ''}`
      if (!row) return new Response('unauthorized', { status: 401 })
      return server.upgrade(req, { data: { visitorId: row.id } }) ? undefined : new Response('upgrade failed', { status: 400 })
    }
    return new Response('ok')
  },
  websocket: {
    maxPayloadLength: 64 * 1024,
    open(ws) {
      ws.subscribe(ws.data.visitorId ? `visitor:${ws.data.visitorId}` : 'agents')
      ws.send(JSON.stringify({ type: 'hello', id: ws.data.visitorId ?? 'agent' }))
    },
    message(ws, raw) {
      const visitorId = ws.data.visitorId
      let f: { type?: string; clientId?: string; body?: string; conversationId?: string }
      try {
        f = JSON.parse(String(raw))
      } catch {
        return void ws.send('{"type":"error","code":"frame.invalid"}')
      }
      if (f.type === 'ping') return void ws.send('{"type":"pong"}')
      if (f.type !== 'message.send' || !visitorId || typeof f.body !== 'string' || typeof f.clientId !== 'string') {
        return void ws.send('{"type":"error","code":"frame.invalid"}')
      }
      queue.push({ ws, id: Bun.randomUUIDv7(), conversationId: f.conversationId ?? Bun.randomUUIDv7(), visitorId, body: f.body, clientId: f.clientId })
      schedule()
    },
  },
})
console.log(JSON.stringify({ ready: true, port: server.port }))

const stop = async () => {
  server.stop(true)
  await sql.end({ timeout: 2 })
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
