// The `parley` command line against a real database: check, migrate, create-owner, backup and
// restore, and reset-password (read from stdin or the environment, never argv), and what a person
// sees when a command is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createTestDb, type TestDb } from './db/testing.ts'
import { readMigrations } from './db/migrate.ts'
import { AgentClient, startTestServer, type TestServer } from './testing/harness.ts'

const CLI = join(import.meta.dir, 'cli.ts')
let db: TestDb
let emptyUrl: string
let emptyName: string

beforeAll(async () => {
  db = await createTestDb()
  // A database with no schema at all, as a new install's.
  emptyName = `cli_${Bun.randomUUIDv7().replaceAll('-', '').slice(-12)}`
  const admin = postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${emptyName} owner parley_app`)
  await admin.end()
  emptyUrl = process.env.PARLEY_TEST_APP_URL!.replace(/\/[^/]*$/, `/${emptyName}`)
})
afterAll(async () => {
  await db.drop()
  const admin = postgres(process.env.PARLEY_TEST_ADMIN_URL!, { max: 1, onnotice: () => {} })
  await admin.unsafe(`drop database if exists ${emptyName} with (force)`)
  await admin.end()
})

function parley(args: string[], opts: { url?: string; stdin?: string; env?: Record<string, string> } = {}) {
  const r = Bun.spawnSync([process.execPath, CLI, ...args], {
    env: { ...process.env, DATABASE_URL: opts.url ?? db.url, LOG_LEVEL: 'warn', ...opts.env },
    stdin: opts.stdin === undefined ? 'ignore' : new TextEncoder().encode(opts.stdin),
  })
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() }
}

describe('parley on the command line', () => {
  it('checks a new database, migrates it, and checks it again', () => {
    const total = readMigrations().length
    const before = parley(['check'], { url: emptyUrl })
    expect(before.code).toBe(0)
    expect(before.out).toContain('configuration: ok')
    expect(before.out).toContain(`migrations: ${total} to apply (at 0 of ${total})`)
    const run = parley(['migrate'], { url: emptyUrl })
    expect(run.code).toBe(0)
    expect(run.out).toContain(`schema is at ${total}`)
    expect(parley(['check'], { url: emptyUrl }).out).toContain(`migrations: up to date (${total})`)
  })

  it('says what is wrong: an unknown command, a missing argument, a bad configuration, an unreachable database', () => {
    const unknown = parley(['frobnicate'])
    expect(unknown.code).toBe(64)
    expect(unknown.err).toContain('unknown command "frobnicate"')
    expect(unknown.err).toContain('usage: parley')
    expect(parley(['create-owner', '--email', 'a@example.com']).err).toContain('needs --email and --name')
    const badConfig = parley(['check'], { url: 'mysql://nope' })
    expect(badConfig.code).toBe(2)
    expect(badConfig.err).toContain('DATABASE_URL')
    const away = parley(['check'], { url: 'postgres://parley_app:x@127.0.0.1:1/parley' })
    expect(away.code).toBe(1)
    expect(away.err).toStartWith('parley: ')
    expect(parley(['help']).out).toContain('reset-password EMAIL')
  })

  it('creates the owner once, with the password from stdin and the password policy', () => {
    const weak = parley(['create-owner', '--email', 'owner@example.com', '--name', 'Olivia'], { stdin: 'password\n' })
    expect(weak.code).toBe(1)
    expect(weak.err).toContain('parley: ')
    const made = parley(['create-owner', '--email', 'owner@example.com', '--name', 'Olivia'], { stdin: 'a long and unusual passphrase\n' })
    expect(made.err).toBe('')
    expect(made.code).toBe(0)
    expect(made.out).toContain('owner owner@example.com created')
    const again = parley(['create-owner'], { env: { PARLEY_OWNER_EMAIL: 'other@example.com', PARLEY_OWNER_PASSWORD: 'another long passphrase here' } })
    expect(again.code).toBe(64)
    expect(again.err).toContain('already has its owner')
  })

  it('resets a password from the environment, ending the sessions; the old password no longer signs in', async () => {
    let srv: TestServer | null = null
    try {
      srv = await startTestServer({}, db)
      const before = new AgentClient(srv.url)
      expect((await before.login('owner@example.com', 'a long and unusual passphrase')).status).toBe(200)
      expect((await before.request('GET', '/api/auth/me')).status).toBe(200)

      const reset = parley(['reset-password', 'owner@example.com'], { env: { PARLEY_NEW_PASSWORD: 'a brand new passphrase 2026' } })
      expect(reset.err).toBe('')
      expect(reset.out).toContain('password of owner@example.com changed')
      expect((await before.request('GET', '/api/auth/me')).status).toBe(401)
      expect((await new AgentClient(srv.url).login('owner@example.com', 'a long and unusual passphrase')).status).toBe(401)
      expect((await new AgentClient(srv.url).login('owner@example.com', 'a brand new passphrase 2026')).status).toBe(200)
      expect(parley(['reset-password', 'nobody@example.com'], { env: { PARLEY_NEW_PASSWORD: 'a brand new passphrase 2026' } }).err).toContain('no agent has the e-mail address')
      // The password never comes from argv.
      expect(parley(['reset-password', 'owner@example.com']).err).toContain('no password')
    } finally {
      await srv?.stop()
    }
  })

  it('backs up the database DATABASE_URL names and restores it into another, readable by its owner only; wrong arguments are usage errors', async () => {
    expect(parley(['backup']).code).toBe(64)
    const unknown = parley(['restore', '--nope', 'x.gz'])
    expect(unknown.code).toBe(64)
    expect(unknown.err).toContain('restore does not know --nope')
    const file = join(tmpdir(), `parley-cli-${Bun.randomUUIDv7()}.gz`)
    const target = await createTestDb()
    try {
      const made = parley(['backup', file])
      expect(made.err).toBe('')
      expect(made.code).toBe(0)
      expect(made.out).toMatch(/^backup written to .*: \d+ tables, \d+ rows, schema at migration \d+/)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const restored = parley(['restore', file], { url: target.url })
      expect(restored.err).toBe('')
      expect(restored.code).toBe(0)
      expect(restored.out).toContain(`rows at migration ${readMigrations().length}`)
      const emails = (sql: postgres.Sql<{}>) => sql<{ email: string }[]>`select email from agents order by email`
      expect(await emails(target.sql)).toEqual(await emails(db.sql))
      expect(parley(['restore', 'no-such-backup.gz'], { url: target.url }).err).toContain('no-such-backup.gz: no such file')
    } finally {
      await target.drop()
      rmSync(file, { force: true })
    }
  })
})
