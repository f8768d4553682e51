// postgres.js as installed (scripts/patch-deps.mjs): a statement that fails after sending rows
// must not leave empty places at the start of the connection's next answer.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import postgres from 'postgres'
import { createTestDb, type TestDb } from './testing.ts'

let db: TestDb
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db.drop())

test("the answer after a statement that failed part-way through its rows is whole", async () => {
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  try {
    // Three rows go out, then the fourth divides by zero.
    await expect(sql`select i, 1 / (4 - i) as q from generate_series(1, 10) i`).rejects.toThrow(/division by zero/)
    const next = await sql<{ x: number }[]>`select x from generate_series(1, 3) x`
    expect(next.length).toBe(3)
    expect([...next]).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }])
    // The same, through Parley's own kind of statement: a later row's constraint fails.
    await sql`create temporary table t (id int primary key)`
    await expect(sql`insert into t select i % 3 from generate_series(1, 5) i returning id`).rejects.toThrow(/duplicate key/)
    const [one, ...rest] = await sql<{ n: number }[]>`select 1 as n`
    expect(one).toEqual({ n: 1 })
    expect(rest).toEqual([])
  } finally {
    await sql.end()
  }
})
