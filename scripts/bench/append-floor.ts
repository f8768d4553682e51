// PostgreSQL's CPU per message for the chat path's one statement, by batch size: Parley's append
// (messages.repo.ts appendMessages: the message, its conversation row, the search vector, the
// events) against the group-commit peer's insert (peers/bun-raw-batched.ts), in the same run, on
// the same cluster. PostgreSQL runs alone on the server core and the statements are sent from the
// load core, so nothing but the statement is counted: the floor under what a server that stores
// each message this way can reach on one core shared with its PostgreSQL.
//   bun scripts/bench/append-floor.ts [--sizes=1,20,100,250] [--messages=4000] [--parts]
// --parts then drops, in turn, the search index, the conversations' list indexes and the search
// vector from the (throwaway) database and measures again: what each part of the schema costs.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUN, LOAD_CPUS, ROOT, SERVER_CPUS, cleanupAll, log, option, pinPid, pinned, spawnChild, startCluster, tempDir } from './lib.ts'
import { createParleyVisitors, parleyAgentCookies, startParley } from './servers.ts'
import type { ChatLoadConfig } from './chat-load.ts'
import { createSql, type Sql } from '../../server/db/client.ts'
import { appendMessages } from '../../server/domain/messages/messages.repo.ts'
import { effectOf, requiredOwner } from '../../server/domain/conversations/conversations.rules.ts'
import type { AppendItem } from '../../server/domain/messages/messages.types.ts'
import { maskCardNumbers } from '../../server/domain/privacy/privacy.rules.ts'

const sizes = (option('sizes') ?? '1,20,100,250').split(',').map(Number)
const total = Number(option('messages') ?? '4000')
const parts = process.argv.includes('--parts')
pinPid(process.pid, LOAD_CPUS)

/** CPU seconds (user + system) of one process, from /proc. */
function cpuOf(pid: number): number {
  const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

try {
  const cluster = await startCluster('append-floor', [])
  cluster.pin(SERVER_CPUS)
  const db = await cluster.createDatabase('bench_append_floor')
  // Parley makes the schema and 200 visitors' conversations the way the chat benchmark does: a
  // short step of the chat load at a low rate. Then it stops, and only the statement runs.
  const server = await startParley({ DATABASE_URL: db }, 0)
  const tokens = await createParleyVisitors(server.url, 200)
  const cookies = await parleyAgentCookies(server.url, 1)
  const dir = tempDir('append-floor-load')
  const cfg: ChatLoadConfig = {
    kind: 'parley', url: server.url, visitorTokens: tokens, agentCookies: cookies, rates: [400], stepSeconds: 2, warmupSeconds: 1,
    graceMs: 2000, p99LimitMs: 1000, stopAfterFailures: 1, attemptsPerStep: 1, tag: 'append-floor', ackedFile: join(dir, 'acked'),
    serverPid: server.pid, postmasterPid: cluster.postmasterPid, serverCpu: null, deadlineMs: 60_000,
  }
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg))
  await spawnChild(pinned(LOAD_CPUS, [BUN, join(ROOT, 'scripts/bench/chat-load.ts'), join(dir, 'cfg.json')])).waitLine((l) => l.startsWith('{'), 60_000)
  await server.stop()

  // One connection, planning once as Parley's message lane does (runtime.ts).
  const sql: Sql = createSql(db, { max: 1, genericPlans: true })
  const conversations = await sql<{ id: string; visitorId: string }[]>`select id, visitor_id from conversations`
  if (conversations.length < 100) throw new Error(`only ${conversations.length} conversations were opened`)
  await sql`
    create table peer_messages (id uuid primary key, conversation_id uuid not null, visitor_id uuid not null, body text not null,
      client_id text not null, created_at timestamptz not null default now(), unique (visitor_id, client_id))`
  const pid = (await sql<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid
  const body = (k: number) => maskCardNumbers(`Hello, I have a question about my order number ${k}`)
  let k = 0
  const parleyItem = (): AppendItem => {
    const c = conversations[k++ % conversations.length]!
    const author = { type: 'visitor', id: c.visitorId, name: null } as const
    return {
      id: crypto.randomUUID(), conversationId: c.id, author, effect: effectOf(author), owner: requiredOwner(author), body: body(k),
      preview: body(k), clientId: crypto.randomUUID(), channel: 'web', deliveryStatus: 'received', eventId: crypto.randomUUID(), language: 'en',
    }
  }
  const peerInsert = async (n: number) => {
    const rows = Array.from({ length: n }, () => {
      const c = conversations[k++ % conversations.length]!
      return { id: crypto.randomUUID(), conversationId: c.id, visitorId: c.visitorId, body: body(k), clientId: crypto.randomUUID() }
    })
    await sql`
      insert into peer_messages (id, conversation_id, visitor_id, body, client_id)
      select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.conversationId)}::uuid[],
        ${rows.map((r) => r.visitorId)}::uuid[], ${rows.map((r) => r.body)}::text[], ${rows.map((r) => r.clientId)}::text[])
      on conflict (visitor_id, client_id) do nothing
      returning id, client_id, visitor_id, created_at`
  }
  const parley = async (n: number) => void (await appendMessages(sql, Array.from({ length: n }, parleyItem)))

  /** PostgreSQL's and this client's CPU per message, µs, for `total` messages in batches of `size`. */
  const measure = async (run: (n: number) => Promise<void>, size: number) => {
    for (let i = 0; i < 10; i++) await run(size) // plans, caches
    await Bun.sleep(200)
    const backend0 = cpuOf(pid)
    const all0 = cluster.cpuSeconds()
    const client0 = process.cpuUsage()
    const t0 = performance.now()
    for (let n = 0; n < total; n += size) await run(size)
    const ms = performance.now() - t0
    const client = process.cpuUsage(client0)
    return {
      backend: ((cpuOf(pid) - backend0) / total) * 1e6,
      all: ((cluster.cpuSeconds() - all0) / total) * 1e6,
      client: (client.user + client.system) / total,
      perSecond: (total / ms) * 1000,
    }
  }
  const f = (x: number) => x.toFixed(0)
  console.log(`PostgreSQL CPU per message (µs; the statement's backend, then all of PostgreSQL), this client's CPU per message, messages a second; ${total} messages per row`)
  console.log('| batch | Parley append | peer insert | Parley ÷ peer | Parley client | peer client |')
  console.log('|---|---|---|---|---|---|')
  for (const size of sizes) {
    const p = await measure(parley, size)
    const q = await measure(peerInsert, size)
    console.log(`| ${size} | ${f(p.backend)} (${f(p.all)}), ${f(p.perSecond)}/s | ${f(q.backend)} (${f(q.all)}), ${f(q.perSecond)}/s | ${(p.all / q.all).toFixed(2)}× | ${f(p.client)} | ${f(q.client)} |`)
  }
  if (parts) {
    const steps: [string, string[]][] = [
      ['without the search index (messages_text)', ['drop index messages_text']],
      ['and without the conversations\' list indexes', ['conversations_unassigned', 'conversations_open_by_assignee', 'conversations_open_assigned', 'conversations_open_all', 'conversations_visitor', 'conversations_group'].map((i) => `drop index if exists ${i}`)],
      ['and without the search vector (messages.tsv)', ['alter table messages alter column tsv drop expression']],
    ]
    for (const [label, statements] of steps) {
      for (const s of statements) await sql.unsafe(s)
      for (const size of sizes.filter((s) => s >= 100)) {
        const p = await measure(parley, size)
        console.log(`Parley append ${label}, batch ${size}: ${f(p.backend)} (${f(p.all)}) µs per message`)
      }
    }
  }
  await sql.end()
} catch (e) {
  log(`append-floor failed: ${e instanceof Error ? e.stack : String(e)}`)
  process.exitCode = 1
} finally {
  await cleanupAll()
}
