// Peer (b): the ceiling — raw Bun.serve + postgres.js, the minimal path: one INSERT, then
// server.publish to the agents' topic and the ack. Same wire format as Parley's frames.
// DATABASE_URL=… PORT=… bun scripts/bench/peers/bun-raw.ts
import postgres from 'postgres'

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

type Data = { visitorId: string | null }

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
    async message(ws, raw) {
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
      const clientId = f.clientId
      const conversationId = f.conversationId ?? Bun.randomUUIDv7()
      try {
        const [row] = await sql<{ id: string; createdAt: Date }[]>`
          insert into messages (id, conversation_id, visitor_id, body, client_id)
          values (${Bun.randomUUIDv7()}, ${conversationId}, ${visitorId}, ${f.body}, ${clientId})
          on conflict (visitor_id, client_id) do nothing returning id, created_at as "createdAt"`
        if (!row) {
          const [old] = await sql<{ id: string; conversationId: string }[]>`
            select id, conversation_id as "conversationId" from messages where visitor_id = ${visitorId} and client_id = ${clientId}`
          return void ws.send(JSON.stringify({ type: 'ack', clientId, messageId: old?.id, conversationId: old?.conversationId, duplicate: true }))
        }
        const message = { id: row.id, conversationId, visitorId, body: f.body, clientId, createdAt: row.createdAt }
        server.publish('agents', JSON.stringify({ type: 'message', message }))
        ws.send(JSON.stringify({ type: 'ack', clientId, messageId: row.id, conversationId, duplicate: false }))
      } catch {
        ws.send(JSON.stringify({ type: 'error', code: 'internal', ref: clientId }))
      }
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
