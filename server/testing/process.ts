// Runs Parley as a real child process (server/main.ts), for multi-process and crash tests.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '../db/embedded.ts'
import { afterAll, beforeAll } from 'bun:test'
import type { Sql } from '../db/client.ts'
import { createTestDb, type TestDb } from '../db/testing.ts'

const MAIN = resolve(import.meta.dir, '../main.ts')

export interface ParleyProcess {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  url: string
  port: number
  /** Everything it wrote to stderr so far (JSON log lines). */
  log(): string
  kill(signal?: NodeJS.Signals): Promise<number>
}

/** `env.PORT` starts it on that port (a restart on the same address); otherwise on a free one. */
export async function spawnParley(env: Record<string, string>, readyMs = 30_000): Promise<ParleyProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const proc = Bun.spawn([process.execPath, MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', PASSWORD_HASH_MEMORY_MIB: '19', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let stderr = ''
  ;(async () => {
    const decoder = new TextDecoder()
    for await (const chunk of proc.stderr) stderr += decoder.decode(chunk)
  })()
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + readyMs
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`parley exited with ${proc.exitCode}: ${stderr}`)
    try {
      const r = await fetch(`${url}/healthz`)
      if (r.status === 200) break
    } catch {}
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`parley did not become healthy in ${readyMs} ms: ${stderr}`)
    }
    await Bun.sleep(50)
  }
  return {
    proc,
    url,
    port,
    log: () => stderr,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      proc.kill(signal)
      return proc.exited
    },
  }
}

/**
 * A DATA_DIR of a test's own for Parleys with their embedded PostgreSQL: the environment to start
 * them with, the postmaster's pid, and a clean-up that stops a postmaster left running. Their
 * visitors send far beyond a person's pace: these tests are about processes, not limits.
 */
export function embeddedDataDir(prefix: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `parley-${prefix}-`))
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid')
  const postmasterPid = () => Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  return {
    dataDir,
    pidFile,
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PARLEY_OWNER_EMAIL: 'owner@example.com',
      PARLEY_OWNER_PASSWORD: 'owner-password',
      LIMIT_MESSAGES_PER_VISITOR: '1000000/1',
    },
    postmasterPid,
    async remove(): Promise<void> {
      if (existsSync(pidFile) && isAlive(postmasterPid())) process.kill(postmasterPid(), 'SIGINT')
      for (let i = 0; i < 100 && existsSync(pidFile); i++) await Bun.sleep(50)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The owner two processes of one test database are started with (PARLEY_OWNER_*). */
export const CLUSTER_OWNER = { email: 'owner@example.com', password: 'owner-password', name: 'Olivia' }

export interface TwoProcesses {
  db: TestDb
  a: ParleyProcess
  b: ParleyProcess
  /** Kills both and drops the database. */
  stop(): Promise<void>
}

/** Two Parley processes on one fresh test database, with its owner (CLUSTER_OWNER): the cluster tests' set-up. */
async function twoProcesses(): Promise<TwoProcesses> {
  const db = await createTestDb()
  const env = { DATABASE_URL: db.url, PARLEY_OWNER_EMAIL: CLUSTER_OWNER.email, PARLEY_OWNER_PASSWORD: CLUSTER_OWNER.password, PARLEY_OWNER_NAME: CLUSTER_OWNER.name }
  const [a, b] = await Promise.all([spawnParley(env), spawnParley(env)])
  return {
    db,
    a,
    b,
    async stop() {
      await Promise.all([a.kill(), b.kill()])
      await db.drop()
    },
  }
}

/**
 * Two processes for a whole test file: started before its tests, killed (and the database dropped)
 * after them. Read `a`, `b` and `db` from the returned object inside the tests.
 */
export function twoProcessesForFile(): TwoProcesses {
  const nodes = {} as TwoProcesses
  beforeAll(async () => void Object.assign(nodes, await twoProcesses()), 60_000)
  afterAll(() => nodes.stop?.())
  return nodes
}

/**
 * Ends the listening connection (the cluster relay's ear) of the process with this node id, as a
 * PostgreSQL restart or a cut connection would: what pg_terminate_backend said for each one found.
 */
export async function endListening(sql: Sql, nodeId: string): Promise<boolean[]> {
  const rows = await sql<{ ok: boolean }[]>`
    select pg_terminate_backend(pid) as ok from pg_stat_activity
    where application_name = 'parley-listen' and query like ${`%parley_ping_${nodeId.replaceAll('-', '')}%`}`
  return rows.map((r) => r.ok)
}
