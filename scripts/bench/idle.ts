// Idle visitors: N open widget connections. Server memory per connection (RSS delta from /proc,
// after the server has settled) and connections accepted per second, for Parley, raw Bun.serve
// and Socket.IO. Each run starts a fresh server.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOAD_CPUS, NODE, ROOT, SERVER_CPUS, cpuSeconds, log, pinned, rssBytes, settle, spawnChild, tempDir, type Cluster } from './lib.ts'
import { KINDS as ALL_KINDS, LABEL, createParleyVisitors, seedPeerVisitors, startParley, startPeer, type Kind, type Server } from './servers.ts'

export interface IdleOptions {
  connections: number
  runs: number
  sources: string[]
  /** Which servers to load (default: all three). */
  kinds?: Kind[]
}

export interface IdleServerResult {
  kind: Kind
  label: string
  /** Per run. */
  opened: number[]
  bytesPerConnection: number[]
  acceptsPerSecond: number[]
  /** CPU seconds per accept while the sockets opened: the server's own, and with PostgreSQL's. */
  cpuPerAccept: number[]
  cpuPerAcceptWithPg: number[]
  /** RSS once started and quiet, before the first visitor. */
  restRss: number[]
  /** RSS after the warm-up (200 sockets opened and closed), before the burst. */
  baselineRss: number[]
  failures: string[]
}

function hardFdLimit(): number {
  try {
    const out = Bun.spawnSync(['bash', '-c', 'ulimit -Hn']).stdout.toString().trim()
    return out === 'unlimited' ? 1 << 20 : Number(out)
  } catch {
    return 0
  }
}

/**
 * The server's resident memory once idle. A garbage-collected runtime holds the garbage of the
 * accepts for a while after its CPU goes quiet (Parley's RSS measured 169 MiB for 8 s, then 153
 * MiB from the ninth second on), so a reading at that instant measures garbage, not
 * connections. Every server is read the same way: the lowest reading over up to 10 s, ending
 * early once the memory has fallen by 5 % and stayed there for a second.
 */
async function quietRss(pid: number): Promise<number> {
  const first = rssBytes(pid)
  let min = first
  let heldSince = 0
  for (let t = 0; t < 10_000; t += 500) {
    await Bun.sleep(500)
    const now = rssBytes(pid)
    if (now < min) {
      min = now
      heldSince = t
    }
    if (min < first * 0.95 && t - heldSince >= 1000) break
  }
  return min
}

export async function runIdle(cluster: Cluster, o: IdleOptions): Promise<{ results: IdleServerResult[]; limitNote: string }> {
  const KINDS = o.kinds ?? ALL_KINDS
  const dir = tempDir('idle')
  const hard = hardFdLimit()
  const want = o.connections + 1024
  const fdLimit = Math.min(hard, Math.max(want, 4096))
  let n = o.connections
  let limitNote = ''
  if (hard && hard < want) {
    n = Math.max(100, hard - 1024)
    limitNote = `open-file limit (ulimit -Hn ${hard}) caps the run at ${n} connections`
  }
  const dbs: Partial<Record<Kind, string>> = {
    parley: await cluster.createDatabase('bench_idle_parley'),
    sio: await cluster.createDatabase('bench_idle_sio'),
    bun: await cluster.createDatabase('bench_idle_bun'),
  }
  const tokens = {} as Record<Kind, string[]>
  const results = {} as Record<Kind, IdleServerResult>
  for (const k of KINDS) results[k] = { kind: k, label: LABEL[k], opened: [], bytesPerConnection: [], acceptsPerSecond: [], cpuPerAccept: [], cpuPerAcceptWithPg: [], restRss: [], baselineRss: [], failures: [] }
  const start = async (k: Kind): Promise<Server> =>
    k === 'parley' ? startParley({ DATABASE_URL: dbs.parley! }, fdLimit) : startPeer(k, dbs[k]!, fdLimit)

  {
    const p = await startParley({ DATABASE_URL: dbs.parley! })
    try {
      const t0 = performance.now()
      tokens.parley = await createParleyVisitors(p.url, n)
      log(`idle: ${n} Parley visitors created over HTTP in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    } finally {
      await p.stop()
    }
  }
  if (KINDS.includes('sio')) tokens.sio = await seedPeerVisitors(dbs.sio!, n)
  if (KINDS.includes('bun')) tokens.bun = await seedPeerVisitors(dbs.bun!, n)

  for (let run = 0; run < o.runs; run++) {
    for (const k of KINDS) {
      const server = await start(k)
      cluster.pin(SERVER_CPUS)
      await settle(server.pid, 3_000)
      const rest = rssBytes(server.pid)
      const cfgFile = join(dir, `${k}-${run}.json`)
      writeFileSync(
        cfgFile,
        JSON.stringify({ kind: k, url: server.url, tokens: tokens[k], n, warm: Math.min(200, Math.ceil(n / 10)), concurrency: 64, sources: o.sources, deadlineMs: 180_000 }),
      )
      const load = spawnChild(pinned(LOAD_CPUS, [NODE, join(ROOT, 'scripts/bench/idle-load.mjs'), cfgFile]), { fdLimit })
      const r = results[k]
      try {
        await load.waitLine((l) => l.includes('"ready"'), 10_000)
        load.proc.stdin.write('warm\n')
        await load.proc.stdin.flush()
        const warmed = JSON.parse(await load.waitLine((l) => l.includes('"warmed"'), 60_000))
        if (warmed.failed) r.failures.push(`warm-up: ${warmed.failed} failed (${warmed.firstError})`)
        await settle(server.pid, 3_000)
        const before = rssBytes(server.pid)
        // CPU is the steadier reading on a shared machine: accepts per second move with whatever
        // else the host does in those seconds, the work an accept costs does not.
        const pgCpu = () => cluster.pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0)
        const cpu0 = cpuSeconds(server.pid)
        const pg0 = pgCpu()
        load.proc.stdin.write('go\n')
        await load.proc.stdin.flush()
        const opened = JSON.parse(await load.waitLine((l) => l.includes('"open"'), 170_000))
        const serverCpu = cpuSeconds(server.pid) - cpu0
        const allCpu = serverCpu + pgCpu() - pg0
        const settled = await settle(server.pid, 20_000)
        const after = await quietRss(server.pid)
        r.opened.push(opened.opened)
        r.restRss.push(rest)
        r.baselineRss.push(before)
        r.bytesPerConnection.push(opened.opened ? (after - before) / opened.opened : NaN)
        r.acceptsPerSecond.push(opened.opened / opened.seconds)
        r.cpuPerAccept.push(opened.opened ? serverCpu / opened.opened : NaN)
        r.cpuPerAcceptWithPg.push(opened.opened ? allCpu / opened.opened : NaN)
        if (opened.failed) r.failures.push(`run ${run + 1}: ${opened.failed} failed (${opened.firstError})`)
        log(
          `idle run ${run + 1}/${o.runs} ${LABEL[k]}: ${opened.opened} open in ${opened.seconds.toFixed(1)} s, ` +
            `CPU ${((serverCpu / opened.opened) * 1e6).toFixed(0)} µs per accept (${((allCpu / opened.opened) * 1e6).toFixed(0)} with PostgreSQL), ` +
            `RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB, ${((after - before) / opened.opened / 1024).toFixed(1)} KiB/conn ` +
            `(settled ${(settled / 1000).toFixed(0)} s after the last accept)`,
        )
        load.proc.stdin.write('close\n')
        await load.proc.stdin.flush()
        await load.waitLine((l) => l.includes('"closed"'), 20_000).catch(() => {})
      } finally {
        await load.stop('SIGKILL', 1000)
        await server.stop()
      }
    }
  }
  return { results: KINDS.map((k) => results[k]), limitNote }
}
