// Peer (a): what a team would build instead — Socket.IO 4 on Node with `pg`. A visitor's message
// is inserted, then emitted to the agents' room, then acknowledged (Socket.IO's ack callback).
// Run with node (not bun): DATABASE_URL=… PORT=… node scripts/bench/peers/socketio.mjs
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { Server } from 'socket.io'
import pg from 'pg'

const { DATABASE_URL, PORT = '0' } = process.env
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 })
await pool.query(`
  create table if not exists visitors (id uuid primary key, token text not null unique);
  create table if not exists messages (
    id uuid primary key,
    conversation_id uuid not null,
    visitor_id uuid not null,
    body text not null,
    client_id text not null,
    created_at timestamptz not null default now(),
    unique (visitor_id, client_id)
  )`)

const http = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('ok')
})
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 })

io.use(async (socket, next) => {
  const { role, token } = socket.handshake.auth ?? {}
  if (role === 'agent') {
    socket.data.agent = true
    return next()
  }
  try {
    const { rows } = await pool.query('select id from visitors where token = $1', [String(token ?? '')])
    if (!rows[0]) return next(new Error('unauthorized'))
    socket.data.visitorId = rows[0].id
    next()
  } catch (e) {
    next(e)
  }
})

io.on('connection', (socket) => {
  const visitorId = socket.data.visitorId
  if (socket.data.agent) socket.join('agents')
  else socket.join(`visitor:${visitorId}`)
  socket.emit('hello', { id: visitorId ?? 'agent' })
  socket.on('message.send', async (frame, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {}
    if (!visitorId || !frame || typeof frame.body !== 'string' || typeof frame.clientId !== 'string') {
      return reply({ error: 'invalid' })
    }
    try {
      const conversationId = frame.conversationId ?? randomUUID()
      const { rows } = await pool.query(
        `insert into messages (id, conversation_id, visitor_id, body, client_id) values ($1, $2, $3, $4, $5)
         on conflict (visitor_id, client_id) do nothing returning id, created_at`,
        [randomUUID(), conversationId, visitorId, frame.body, frame.clientId],
      )
      if (!rows[0]) {
        const { rows: old } = await pool.query('select id, conversation_id from messages where visitor_id = $1 and client_id = $2', [visitorId, frame.clientId])
        return reply({ clientId: frame.clientId, messageId: old[0]?.id, conversationId: old[0]?.conversation_id, duplicate: true })
      }
      const message = { id: rows[0].id, conversationId, visitorId, body: frame.body, clientId: frame.clientId, createdAt: rows[0].created_at }
      io.to('agents').emit('message', message)
      reply({ clientId: frame.clientId, messageId: message.id, conversationId, duplicate: false })
    } catch (e) {
      reply({ clientId: frame.clientId, error: 'internal' })
    }
  })
})

http.listen(Number(PORT), '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, port: http.address().port }))
})
const stop = () => {
  io.close()
  pool.end().finally(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
