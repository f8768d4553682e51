// Backup and restore through COPY, in-process against the test cluster (the compiled binary's
// round trip is scripts/build-binary.test.ts): the same rows and sequence values come back, a
// damaged file changes nothing, and tables are written in an order their foreign keys allow.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backup, foreignKeyOrder, restore, BackupError } from './backup.ts'
import { createSql, type Sql } from './client.ts'
import { createTestDb, type TestDb } from './testing.ts'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let stopped = false
let owner: AgentClient
let source: TestDb
let target: TestDb
let targetSql: Sql
const dir = mkdtempSync(join(tmpdir(), 'parley-backup-'))
const file = join(dir, 'backup.gz')

beforeAll(async () => {
  source = await createTestDb()
  srv = await startTestServer({}, source)
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
  target = await createTestDb()
  // One connection of our own: restore refuses while other sessions use the database.
  targetSql = createSql(target.url, { max: 1 })
})
afterAll(async () => {
  await targetSql?.end()
  await target?.drop()
  if (!stopped) await srv?.stop()
  await source?.drop()
  rmSync(dir, { recursive: true, force: true })
})

/** Every table's rows as text, hashed, and every sequence's value. */
async function snapshot(sql: Sql): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }[]>`
    select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'S') order by 1`
  // (a sequence's name ends in _seq; no table's does)
  const out: Record<string, string> = {}
  for (const { name } of tables) {
    const [row] = name.endsWith('_seq')
      ? await sql<{ h: string }[]>`select last_value::text || ' ' || is_called::text as h from ${sql(name)}`
      : await sql<{ h: string }[]>`select md5(coalesce(string_agg(x::text, E'\n' order by x::text), '')) as h from ${sql(name)} x`
    out[name] = row!.h
  }
  delete out.schema_migrations // applied_at differs: restore applies the migrations again
  return out
}

describe('backup and restore', () => {
  it('restores into an empty database the same rows, bytes and sequence values, then counts what it wrote', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const sent = await visitor.request('POST', '/api/widget/messages', { body: 'Line one\nline\ttwo \\ with a backslash and "quotes"', clientId: cid() })
    expect(sent.status).toBe(201)
    const conversationId = sent.body.conversation.id as string
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13 + 5) % 256)
    const up = await fetch(`${srv.url}/api/conversations/${conversationId}/uploads`, {
      method: 'POST',
      headers: { origin: srv.url, cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/octet-stream', 'x-filename': 'raw.bin' },
      body: bytes,
    })
    expect(up.status).toBe(201)
    const fileId = ((await up.json()) as { id: string }).id
    expect((await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'attached', clientId: cid(), attachmentIds: [fileId] })).status).toBe(201)

    // Stopped, so its background work (heartbeats) does not change rows between backup and comparison.
    await srv.stop()
    stopped = true
    const made = await backup(source.sql, file)
    expect(made.level).toBeGreaterThan(0)
    expect(made.rows).toBeGreaterThan(5)
    const before = await snapshot(source.sql)

    const r = await restore(targetSql, file)
    expect(r).toMatchObject({ level: made.level, migratedTo: made.level, tables: made.tables, rows: made.rows })
    expect(await snapshot(targetSql)).toEqual(before)
    const [att] = await targetSql<{ content: Uint8Array }[]>`select content from attachments where id = ${fileId}`
    expect(Buffer.from(att!.content).equals(Buffer.from(bytes))).toBe(true)
  }, 120_000)

  it('refuses a database with data unless forced, and leaves it as it was when the file is cut short', async () => {
    const refused = await restore(targetSql, file).catch((e) => e)
    expect(refused).toBeInstanceOf(BackupError)
    expect(refused.message).toContain('restore replaces it only with --force')
    const before = await snapshot(targetSql)
    const whole = readFileSync(file)
    const cut = join(dir, 'cut.gz')
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)))
    await expect(restore(targetSql, cut, { force: true })).rejects.toThrow()
    expect(await snapshot(targetSql)).toEqual(before)
    const again = await restore(targetSql, file, { force: true })
    expect(again.rows).toBeGreaterThan(5)
    expect(await snapshot(targetSql)).toEqual(before)
  }, 120_000)

  it('writes tables after the ones they reference, and names a cycle it cannot order', () => {
    const t = (name: string) => ({ name, columns: ['id'] })
    const order = foreignKeyOrder([t('messages'), t('agents'), t('conversations'), t('visitors')], [
      { from: 'messages', to: 'conversations' },
      { from: 'conversations', to: 'visitors' },
      { from: 'conversations', to: 'agents' },
    ])
    const at = (n: string) => order.findIndex((x) => x.name === n)
    expect(at('conversations')).toBeGreaterThan(at('visitors'))
    expect(at('conversations')).toBeGreaterThan(at('agents'))
    expect(at('messages')).toBeGreaterThan(at('conversations'))
    expect(() => foreignKeyOrder([t('a'), t('b')], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toThrow('the foreign keys between a, b form a cycle')
  })
})
