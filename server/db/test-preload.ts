// bun test preload: one embedded PostgreSQL cluster for the whole run (fsync off), with a
// migrated template database; each test file clones a fresh database from it (testing.ts).
import { afterAll } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from './embedded.ts'
import { createSql } from './client.ts'
import { migrate } from './migrate.ts'
import { createLogger } from '../shared/logger.ts'

export const TEMPLATE = 'parley_template'

if (!process.env.PARLEY_TEST_ADMIN_URL) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-pg-'))
  const pg = await startEmbeddedPostgres({ dataDir: dir, log: createLogger('warn'), fast: true, database: TEMPLATE })
  const sql = createSql(pg.url, { max: 1 })
  await migrate(sql)
  await sql.end()
  process.env.PARLEY_TEST_ADMIN_URL = pg.adminUrl
  // Tests connect as Parley does: the application's ordinary role, which owns the template.
  process.env.PARLEY_TEST_APP_URL = pg.url
  process.env.PARLEY_TEST_TEMPLATE = TEMPLATE
  // One secret key for the run: the test servers in this process and the ones it spawns share
  // databases, so they must read each other's sealed secrets (and none writes a key file here).
  process.env.PARLEY_SECRET_KEY ??= `test run ${Bun.randomUUIDv7()} ${Bun.randomUUIDv7()}`
  afterAll(async () => {
    // Spawned test servers may still hold connections for a moment; the run's cluster goes anyway.
    await pg.stop({ always: true })
    rmSync(dir, { recursive: true, force: true })
  })
}
