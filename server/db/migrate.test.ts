import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, writeFileSync, cpSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createSql, type Sql } from './client.ts'
import { checkServerVersion, migrate, MIGRATIONS_DIR, MigrationError, MIN_PG_MAJOR, readMigrations } from './migrate.ts'
import { missingPgMessage, pgBinCandidates } from './pg-binaries.ts'

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

  it('00003 turns the vocabularies into enums, keeps every row, and still refuses other values', async () => {
    const db = await emptyDb()
    const d = migrationsCopy()
    for (const f of ['00003_enum_kinds.sql', ...readMigrations(d).filter((m) => m.version > 3).map((m) => m.file)]) rmSync(join(d, f))
    await migrate(db, d)
    const [v1, v2, c1, c2] = [Bun.randomUUIDv7(), Bun.randomUUIDv7(), Bun.randomUUIDv7(), Bun.randomUUIDv7()]
    await db`insert into visitors (id) values (${v1}), (${v2})`
    await db`insert into conversations (id, visitor_id, channel, last_message_author) values (${c1}, ${v1}, 'web', 'visitor')`
    await db`
      insert into conversations (id, visitor_id, channel, status, resolved_at, last_message_author)
      values (${c2}, ${v2}, 'email', 'resolved', now(), 'agent')`
    await db`
      insert into messages (id, conversation_id, seq, author_type, author_id, body, channel, delivery_status)
      values (${Bun.randomUUIDv7()}, ${c1}, 1, 'visitor', ${v1}, 'hello', 'web', 'received'),
             (${Bun.randomUUIDv7()}, ${c2}, 1, 'agent', null, 'answer', 'email', 'failed')`
    await migrate(db)
    const convs = await db`select id, channel, status, last_message_author from conversations order by channel::text desc`
    expect(convs.map((r) => [r.channel, r.status, r.lastMessageAuthor])).toEqual([['web', 'open', 'visitor'], ['email', 'resolved', 'agent']])
    const msgs = await db`select author_type, channel, delivery_status from messages order by channel::text desc`
    expect(msgs.map((r) => [r.authorType, r.channel, r.deliveryStatus])).toEqual([['visitor', 'web', 'received'], ['agent', 'email', 'failed']])
    const [{ t }] = await db`select pg_typeof(channel)::text as t from conversations limit 1` as any
    expect(t).toBe('channel_kind')
    // Outside the vocabulary: refused by the type, nothing stored.
    await expect(db`insert into conversations (id, visitor_id, channel) values (${Bun.randomUUIDv7()}, ${v1}, 'fax')`).rejects.toThrow(
      'invalid input value for enum channel_kind: "fax"',
    )
    await expect(db`update messages set delivery_status = 'lost'`).rejects.toThrow('invalid input value for enum delivery_status')
    // The resolved rule is still checked.
    await expect(db`update conversations set status = 'resolved' where id = ${c1}`).rejects.toThrow('conversations_resolved_at')
    const [{ n }] = await db`select count(*)::int as n from conversations where status = 'resolved'` as any
    expect(n).toBe(1)
    // The list indexes exist again, with their predicates on the enum (later migrations add others).
    const idx = await db`select indexname from pg_indexes where tablename = 'conversations' order by indexname`
    expect(idx.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'conversations_open_assigned', 'conversations_open_by_assignee', 'conversations_pkey', 'conversations_resolved',
        'conversations_unassigned', 'conversations_visitor',
      ]),
    )
    await db.end()
  })

  it('refuses a PostgreSQL older than 18 with the reason, and runs on this one', async () => {
    expect(() => checkServerVersion(150014, '15.14 (Debian 15.14-0+deb12u1)')).toThrow(MigrationError)
    expect(() => checkServerVersion(179999, '17.9')).toThrow('Parley needs PostgreSQL 18 or newer; this server is PostgreSQL 17.9')
    expect(() => checkServerVersion(180000, '18.0')).not.toThrow()
    const [row] = await sql<{ num: number }[]>`select current_setting('server_version_num')::int as num`
    expect(row!.num).toBeGreaterThanOrEqual(MIN_PG_MAJOR * 10_000)
  })

  it("passes over Debian's PostgreSQL packages older than 18 and says so when nothing else is found", () => {
    const system = mkdtempSync(join(tmpdir(), 'parley-debian-pg-'))
    try {
      for (const v of ['15', '18', '19']) {
        const bin = join(system, v, 'bin')
        mkdirSync(bin, { recursive: true })
        for (const p of ['initdb', 'pg_ctl', 'postgres']) writeFileSync(join(bin, p), '')
      }
      const found = pgBinCandidates({ PATH: '' }, system).filter((d) => d.startsWith(system))
      expect(found).toEqual([join(system, '19', 'bin'), join(system, '18', 'bin')])
      rmSync(join(system, '18'), { recursive: true })
      rmSync(join(system, '19'), { recursive: true })
      expect(pgBinCandidates({ PATH: '' }, system).filter((d) => d.startsWith(system))).toEqual([])
      expect(missingPgMessage({}, system)).toContain(`PostgreSQL 15 in ${system} is too old: Parley needs 18 or newer`)
    } finally {
      rmSync(system, { recursive: true, force: true })
    }
  })

  it('refuses a file that is not named NNNNN_name.sql', () => {
    const d = migrationsCopy()
    writeFileSync(join(d, '2_oops.sql'), 'select 1;')
    expect(() => readMigrations(d)).toThrow(MigrationError)
  })

  it('runs from the command line with npm run migrate (parley migrate)', async () => {
    const db = await emptyDb()
    const url = process.env.PARLEY_TEST_ADMIN_URL!.replace(/\/postgres$/, `/${made[made.length - 1]}`)
    const script = join(import.meta.dir, '../cli.ts')
    const run = () => Bun.spawnSync([process.execPath, script, 'migrate'], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' } })
    const first = run()
    expect(first.exitCode).toBe(0)
    expect(first.stdout.toString()).toContain(`schema is at ${count}`)
    const second = run()
    expect(second.stdout.toString().trim()).toBe(`schema is up to date at ${count}`)
    const bad = Bun.spawnSync([process.execPath, script, 'migrate'], { env: { ...process.env, DATABASE_URL: 'mysql://nope' } })
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr.toString()).toContain('DATABASE_URL')
    await db.end()
  })
})
