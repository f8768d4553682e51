// The whole product's memory at rest with visitors connected (#17): the compiled binary on its own
// embedded PostgreSQL (a fresh DATA_DIR), N widget sockets open and greeted, then the memory of
// the parley process and of every PostgreSQL process of its cluster, summed. Two sums: RSS, the
// figure `ps` and most dashboards show (it counts PostgreSQL's shared buffers once in every
// backend that touched them), and PSS from /proc/PID/smaps_rollup (shared pages divided among
// the processes that share them), which is what the product really takes from the machine.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildBinary, RELEASE_DIR } from '../build-binary.ts'
import { freePort } from '../../server/db/embedded.ts'
import { LOAD_CPUS, NODE, ROOT, SERVER_CPUS, log, pinned, rssBytes, settle, spawnChild, tempDir, waitHttp200 } from './lib.ts'
import { createParleyVisitors, OWNER } from './servers.ts'

export interface FootprintResult {
  connections: number
  opened: number
  /** Per process: parley, then the postmaster and its children. */
  processes: { name: string; rss: number; pss: number }[]
  rssTotal: number
  pssTotal: number
  /** The same sums before the sockets opened (the product at rest, nobody connected). */
  rssBefore: number
  pssBefore: number
}

function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // the fields after the command's closing parenthesis: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(entry))
    } catch {}
  }
  return out
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 2).join(' ').slice(0, 60)
  } catch {
    return String(pid)
  }
}

/** parley's process and its cluster's: the postmaster (from postmaster.pid) and its children. */
function productProcesses(parleyPid: number, dataDir: string): number[] {
  const pidFile = readdirSync(dataDir, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name === 'postmaster.pid')
  if (!pidFile) throw new Error(`no postmaster.pid under ${dataDir}`)
  const postmaster = Number(readFileSync(join(pidFile.parentPath, pidFile.name), 'utf8').split('\n')[0])
  return [parleyPid, postmaster, ...childrenOf(postmaster)]
}

function measure(pids: number[]): { processes: FootprintResult['processes']; rss: number; pss: number } {
  const processes = pids.map((pid) => ({ name: processName(pid), rss: rssBytes(pid), pss: pssBytes(pid) })).filter((p) => p.rss > 0)
  return { processes, rss: processes.reduce((n, p) => n + p.rss, 0), pss: processes.reduce((n, p) => n + p.pss, 0) }
}

export async function runFootprint(connections: number): Promise<FootprintResult> {
  const binary = join(RELEASE_DIR, 'parley')
  if (!existsSync(binary)) await buildBinary({ ui: !existsSync(join(RELEASE_DIR, '../../ui/manifest.json')) })
  const dir = tempDir('footprint')
  const dataDir = join(dir, 'data')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const start = () => spawnChild(pinned(SERVER_CPUS, [binary, 'start']), {
    env: {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PARLEY_OWNER_EMAIL: OWNER.email,
      PARLEY_OWNER_PASSWORD: OWNER.password,
      LIMIT_VISITORS_PER_IP: '1000000/1',
      LIMIT_SOCKETS_PER_IP: '1000000',
    },
    fdLimit: connections + 1024,
  })
  // An installed Parley, not a first start: the data folder is initialised, the visitors exist
  // and one widget has connected once; then it is started again and measured. The widgets come
  // from loopback addresses, which have no location, so the GeoIP files are not opened here: a
  // public install adds their mapped pages (about 5 MiB PSS, measured from the sources).
  let tokens: string[]
  const first = start()
  try {
    await waitHttp200(`${url}/healthz`, 120_000, first)
    tokens = await createParleyVisitors(url, connections)
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(tokens[0]!)}`)
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = () => resolve()
      ws.onerror = () => reject(new Error('the warm-up widget could not connect'))
    })
    ws.close()
    await Bun.sleep(1000)
  } finally {
    await first.stop('SIGTERM', 20_000)
  }
  const child = start()
  try {
    await waitHttp200(`${url}/healthz`, 120_000, child)
    await settle(child.pid, 10_000)
    const pids = productProcesses(child.pid, dataDir)
    const before = measure(pids)
    const cfgFile = join(dir, 'load.json')
    writeFileSync(cfgFile, JSON.stringify({ kind: 'parley', url, tokens, n: connections, warm: 0, concurrency: 64, sources: ['127.0.0.2', '127.0.0.3'], deadlineMs: 120_000 }))
    const load = spawnChild(pinned(LOAD_CPUS, [NODE, join(ROOT, 'scripts/bench/idle-load.mjs'), cfgFile]), { fdLimit: connections + 1024 })
    try {
      await load.waitLine((l) => l.includes('"ready"'), 10_000)
      load.proc.stdin.write('go\n')
      await load.proc.stdin.flush()
      const opened = JSON.parse(await load.waitLine((l) => l.includes('"open"'), 110_000)) as { opened: number }
      await settle(child.pid, 20_000)
      // the lowest of a few readings: a garbage-collected runtime holds the accepts' garbage a while
      let after = measure(productProcesses(child.pid, dataDir))
      for (let i = 0; i < 10; i++) {
        await Bun.sleep(500)
        const now = measure(productProcesses(child.pid, dataDir))
        if (now.pss < after.pss) after = now
      }
      log(`footprint: parley alone PSS ${(before.processes[0]!.pss / 2 ** 20).toFixed(0)} → ${(after.processes[0]!.pss / 2 ** 20).toFixed(0)} MiB`)
      log(`footprint: ${opened.opened}/${connections} open; PSS ${(before.pss / 2 ** 20).toFixed(0)} → ${(after.pss / 2 ** 20).toFixed(0)} MiB, RSS summed ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MiB over ${after.processes.length} processes`)
      load.proc.stdin.write('close\n')
      await load.proc.stdin.flush()
      await load.waitLine((l) => l.includes('"closed"'), 20_000).catch(() => {})
      return { connections, opened: opened.opened, processes: after.processes, rssTotal: after.rss, pssTotal: after.pss, rssBefore: before.rss, pssBefore: before.pss }
    } finally {
      await load.stop('SIGKILL', 1000)
    }
  } finally {
    await child.stop('SIGTERM', 20_000)
  }
}

if (import.meta.main) {
  const n = Number(process.argv.find((a) => a.startsWith('--connections='))?.split('=')[1] ?? 1000)
  const r = await runFootprint(n)
  for (const p of r.processes) console.log(`${(p.pss / 2 ** 20).toFixed(1).padStart(7)} MiB PSS ${(p.rss / 2 ** 20).toFixed(1).padStart(7)} MiB RSS  ${p.name}`)
  console.log(`total: PSS ${(r.pssTotal / 2 ** 20).toFixed(0)} MiB, RSS summed ${(r.rssTotal / 2 ** 20).toFixed(0)} MiB with ${r.opened} sockets (at rest: ${(r.pssBefore / 2 ** 20).toFixed(0)} / ${(r.rssBefore / 2 ** 20).toFixed(0)} MiB)`)
}
