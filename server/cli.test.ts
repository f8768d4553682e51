// The `parley` command line against a real database: check, migrate, create-owner, backup and
// restore, and reset-password (read from stdin or the environment, never argv), and what a person
// sees when a command is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
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
    // Asking for help runs nothing: the database is still unmigrated, and `start --help` does not start.
    for (const args of [['migrate', '--help'], ['start', '--help'], ['backup', '-h']]) {
      const help = parley(args, { url: emptyUrl })
      expect(help.code).toBe(0)
      expect(help.out).toStartWith('usage: parley')
    }
    expect(parley(['check'], { url: emptyUrl }).out).toContain(`migrations: ${total} to apply (at 0 of ${total})`)
    const extra = parley(['migrate', 'now'], { url: emptyUrl })
    expect(extra.code).toBe(64)
    expect(extra.err).toContain('migrate takes no arguments (got now)')
    const run = parley(['migrate'], { url: emptyUrl })
    expect(run.code).toBe(0)
    expect(run.out).toContain(`schema is at ${total}`)
    expect(parley(['check'], { url: emptyUrl }).out).toContain(`migrations: up to date (${total})`)
  })

  it('says its version, the one package.json names (what an upgrade compares)', async () => {
    const { version } = await Bun.file(join(import.meta.dir, '../package.json')).json()
    for (const args of [['--version'], ['version'], ['-v']]) expect(parley(args)).toEqual({ code: 0, out: `parley ${version}\n`, err: '' })
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

  it('creates the owner once, with the password from stdin and the password policy', async () => {
    const weak = parley(['create-owner', '--email', 'owner@example.com', '--name', 'Olivia'], { stdin: 'password\n' })
    expect(weak.code).toBe(1)
    expect(weak.err).toContain('parley: ')
    // PARLEY_OWNER_NAME stands in for --name.
    const made = parley(['create-owner', '--email', 'owner@example.com'], { stdin: 'a long and unusual passphrase\n', env: { PARLEY_OWNER_NAME: 'Olivia' } })
    expect(made.err).toBe('')
    expect(made.code).toBe(0)
    expect(made.out).toContain('owner owner@example.com created')
    expect((await db.sql<{ name: string }[]>`select name from agents where email = 'owner@example.com'`).map((r) => r.name)).toEqual(['Olivia'])
    const again = parley(['create-owner'], { env: { PARLEY_OWNER_EMAIL: 'other@example.com', PARLEY_OWNER_PASSWORD: 'another long passphrase here' } })
    // not a wrong command (64, with the usage): a command that cannot be done here
    expect(again.code).toBe(1)
    expect(again.err).toContain('already has its owner')
    expect(again.err).not.toContain('usage:')
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

  it('does not make a database where there is none: check, backup, reset-password and restore on a DATA_DIR without one say so', () => {
    const dataDir = join(tmpdir(), `parley-cli-none-${Bun.randomUUIDv7()}`)
    const file = join(tmpdir(), `parley-cli-${Bun.randomUUIDv7()}.gz`)
    const env = { DATA_DIR: dataDir, PARLEY_NEW_PASSWORD: 'a brand new passphrase 2026' }
    const check = parley(['check'], { url: '', env })
    expect(check.code).toBe(1)
    expect(check.out).toContain(`database: none in DATA_DIR (${dataDir}) yet`)
    for (const args of [['backup', file], ['reset-password', 'owner@example.com']]) {
      const r = parley(args, { url: '', env })
      expect(r.code).toBe(1)
      expect(r.err).toStartWith(`parley: no Parley database in DATA_DIR (${dataDir})`)
    }
    // Nor for a backup that is not there, or a file that cannot be written: said before anything starts.
    const restore = parley(['restore', file], { url: '', env })
    expect(restore.code).toBe(1)
    expect(restore.err).toStartWith(`parley: ${file}: no such file`)
    const nowhere = parley(['backup', join(dataDir, 'x.gz')])
    expect(nowhere.code).toBe(1)
    expect(nowhere.err).toStartWith(`parley: cannot write ${join(dataDir, 'x.gz')}: there is no folder ${dataDir}`)
    expect(existsSync(dataDir)).toBe(false)
    expect(existsSync(file)).toBe(false)
  })

  it('reads a password from stdin up to the first line, without waiting for the input to end, and unseen at a terminal', async () => {
    // A pipe that stays open after the line (a person at a terminal presses Enter, not Ctrl-D).
    const proc = Bun.spawn([process.execPath, CLI, 'reset-password', 'owner@example.com'], {
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', PARLEY_NEW_PASSWORD: '' },
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    proc.stdin.write('a piped passphrase, line one\nline two\n')
    proc.stdin.flush()
    const code = await Promise.race([proc.exited, Bun.sleep(20_000).then(() => 'still waiting')])
    proc.kill()
    expect(code).toBe(0)
    expect(await new Response(proc.stdout).text()).toContain('password of owner@example.com changed')
    // At a terminal (script(1) gives the command one): it asks, and the typed password is not echoed.
    const script = Bun.which('script')
    if (script) {
      const tty = Bun.spawn([script, '-qfec', `${process.execPath} ${CLI} reset-password owner@example.com`, '/dev/null'], {
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', PARLEY_NEW_PASSWORD: '' },
        stdin: 'pipe',
        stdout: 'pipe',
        stderr: 'pipe',
      })
      // Typed once it asks (what a terminal receives before that, it echoes by itself).
      let screen = ''
      const reader = tty.stdout.getReader()
      const decoder = new TextDecoder()
      while (!screen.includes('password: ')) {
        const { value, done } = await reader.read()
        if (done) break
        screen += decoder.decode(value)
      }
      tty.stdin.write('a typed passphrase 2026\r')
      tty.stdin.flush()
      const ttyCode = await Promise.race([tty.exited, Bun.sleep(20_000).then(() => 'still waiting')])
      tty.kill()
      for (let r = await reader.read(); !r.done; r = await reader.read()) screen += decoder.decode(r.value)
      expect(ttyCode).toBe(0)
      expect(screen).toContain('password: ')
      expect(screen).toContain('password of owner@example.com changed')
      expect(screen).not.toContain('a typed passphrase')
    }
  })

  it('npm start hands its process to Parley: a SIGTERM to npm (the PID an admin sees) stops Parley too', async () => {
    const root = join(import.meta.dir, '..')
    const start: string = (await Bun.file(join(root, 'package.json')).json()).scripts.start
    const build = 'bun scripts/build-ui.ts --quiet && '
    expect(start).toStartWith(build) // the UI is built first: skipped here, npm test built it
    const dir = mkdtempSync(join(tmpdir(), 'parley-npm-start-'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'parley-npm-start', private: true, type: 'module', scripts: { start: start.slice(build.length) } }))
    for (const name of ['server', 'node_modules', 'migrations', 'dist']) symlinkSync(join(root, name), join(dir, name))
    const npm = Bun.which('npm')
    expect(npm).not.toBeNull()
    const proc = Bun.spawn([npm!, 'start', '--silent'], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
    })
    // npm's processes, read before the stop: a Parley that outlived npm is killed after the test.
    const descendants = (pid: number): number[] => {
      let children: number[] = []
      try {
        children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
      } catch {}
      return children.flatMap((c) => [c, ...descendants(c)])
    }
    let left: number[] = []
    let url = ''
    try {
      let seen = ''
      const decoder = new TextDecoder()
      for await (const chunk of proc.stderr) {
        seen += decoder.decode(chunk)
        const m = /"msg":"Parley is listening","url":"([^"]+)"/.exec(seen)
        if (m) {
          url = m[1]!
          break
        }
      }
      expect(url).not.toBe('')
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      left = descendants(proc.pid)
      proc.kill('SIGTERM')
      await proc.exited
      // Parley stops in about a second; a Parley left behind by npm would answer on.
      let answering = true
      for (let i = 0; i < 50 && answering; i++) {
        answering = await fetch(`${url}/healthz`).then(() => true, () => false)
        if (answering) await Bun.sleep(100)
      }
      expect(answering).toBe(false)
    } finally {
      for (const pid of [proc.pid, ...left]) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
      rmSync(dir, { recursive: true, force: true })
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
