// Test helpers: a fresh database per test file, cloned from the migrated template the preload
// made. Only tests import this.
import postgres from 'postgres'
import { createSql, type Sql } from './client.ts'
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
