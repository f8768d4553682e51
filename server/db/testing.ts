// Test helpers: a fresh database per test file, cloned from the migrated template the preload
// made. Only tests import this.
import postgres from 'postgres'
import { createSql, type Sql, type TxSql } from './client.ts'
import { APP_ROLE } from './embedded.ts'

export interface TestDb {
  sql: Sql
  url: string
  name: string
  drop(): Promise<void>
}

export async function createTestDb(): Promise<TestDb> {
  const adminUrl = process.env.PARLEY_TEST_ADMIN_URL
  const appUrl = process.env.PARLEY_TEST_APP_URL
  const template = process.env.PARLEY_TEST_TEMPLATE
  if (!adminUrl || !appUrl || !template) throw new Error('run tests with `npm test` (bunfig.toml preloads the test database)')
  const name = `test_${Bun.randomUUIDv7().replaceAll('-', '').slice(-16)}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name} template ${template} owner ${APP_ROLE}`)
  await admin.end()
  const url = appUrl.replace(/\/[^/]*$/, `/${name}`)
  const sql = createSql(url, { max: 10 })
  return {
    sql,
    url,
    name,
    async drop() {
      await sql.end({ timeout: 1 })
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} })
      await a.unsafe(`drop database if exists ${name} with (force)`)
      await a.end()
    },
  }
}

/** One plan node of `explain (analyze, format json)`, with the fields rowsRead reads. */
interface PlanNode {
  'Relation Name'?: string
  'Actual Rows'?: number
  'Actual Loops'?: number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  Plans?: PlanNode[]
}

/** Runs `work` in a transaction of `db` and rolls it back: the database is left as it was. */
async function rolledBack(db: postgres.Sql, work: (tx: TxSql) => Promise<unknown>): Promise<void> {
  const rollback = new Error('rolled back')
  await db
    .begin(async (tx) => {
      await work(tx as unknown as TxSql)
      throw rollback
    })
    .catch((e) => {
      if (e !== rollback) throw e
    })
}

/**
 * The statements `run` sends PostgreSQL (text with $n parameters, and the parameters), run in a
 * transaction that is rolled back: the database is left as it was.
 */
export async function statementsOf(url: string, run: (sql: TxSql) => Promise<unknown>): Promise<{ query: string; params: unknown[] }[]> {
  const statements: { query: string; params: unknown[] }[] = []
  const capture = postgres(url, { max: 1, transform: postgres.camel, onnotice: () => {}, debug: (_c, query, params) => void statements.push({ query, params }) })
  try {
    await rolledBack(capture, run)
  } finally {
    await capture.end()
  }
  return statements.filter((s) => !/^(begin|rollback|commit)\b/i.test(s.query.trim()))
}

/**
 * How many rows of `table` the statements `run` sends PostgreSQL read, the database left as it
 * was: each statement of `run` (statementsOf) is run again under `explain analyze` in a
 * rolled-back transaction of its own, and the rows every scan of the table returned or filtered
 * out are summed. For tests that hold a query to reading what it needs, not the whole of a
 * conversation. (Each statement is explained on the state before `run`: meant for functions of
 * one statement.)
 */
export async function rowsRead(url: string, table: string, run: (sql: TxSql) => Promise<unknown>): Promise<number> {
  const statements = await statementsOf(url, run)
  if (statements.length === 0) throw new Error('rowsRead: `run` sent no statement')
  const explain = postgres(url, { max: 1, onnotice: () => {} })
  let rows = 0
  const walk = (n: PlanNode) => {
    if (n['Relation Name'] === table) {
      rows += (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)
    }
    for (const c of n.Plans ?? []) walk(c)
  }
  try {
    for (const s of statements) {
      await rolledBack(explain, async (tx) => {
        const [row] = await tx.unsafe(`explain (analyze, format json) ${s.query}`, s.params as never[])
        walk((Object.values(row as Record<string, unknown>)[0] as { Plan: PlanNode }[])[0]!.Plan)
      })
    }
  } finally {
    await explain.end()
  }
  return rows
}

/**
 * A pool that records the text of each statement sent through it, for tests that count
 * statements. A statement's fragments (sql`…` inside sql`…`) pass through the pool too; they are
 * told apart as the arguments of a later call: counted with it, their text part of its.
 * `statements(part)` counts the whole statements whose text (fragments included) contains `part`.
 */
export function recordingPool<S extends object>(sql: S): { sql: S; statements: (part: string | RegExp) => number } {
  const calls: { text: string; result: unknown; fragment: boolean }[] = []
  const recorded = new Proxy(sql, {
    apply(target, self, args) {
      const result = Reflect.apply(target as never, self, args)
      if (!Array.isArray(args[0])) return result
      let text = (args[0] as string[]).join('$')
      for (const arg of args.slice(1)) {
        const inner = calls.find((c) => c.result === arg)
        if (!inner) continue
        inner.fragment = true
        text += ` ${inner.text}`
      }
      calls.push({ text, result, fragment: false })
      return result
    },
  })
  const statements = (part: string | RegExp) =>
    calls.filter((c) => !c.fragment && (typeof part === 'string' ? c.text.includes(part) : part.test(c.text))).length
  return { sql: recorded, statements }
}
