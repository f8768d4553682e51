// The test run's PostgreSQL: one embedded cluster (fsync off) with a migrated template database,
// from which each test file clones a fresh database (testing.ts). Started by the test runner
// (scripts/test.ts) for all its `bun test` processes, or by the preload when a file is run alone.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from './embedded.ts'
import { createSql } from './client.ts'
import { migrate } from './migrate.ts'
import { createLogger } from '../shared/logger.ts'

export const TEMPLATE = 'parley_template'

export interface TestCluster {
  /** What the test processes read: the cluster's URLs, the template's name, the run's secret key. */
  env: Record<string, string>
  stop(): Promise<void>
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-pg-'))
  const pg = await startEmbeddedPostgres({ dataDir: dir, log: createLogger('warn'), fast: true, database: TEMPLATE })
  const sql = createSql(pg.url, { max: 1 })
  await migrate(sql)
  await sql.end()
  return {
    env: {
      PARLEY_TEST_ADMIN_URL: pg.adminUrl,
      // Tests connect as Parley does: the application's ordinary role, which owns the template.
      PARLEY_TEST_APP_URL: pg.url,
      PARLEY_TEST_TEMPLATE: TEMPLATE,
      // One secret key for the run: the test servers in these processes and the ones they spawn
      // share databases, so they must read each other's sealed secrets (and none writes a key file).
      PARLEY_SECRET_KEY: process.env.PARLEY_SECRET_KEY ?? `test run ${Bun.randomUUIDv7()} ${Bun.randomUUIDv7()}`,
    },
    async stop() {
      // Spawned test servers may still hold connections for a moment; the run's cluster goes anyway.
      await pg.stop({ always: true })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
