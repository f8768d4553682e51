// postgres.js as installed (scripts/patch-deps.mjs): a connection whose backend ended opens again
// clean. Before the patch the new connection handed the old backend's error to the next query, and
// when the backend had ended while the types were read, the pool sent every array as `a,b` from
// then on.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import postgres from 'postgres'
import { createTestDb, type TestDb } from './testing.ts'
import { openDbDoor } from '../testing/db-door.ts'

let db: TestDb
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db.drop())

test('a pool whose first connection is ended while it reads the array types still sends arrays', async () => {
  const adminUrl = process.env.PARLEY_TEST_ADMIN_URL!
  // Watches from another database: the lock below holds up any new connection to this one.
  const watch = postgres(adminUrl, { max: 1, onnotice: () => {} })
  const owner = postgres(adminUrl.replace(/\/[^/]*$/, `/${db.name}`), { max: 1, onnotice: () => {} })
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => void unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  const sql = postgres(db.url, { max: 1, onnotice: () => {}, connection: { application_name: 'types-victim' } })
  try {
    // The types are read from pg_type: with the table locked, the read waits, and is ended there.
    const locker = await owner.reserve()
    await locker`begin`
    await locker`lock table pg_catalog.pg_type in access exclusive mode`
    const first = sql<{ one: number }[]>`select 1 as one`.then((rows) => [...rows], (e: Error) => e)
    let pid = 0
    for (let i = 0; i < 200 && !pid; i++) {
      const [row] = await watch<{ pid: number; query: string }[]>`
        select pid, query from pg_stat_activity where application_name = 'types-victim' and wait_event_type = 'Lock'`
      if (row?.query.includes('typarray')) pid = row.pid
      else await Bun.sleep(25)
    }
    expect(pid).toBeGreaterThan(0)
    await watch`select pg_terminate_backend(${pid})`
    await locker`rollback`
    locker.release()

    // The query that opened the connection runs on the new one, and arrays go as arrays.
    expect(await first).toEqual([{ one: 1 }])
    const [row] = await sql<{ a: string[] }[]>`select ${['a', 'b,c']}::text[] as a`
    expect(row!.a).toEqual(['a', 'b,c'])
    const ids = [Bun.randomUUIDv7(), Bun.randomUUIDv7()]
    const found = await sql<{ id: string }[]>`select id from unnest(${ids}::uuid[]) as id where id = any(${ids.slice(1)}::uuid[])`
    expect(found.map((r) => r.id)).toEqual(ids.slice(1))
    await Bun.sleep(0)
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
    await sql.end()
    await owner.end()
    await watch.end()
  }
}, 30_000)

test('the query after one whose backend was ended runs on the new connection', async () => {
  const watch = postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
  const sql = postgres(db.url, { max: 1, onnotice: () => {}, connection: { application_name: 'query-victim' } })
  try {
    await sql`select 1`
    const running = sql`select pg_sleep(30)`.then(() => null, (e: Error) => e)
    let ended = false
    for (let i = 0; i < 200 && !ended; i++) {
      const [row] = await watch<{ ended: boolean }[]>`
        select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = 'query-victim' and query like '%pg_sleep%'`
      ended = row?.ended === true
      if (!ended) await Bun.sleep(25)
    }
    expect(ended).toBe(true)
    expect(await running).toBeInstanceOf(Error)
    expect([...(await sql<{ two: number }[]>`select 2 as two`)]).toEqual([{ two: 2 }])
  } finally {
    await sql.end()
    await watch.end()
  }
}, 30_000)

test('under load, connections whose backends were ended come back without waiting out the connect timeout', async () => {
  const watch = postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
  // connect_timeout as Parley's (server/db/client.ts).
  const sql = postgres(db.url, { max: 8, onnotice: () => {}, connect_timeout: 10, connection: { application_name: 'load-victim' } })
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => void unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  const errors = new Map<string, number>()
  let answered = 0
  let stop = false
  // 32 callers on 8 connections: a connection has queries written and not yet sent when its backend ends.
  const callers = Array.from({ length: 32 }, async (_, i) => {
    while (!stop) {
      let rows: { i: number }[]
      try {
        rows = await sql<{ i: number }[]>`select ${i}::int as i`
      } catch (e) {
        const code = String((e as { code?: unknown }).code ?? (e as Error).message)
        errors.set(code, (errors.get(code) ?? 0) + 1)
        await Bun.sleep(5)
        continue
      }
      // Outside the catch: a wrong answer fails the test instead of counting as a lost connection.
      expect([...rows]).toEqual([{ i }])
      answered++
    }
  })
  try {
    for (let round = 0; round < 10; round++) {
      await Bun.sleep(300)
      await watch`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'load-victim'`
    }
    await Bun.sleep(200)
    stop = true
    // Every caller's last query settles (the driver's own back-off between reconnects can take
    // seconds; a query left waiting for good would not).
    expect(await Promise.race([Promise.all(callers).then(() => true), Bun.sleep(45_000).then(() => false)])).toBe(true)
    expect(answered).toBeGreaterThan(0)
    // Unpatched: 2-6 CONNECT_TIMEOUTs a run here, each after 10 s of a connection that sent nothing.
    expect(errors.get('CONNECT_TIMEOUT') ?? 0).toBe(0)
    expect(unhandled).toEqual([])
  } finally {
    stop = true
    process.off('unhandledRejection', onUnhandled)
    await sql.end({ timeout: 1 })
    await watch.end()
  }
}, 70_000)

test('a transaction whose connection is cut fails, and so does its rollback, instead of hanging', async () => {
  // The door cuts the TCP connection without a word from PostgreSQL: the connection closes, the
  // statement under way fails, and the transaction's rollback is then run on the closed
  // connection. Before the patch the rollback's bytes waited for a socket that was gone: a timer
  // threw "null is not an object (evaluating 'socket.write')" outside any promise, and the
  // rollback, and so the transaction, never settled.
  const door = await openDbDoor(db.url)
  const watch = postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
  const sql = postgres(door.url, { max: 1, onnotice: () => {}, connection: { application_name: 'cut-transaction' } })
  const uncaught: unknown[] = []
  const onUncaught = (e: unknown) => void uncaught.push(e)
  process.on('uncaughtException', onUncaught)
  try {
    const outcome = sql.begin(async (tx) => {
      await tx`select 1`
      await tx`select pg_sleep(30)`
    }).then(() => 'committed', (e: Error & { code?: string }) => e)
    for (let i = 0; i < 200; i++) {
      const [row] = await watch<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where application_name = 'cut-transaction' and query like '%pg_sleep%'`
      if (row!.n > 0) break
      await Bun.sleep(25)
    }
    await door.shut()
    const settled = await Promise.race([outcome, Bun.sleep(5_000).then(() => 'still waiting after 5 s')])
    expect(settled).toBeInstanceOf(Error)
    expect((settled as { code?: string }).code).toBe('CONNECTION_CLOSED')
    await Bun.sleep(50)
    expect(uncaught).toEqual([])
    // The pool goes on with a new connection.
    await door.open()
    const [row] = await sql<{ two: number }[]>`select 2 as two`
    expect(row!.two).toBe(2)
  } finally {
    process.off('uncaughtException', onUncaught)
    await sql.end({ timeout: 0 })
    await watch.end()
    await door.close()
  }
}, 30_000)
