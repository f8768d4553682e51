import { afterAll, describe, expect, it } from 'bun:test'
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, chmodSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from './embedded.ts'

const MAIN = resolve(import.meta.dir, '../main.ts')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Starts `bun server/main.ts` (as `nobody` through setpriv, which execs rather than forks, when asked), waits for 200, stops it with SIGTERM. */
async function startAndStop(dataDir: string, asNobody: boolean): Promise<{ stderr: string; code: number; owner: string }> {
  const port = await freePort()
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', HOME: dataDir }
  const cmd = asNobody ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, MAIN] : [process.execPath, MAIN]
  const proc = Bun.spawn(cmd, { env, stdout: 'ignore', stderr: 'pipe' })
  let ok = false
  for (let i = 0; i < 600 && proc.exitCode === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) {
        ok = true
        break
      }
    } catch {}
    await Bun.sleep(50)
  }
  const ps = Bun.spawnSync(['ps', '-eo', 'user:20,args'])
  const line = ps.stdout.toString().split('\n').find((l) => l.includes(`-D ${join(dataDir, 'postgres')}`)) ?? ''
  proc.kill('SIGTERM')
  const code = await proc.exited
  const stderr = await new Response(proc.stderr).text()
  if (!ok) throw new Error(`did not start: ${stderr}`)
  return { stderr, code, owner: line.trim().split(/\s+/)[0] ?? '' }
}

describe('embedded PostgreSQL', () => {
  it('runs as an ordinary user, and as root runs PostgreSQL as the postgres user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-user-'))
    dirs.push(dir)
    const root = userInfo().uid === 0
    if (root) {
      chmodSync(dir, 0o755)
      chownSync(dir, 65534, 65534)
      const asNobody = await startAndStop(join(dir, 'data'), true)
      expect(asNobody.code).toBe(0)
      expect(asNobody.owner).toBe('nobody')
      const rootDir = mkdtempSync(join(tmpdir(), 'parley-root-'))
      dirs.push(rootDir)
      const asRoot = await startAndStop(join(rootDir, 'data'), false)
      expect(asRoot.code).toBe(0)
      expect(asRoot.owner).toBe('postgres')
      expectStartSteps(asRoot.stderr)
    } else {
      const me = await startAndStop(join(dir, 'data'), false)
      expect(me.code).toBe(0)
      expect(me.owner).toBe(userInfo().username)
      expectStartSteps(me.stderr)
    }
  }, 60_000)
})

/** The listening line says how long each step of the start took, so a slow start says where it waited. */
function expectStartSteps(stderr: string): void {
  const line = stderr.split('\n').find((l) => l.includes('"Parley is listening"'))
  expect(line).toBeDefined()
  const { ms, steps } = JSON.parse(line!) as { ms: number; steps: Record<string, number> }
  expect(Object.keys(steps)).toEqual(['load', 'code', 'postgres', 'migrate', 'secrets', 'wire', 'cluster', 'owner', 'channels', 'listen'])
  for (const v of Object.values(steps)) expect(Number.isInteger(v) && v >= 0).toBe(true)
  expect(Object.values(steps).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ms + 10)
}

describe('the embedded cluster is private', () => {
  it('keeps DATA_DIR and its passwords to itself, uses SCRAM, and connects Parley as an ordinary role', async () => {
    const { startEmbeddedPostgres, APP_ROLE } = await import('./embedded.ts')
    const { createLogger } = await import('../shared/logger.ts')
    const { default: postgres } = await import('postgres')
    const base = mkdtempSync(join(tmpdir(), 'parley-private-'))
    dirs.push(base)
    chmodSync(base, 0o755)
    const dataDir = join(base, 'data')
    // initdb reads the superuser's password from a file; it must never appear in the shared temp
    // folder (a temp folder of this test's own stands for it, so other programs' files don't count).
    const sharedTmp = join(base, 'tmp')
    mkdirSync(sharedTmp)
    const seen: string[] = []
    const watcher = watch(sharedTmp, (_event, file) => seen.push(String(file)))
    const before = process.env.TMPDIR
    process.env.TMPDIR = sharedTmp
    const pg = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true }).finally(() => {
      if (before === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = before
      watcher.close()
    })
    try {
      expect(seen).toEqual([])
      const root = userInfo().uid === 0
      expect(statSync(dataDir).mode & 0o777).toBe(root ? 0o711 : 0o700)
      for (const f of ['postgres.password', 'postgres.app-password']) expect(statSync(join(dataDir, f)).mode & 0o777).toBe(0o600)
      expect(statSync(join(dataDir, 'postgres')).mode & 0o077).toBe(0)
      const hba = readFileSync(join(dataDir, 'postgres', 'pg_hba.conf'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.trim().startsWith('#'))
      expect(hba.length).toBeGreaterThan(0)
      for (const line of hba) expect(line.trim().endsWith('scram-sha-256')).toBe(true)

      const app = postgres(pg.url, { max: 1, onnotice: () => {} })
      try {
        const [me] = await app`select current_user as user, r.rolsuper, r.rolcreaterole, r.rolcreatedb from pg_roles r where r.rolname = current_user`
        expect(me).toEqual({ user: APP_ROLE, rolsuper: false, rolcreaterole: false, rolcreatedb: false })
        await app`create table t (id int)`
        await app`insert into t values (1)`
        await expect(app`create role intruder`).rejects.toThrow()
        await expect(app`select pg_read_file('postgresql.conf')`).rejects.toThrow()
      } finally {
        await app.end()
      }

      // Parley itself connects through the cluster's Unix socket in its data folder, with the
      // same role and password (pg_hba above: SCRAM there too); TCP stays for other clients.
      expect(pg.socketUrl).toBe(`${pg.url}?host=${encodeURIComponent(join(dataDir, 'postgres'))}`)
      const { createSql } = await import('./client.ts')
      const viaSocket = createSql(pg.socketUrl, { max: 1 })
      try {
        const [row] = await viaSocket<{ user: string; addr: string | null }[]>`select current_user as user, inet_server_addr()::text as addr`
        expect(row).toEqual({ user: APP_ROLE, addr: null })
      } finally {
        await viaSocket.end()
      }
      const viaTcp = createSql(pg.url, { max: 1 })
      try {
        const [row] = await viaTcp<{ addr: string | null }[]>`select inet_server_addr()::text as addr`
        expect(row!.addr).toBe('127.0.0.1/32')
      } finally {
        await viaTcp.end()
      }
    } finally {
      await pg.stop()
    }
  }, 60_000)

  it('sets the app role up once (marked in DATA_DIR), hands over what an unmarked cluster holds, and follows a changed app password', async () => {
    const { startEmbeddedPostgres, APP_ROLE } = await import('./embedded.ts')
    const { createLogger } = await import('../shared/logger.ts')
    const { default: postgres } = await import('postgres')
    const base = mkdtempSync(join(tmpdir(), 'parley-recheck-'))
    dirs.push(base)
    chmodSync(base, 0o755)
    const dataDir = join(base, 'data')
    const first = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true })
    // Everything else stays in place: one table and one function the superuser made.
    const admin = postgres(first.adminUrl.replace(/\/postgres$/, '/parley'), { max: 1, onnotice: () => {} })
    await admin`create table stray (id int)`
    await admin`create function stray_one() returns int language sql as 'select 1'`
    await admin.end()
    await first.stop()
    // Marked as set up: a start changes nothing (and asks nothing) …
    expect(statSync(join(dataDir, 'postgres.app-ready')).mode & 0o777).toBe(0o600)
    const marked = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true })
    try {
      const app = postgres(marked.url, { max: 1, onnotice: () => {} })
      const [t] = await app`select tableowner from pg_tables where tablename = 'stray'`
      await app.end()
      expect(t?.tableowner).toBe('parley')
    } finally {
      await marked.stop()
    }
    // … and without the mark (a cluster an earlier Parley left), the check finds and hands over both.
    rmSync(join(dataDir, 'postgres.app-ready'))

    const second = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true })
    try {
      const app = postgres(second.url, { max: 1, onnotice: () => {} })
      try {
        const [t] = await app`select tableowner from pg_tables where tablename = 'stray'`
        expect(t?.tableowner).toBe(APP_ROLE)
        const [f] = await app`select pg_get_userbyid(proowner) as owner from pg_proc where proname = 'stray_one'`
        expect(f?.owner).toBe(APP_ROLE)
      } finally {
        await app.end()
      }
    } finally {
      await second.stop()
    }

    // A new app password in DATA_DIR (an admin rotated it): the role follows the file.
    writeFileSync(join(dataDir, 'postgres.app-password'), 'a-new-app-password-0123456789', { mode: 0o600 })
    const third = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true })
    try {
      expect(third.url).toContain(encodeURIComponent('a-new-app-password-0123456789'))
      const app = postgres(third.url, { max: 1, onnotice: () => {} })
      try {
        expect([...(await app`select count(*)::int as n from stray`)]).toEqual([{ n: 0 }])
      } finally {
        await app.end()
      }
    } finally {
      await third.stop()
    }

    // Parley's own HTTP port (bound only once the cluster runs) is never the cluster's, even when
    // it was saved as the cluster's: a CI run once had both on one port, and Parley could not listen.
    const saved = Number(readFileSync(join(dataDir, 'postgres.port'), 'utf8'))
    const fourth = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true, avoidPorts: [saved] })
    try {
      expect(fourth.port).not.toBe(saved)
      expect(Number(readFileSync(join(dataDir, 'postgres.port'), 'utf8'))).toBe(fourth.port)
    } finally {
      await fourth.stop()
    }
  }, 60_000)

  it("hands a cluster made by an earlier Parley (cleartext password auth, the superuser's database) to the ordinary role", async () => {
    const { startEmbeddedPostgres, APP_ROLE } = await import('./embedded.ts')
    const { createLogger } = await import('../shared/logger.ts')
    const { default: postgres } = await import('postgres')
    const base = mkdtempSync(join(tmpdir(), 'parley-upgrade-'))
    dirs.push(base)
    chmodSync(base, 0o755)
    const dataDir = join(base, 'data')
    const first = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true })
    // Undo what this version sets up, so the cluster looks like one an earlier version left.
    const admin = postgres(first.adminUrl.replace(/\/postgres$/, '/parley'), { max: 1, onnotice: () => {} })
    await admin`alter database parley owner to parley`
    await admin`alter schema public owner to parley`
    await admin`create type mood as enum ('calm', 'busy')`
    await admin`create table notes (id serial primary key, mood mood not null, body text not null)`
    await admin`insert into notes (mood, body) values ('calm', 'kept')`
    await admin.end()
    await first.stop()
    const hbaPath = join(dataDir, 'postgres', 'pg_hba.conf')
    writeFileSync(hbaPath, readFileSync(hbaPath, 'utf8').replaceAll('scram-sha-256', 'password'))
    rmSync(join(dataDir, 'postgres.app-ready')) // an earlier Parley left no mark

    const again = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), fast: true })
    try {
      expect(readFileSync(hbaPath, 'utf8')).not.toMatch(/\spassword\s*$/m)
      const app = postgres(again.url, { max: 1, onnotice: () => {} })
      try {
        expect([...(await app`select body from notes`)]).toEqual([{ body: 'kept' }])
        await app`insert into notes (mood, body) values ('busy', 'written by the app role')`
        const owners = await app`select tableowner from pg_tables where schemaname = 'public'`
        expect(owners.map((o) => o.tableowner)).toEqual([APP_ROLE])
      } finally {
        await app.end()
      }
    } finally {
      await again.stop()
    }
  }, 60_000)
})

describe('stopping after Ctrl-C', () => {
  it('waits for a postmaster the terminal signalled too, instead of saying it was left running for other clients', async () => {
    const { startEmbeddedPostgres } = await import('./embedded.ts')
    const { createLogger } = await import('../shared/logger.ts')
    const base = mkdtempSync(join(tmpdir(), 'parley-ctrl-c-'))
    dirs.push(base)
    // Ctrl-C sends SIGINT to the terminal's whole foreground group, Parley and its postmaster;
    // timeout(1) and a kill of the group send SIGTERM (PostgreSQL's smart shutdown) to them all.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const lines: string[] = []
      const pg = await startEmbeddedPostgres({ dataDir: join(base, 'data'), log: createLogger('info', (l) => lines.push(l)), fast: true })
      const pid = Number(readFileSync(join(pg.dir, 'postmaster.pid'), 'utf8').split('\n')[0])
      process.kill(pid, signal)
      await pg.stop()
      expect(lines.filter((l) => l.includes('leaving the embedded PostgreSQL running'))).toEqual([])
      expect(existsSync(join(pg.dir, 'postmaster.pid'))).toBe(false)
    }
  })
})
