import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, writeFileSync, cpSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createSql, type Sql } from './client.ts'
import { migrate, MIGRATIONS_DIR, MigrationError, readMigrations } from './migrate.ts'

// These tests need empty databases, not the migrated template.
const admin = () => postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
const made: string[] = []
async function emptyDb(): Promise<Sql> {
  const name = `mig_${Bun.randomUUIDv7().replaceAll('-', '').slice(-12)}`
  const a = admin()
  await a.unsafe(`create database ${name}`)
  await a.end()
  made.push(name)
  return createSql(process.env.PARLEY_TEST_ADMIN_URL!.replace(/\/postgres$/, `/${name}`), { max: 4 })
}
const dirs: string[] = []
const count = readMigrations().length
const file = (n: number, name: string) => `${String(n).padStart(5, '0')}_${name}.sql`
function migrationsCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-mig-'))
  cpSync(MIGRATIONS_DIR, d, { recursive: true })
  dirs.push(d)
  return d
}

afterAll(async () => {
  const a = admin()
  for (const n of made) await a.unsafe(`drop database if exists ${n} with (force)`)
  await a.end()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('migrations', () => {
  let sql: Sql
  beforeAll(async () => {
    sql = await emptyDb()
  })
  afterAll(() => sql.end())

  it('applies every file once and records it', async () => {
    const first = await migrate(sql)
    expect(first.applied).toEqual(readMigrations().map((m) => m.version))
    const again = await migrate(sql)
    expect(again.applied).toEqual([])
    const rows = await sql`select version from schema_migrations order by version`
    expect(rows.map((r) => r.version)).toEqual(first.applied)
  })

  it('applies them once when two processes start at the same moment', async () => {
    const a = await emptyDb()
    const b = createSql(process.env.PARLEY_TEST_ADMIN_URL!.replace(/\/postgres$/, `/${made[made.length - 1]}`), { max: 2 })
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)])
    expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, readMigrations().length])
    const [{ n }] = await a`select count(*)::int as n from schema_migrations` as any
    expect(n).toBe(readMigrations().length)
    await a.end()
    await b.end()
  })

  it('stops on a gap in the numbering', async () => {
    const d = migrationsCopy()
    writeFileSync(join(d, file(count + 2, 'later')), 'select 1;')
    expect(() => readMigrations(d)).toThrow(
      `not numbered without gaps: expected ${file(count + 1, '*')}, found ${file(count + 2, 'later')}`,
    )
  })

  it('stops when an applied file was edited, and changes nothing', async () => {
    const db = await emptyDb()
    const d = migrationsCopy()
    await migrate(db, d)
    writeFileSync(join(d, '00001_initial.sql'), readMigrations(d)[0]!.sql + '\ncreate table sneaky (id int);\n')
    writeFileSync(join(d, file(count + 1, 'next')), 'create table next_thing (id int);')
    const err = await migrate(db, d).catch((e) => e)
    expect(err).toBeInstanceOf(MigrationError)
    expect(err.message).toContain('00001_initial.sql was edited after it was applied')
    const [row] = await db`select to_regclass('next_thing') as t`
    expect(row!.t).toBeNull()
    await db.end()
  })

  it('rolls back a failing migration whole', async () => {
    const db = await emptyDb()
    const d = migrationsCopy()
    await migrate(db, d)
    writeFileSync(join(d, file(count + 1, 'broken')), 'create table half_done (id int);\nselect * from no_such_table;')
    await expect(migrate(db, d)).rejects.toThrow()
    const [row] = await db`select to_regclass('half_done') as t`
    expect(row!.t).toBeNull()
    const [{ n }] = await db`select count(*)::int as n from schema_migrations` as any
    expect(n).toBe(count)
    await db.end()
  })

  it('refuses a file that is not named NNNNN_name.sql', () => {
    const d = migrationsCopy()
    writeFileSync(join(d, '2_oops.sql'), 'select 1;')
    expect(() => readMigrations(d)).toThrow(MigrationError)
  })

  it('runs from the command line with npm run migrate', async () => {
    const db = await emptyDb()
    const url = process.env.PARLEY_TEST_ADMIN_URL!.replace(/\/postgres$/, `/${made[made.length - 1]}`)
    const script = join(import.meta.dir, '../../scripts/migrate.ts')
    const run = () => Bun.spawnSync([process.execPath, script], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' } })
    const first = run()
    expect(first.exitCode).toBe(0)
    expect(first.stdout.toString()).toContain(`schema is at ${count}`)
    const second = run()
    expect(second.stdout.toString().trim()).toBe(`schema is up to date at ${count}`)
    const bad = Bun.spawnSync([process.execPath, script], { env: { ...process.env, DATABASE_URL: 'mysql://nope' } })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr.toString()).toContain('DATABASE_URL')
    await db.end()
  })
})
