// PostgreSQL ends Parley's connections itself (an administrator's pg_terminate_backend, a fast
// shutdown or a failover of an external server): every query on them fails with "terminating
// connection due to administrator command" (57P01), sometimes one nobody waits for any more. The
// process goes on: requests meanwhile get 503 "retry", the pools reconnect, nothing else fails.
import { afterAll, beforeAll, expect, it } from 'bun:test'
import postgres from 'postgres'
import { createTestDb, type TestDb } from './testing.ts'
import { spawnParley, type ParleyProcess } from '../testing/process.ts'
import { VisitorClient, cid } from '../testing/harness.ts'

let db: TestDb
let parley: ParleyProcess | null = null
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(async () => {
  if (parley) await parley.kill('SIGTERM')
  await db.drop()
})

it("survives its connections being terminated under load, answering 503 meanwhile", async () => {
  parley = await spawnParley({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', LIMIT_VISITORS_PER_IP: '1000000/1' })
  const url = parley.url
  const admin = postgres(process.env.PARLEY_TEST_ADMIN_URL!.replace(/\/[^/]*$/, `/${db.name}`), { max: 1, onnotice: () => {} })
  const statuses = new Map<number, number>()
  let storedSince = 0 // 201s since the last round of terminations
  let stop = false
  const load = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!stop) {
        const r = await fetch(`${url}/api/widget/visitors`, { method: 'POST' }).catch(() => null)
        const status = r?.status ?? 0
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        if (status === 201) storedSince++
        await r?.arrayBuffer()
        if (!r) await Bun.sleep(10)
      }
    }),
  )
  // Waits for requests to be stored again, however slow the machine is: the test is about
  // recovering, not about how many requests fit in a given time.
  const storedAgain = async (what: string) => {
    const deadline = Date.now() + 20_000
    while (storedSince < 5) {
      if (Date.now() > deadline) throw new Error(`nothing stored ${what} for 20 s: ${JSON.stringify([...statuses])}`)
      await Bun.sleep(20)
    }
  }
  try {
    await storedAgain('before the first round')
    let terminated = 0
    for (let round = 0; round < 6; round++) {
      storedSince = 0
      const rows = await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${db.name} and pid <> pg_backend_pid() and application_name like 'parley%'`
      terminated += rows.length
      await storedAgain(`after round ${round + 1}`)
    }
    expect(terminated).toBeGreaterThanOrEqual(6)
  } finally {
    stop = true
    await load
    await admin.end()
  }
  expect(parley.proc.exitCode).toBeNull()
  expect((await fetch(`${url}/healthz`)).status).toBe(200)
  expect((await fetch(`${url}/api/widget/visitors`, { method: 'POST' })).status).toBe(201)
  // Every request was answered: stored, or "retry" while its connection was gone.
  expect([...statuses.keys()].sort()).toEqual(statuses.has(503) ? [201, 503] : [201])
}, 60_000)

it('answers "retry" (503, database.unavailable), not a failure, while PostgreSQL has no room for its connections', async () => {
  // Class 53, insufficient resources: too many connections (here the database's connection limit,
  // as with max_connections reached by other clients), disk full, out of memory. The statement did
  // not run: the sender is told to send it again, and the widget does by itself.
  if (parley) await parley.kill('SIGTERM')
  parley = await spawnParley({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' })
  const url = parley.url
  const admin = postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
  try {
    const visitor = await VisitorClient.create(url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const first = cid()
    ws.send({ type: 'message.send', clientId: first, body: 'before' })
    const { conversationId } = await ws.waitFor('ack', (f) => f.clientId === first)

    await admin.unsafe(`alter database ${db.name} connection limit 0`)
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db.name} and application_name like 'parley%'`
    const refused = cid()
    ws.send({ type: 'message.send', clientId: refused, conversationId, body: 'while full' })
    const error = await ws.waitFor('error', (f) => f.ref === refused)
    expect(error).toMatchObject({ code: 'database.unavailable', retryAfter: 1 })
    const r = await visitor.request('POST', '/api/widget/messages', { clientId: cid(), conversationId, body: 'over HTTP' })
    expect(r.status).toBe(503)
    expect(r.body.error.code).toBe('database.unavailable')
    expect(r.headers.get('retry-after')).toBe('1')

    await admin.unsafe(`alter database ${db.name} connection limit -1`)
    // Sent again with the same client id, as the widget does: stored once.
    let ack: { clientId: string; duplicate: boolean } | null = null
    for (let i = 0; i < 50 && !ack; i++) {
      ws.send({ type: 'message.send', clientId: refused, conversationId, body: 'while full' })
      ack = await ws.waitFor('ack', (f) => f.clientId === refused, 1_000).catch(() => null)
    }
    expect(ack).toMatchObject({ clientId: refused })
    const stored = await db.sql<{ body: string }[]>`select body from messages where conversation_id = ${conversationId} order by seq`
    expect(stored.map((m) => m.body)).toEqual(['before', 'while full'])
    expect(parley.proc.exitCode).toBeNull()
  } finally {
    await admin.unsafe(`alter database ${db.name} connection limit -1`).catch(() => {})
    await admin.end()
  }
}, 60_000)

