import { describe, expect, test } from 'bun:test'
import { connectionOf, createSql, MAX_RECONNECT_DELAY_S, reconnectDelay } from './client.ts'
import { createTestDb } from './testing.ts'
import { openDbDoor } from '../testing/db-door.ts'

describe('connectionOf', () => {
  test('a URL without a host parameter is used as it is', () => {
    expect(connectionOf('postgres://u:p@db.example:5432/parley')).toEqual({ url: 'postgres://u:p@db.example:5432/parley' })
    expect(connectionOf('postgres://u:p@db.example/parley?sslmode=require')).toEqual({ url: 'postgres://u:p@db.example/parley?sslmode=require' })
  })

  test("libpq's host parameter names a Unix socket's folder: taken out of the URL, given as the host", () => {
    expect(connectionOf('postgres://u:p@localhost:5433/parley?host=%2Fvar%2Frun%2Fpostgresql')).toEqual({
      url: 'postgres://u:p@localhost:5433/parley',
      host: '/var/run/postgresql',
    })
    // The other parameters stay (postgres.js reads sslmode; the rest go to the server as settings).
    expect(connectionOf('postgres://u:p@localhost/parley?sslmode=disable&host=/tmp&application_name=x')).toEqual({
      url: 'postgres://u:p@localhost/parley?sslmode=disable&application_name=x',
      host: '/tmp',
    })
    // An empty one says nothing, and is not sent on as a setting either.
    expect(connectionOf('postgres://u:p@localhost/parley?host=')).toEqual({ url: 'postgres://u:p@localhost/parley' })
  })
})

describe('reconnecting after PostgreSQL was away', () => {
  test('the wait between connects grows as postgres.js grows it, up to a second', () => {
    for (let n = 0; n <= 60; n++) {
      const delay = reconnectDelay(n)
      expect(delay).toBeGreaterThanOrEqual(0.5 * Math.min(3 ** n / 100, MAX_RECONNECT_DELAY_S))
      expect(delay).toBeLessThanOrEqual(MAX_RECONNECT_DELAY_S)
    }
    expect(reconnectDelay(1)).toBeLessThanOrEqual(0.03)
  })

  test('a pool that failed to connect many times in a row answers soon after PostgreSQL is back', async () => {
    const db = await createTestDb()
    const door = await openDbDoor(db.url)
    const sql = createSql(door.url, { max: 1 })
    try {
      expect([...(await sql`select 1 as one`)]).toEqual([{ one: 1 }])
      await door.shut()
      // Seven failed connects in a row (postgres.js counts them in options.shared): its own
      // back-off would now wait 10–20 s before the next one.
      const failures = () => (sql.options as unknown as { shared: { retries: number } }).shared.retries
      for (let tries = 0; tries < 20 && failures() < 7; tries++) {
        const error = await sql`select 1`.then(() => null, (e: Error) => e)
        expect(error).toBeInstanceOf(Error)
      }
      expect(failures()).toBeGreaterThanOrEqual(7)
      await door.open()
      const answered = await Promise.race([sql`select 2 as two`.then((rows) => [...rows]), Bun.sleep(5_000).then(() => 'still waiting after 5 s')])
      expect(answered).toEqual([{ two: 2 }])
    } finally {
      await sql.end({ timeout: 0 })
      await door.close()
      await db.drop()
    }
  }, 30_000)
})
