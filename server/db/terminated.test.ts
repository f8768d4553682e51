// PostgreSQL ends Parley's connections itself (an administrator's pg_terminate_backend, a fast
// shutdown or a failover of an external server): every query on them fails with "terminating
// connection due to administrator command" (57P01), sometimes one nobody waits for any more. The
// process goes on: requests meanwhile get 503 "retry", the pools reconnect, nothing else fails.
import { afterAll, beforeAll, expect, it } from 'bun:test'
import postgres from 'postgres'
import { createTestDb, type TestDb } from './testing.ts'
import { spawnParley, type ParleyProcess } from '../testing/process.ts'

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
  let stop = false
  const load = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!stop) {
        const r = await fetch(`${url}/api/widget/visitors`, { method: 'POST' }).catch(() => null)
        const status = r?.status ?? 0
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        await r?.arrayBuffer()
        if (!r) await Bun.sleep(10)
      }
    }),
  )
  try {
    let terminated = 0
    for (let round = 0; round < 6; round++) {
      await Bun.sleep(300)
      const rows = await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${db.name} and pid <> pg_backend_pid() and application_name like 'parley%'`
      terminated += rows.length
    }
    expect(terminated).toBeGreaterThanOrEqual(6)
    await Bun.sleep(500)
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
  expect(statuses.get(201)! > 50).toBe(true)
}, 60_000)
