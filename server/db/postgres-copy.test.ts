// postgres.js as installed (scripts/patch-deps.mjs, patch 6): a COPY TO whose rows were read
// before anyone listened, and which ended in the same read from the socket, left the socket paused:
// the connection's next statement never got its answer (`parley backup` with a 200 KB file).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Readable } from 'node:stream'
import { createSql, type Sql } from './client.ts'
import { createTestDb, type TestDb } from './testing.ts'

let db: TestDb
let sql: Sql
beforeAll(async () => {
  db = await createTestDb()
  // One connection: the statement after the COPY goes to the connection the COPY used.
  sql = createSql(db.url, { max: 1 })
  await sql`create table big_rows (id int primary key, data bytea not null)`
  await sql`insert into big_rows values (1, ${new Uint8Array(400_000).fill(7)})`
})
afterAll(async () => {
  await sql.end()
  await db.drop()
})

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, Bun.sleep(ms).then(() => Promise.reject(new Error(`${what}: no answer in ${ms} ms`)))])

test('the statement after a COPY TO read late gets its answer', async () => {
  for (let round = 0; round < 3; round++) {
    const bytes = await within(
      sql.begin('isolation level repeatable read read only', async (tx) => {
        const stream = (await tx`copy big_rows (id, data) to stdout`.readable()) as unknown as Readable
        // Nobody listens while the whole answer arrives: the row pauses the socket, and the end
        // of the COPY follows it in the same read.
        await Bun.sleep(200)
        let size = 0
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (chunk: Buffer) => void (size += chunk.length))
          stream.once('end', resolve)
          stream.once('error', reject)
        })
        const [row] = await tx<{ n: number }[]>`select count(*)::int as n from big_rows`
        expect(row!.n).toBe(1)
        return size
      }),
      10_000,
      `round ${round}`,
    )
    // the row as COPY writes it: its id, a tab, \\x and the bytes in hex, a newline
    expect(bytes).toBe('1\t\\\\x'.length + 800_000 + 1)
  }
})
