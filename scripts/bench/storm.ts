// Restart storm: N widget sockets connected, the server stopped gracefully (SIGTERM) and started
// again on the same port and database; how long until all N are back (hello again), for Parley and
// the peers, each restarted the same way. Then every widget sends one message: all acked, all
// stored once; and for Parley, every visitor counts online again (its presence rows).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { LOAD_CPUS, NODE, ROOT, SERVER_CPUS, log, pinned, spawnChild, tempDir, type Cluster } from './lib.ts'
import { KINDS as ALL_KINDS, LABEL, checkStored, createParleyVisitors, seedPeerVisitors, startParley, startPeer, type Kind, type Server } from './servers.ts'

export interface StormOptions {
  connections: number
  runs: number
  kinds?: Kind[]
}

export interface StormServerResult {
  kind: Kind
  label: string
  /** Per run: seconds from SIGTERM to the last of the N sockets greeted by the new process. */
  allBackSeconds: number[]
  /** Per run: how long the stop and the start took (the part of the above no client can shorten). */
  restartSeconds: number[]
  /** Per run: of that, the stop (SIGTERM → exit). */
  stopSeconds: number[]
  /** Per run: reconnect attempts that failed (refused while the server was down, or cut). */
  failedAttempts: number[]
  /** Per run: closes that carried a restart hint (1012 with a window). */
  hinted: number[]
  back: number[]
  acked: number[]
  stored: number[]
  duplicates: number[]
  /** Parley only, per run: visitors counted online once all were back. */
  online: number[]
  failures: string[]
}

export async function runStorm(cluster: Cluster, o: StormOptions): Promise<StormServerResult[]> {
  const KINDS = o.kinds ?? ALL_KINDS
  const n = o.connections
  const fdLimit = n + 1024
  const dir = tempDir('storm')
  const dbs: Partial<Record<Kind, string>> = {}
  const tokens: Partial<Record<Kind, string[]>> = {}
  for (const k of KINDS) dbs[k] = await cluster.createDatabase(`bench_storm_${k}`)
  if (KINDS.includes('parley')) {
    const p = await startParley({ DATABASE_URL: dbs.parley! })
    try {
      const t0 = performance.now()
      tokens.parley = await createParleyVisitors(p.url, n)
      log(`storm: ${n} Parley visitors created over HTTP in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    } finally {
      await p.stop()
    }
  }
  for (const k of KINDS) if (k !== 'parley') tokens[k] = await seedPeerVisitors(dbs[k]!, n)

  const results = KINDS.map(
    (k): StormServerResult => ({
      kind: k, label: LABEL[k], allBackSeconds: [], restartSeconds: [], stopSeconds: [], failedAttempts: [], hinted: [], back: [], acked: [], stored: [], duplicates: [], online: [], failures: [],
    }),
  )
  const start = (k: Kind, port = 0): Promise<Server> =>
    k === 'parley' ? startParley({ DATABASE_URL: dbs.parley! }, fdLimit, [], undefined, port) : startPeer(k as Exclude<Kind, 'parley'>, dbs[k]!, fdLimit, port)

  for (let run = 0; run < o.runs; run++) {
    for (const [i, k] of KINDS.entries()) {
      const r = results[i]!
      let server = await start(k)
      cluster.pin(SERVER_CPUS)
      const port = Number(new URL(server.url).port)
      const cfgFile = join(dir, `${k}-${run}.json`)
      writeFileSync(cfgFile, JSON.stringify({ kind: k, url: server.url, tokens: tokens[k], n, concurrency: 128, deadlineMs: 300_000 }))
      const load = spawnChild(pinned(LOAD_CPUS, [NODE, join(ROOT, 'scripts/bench/storm-load.mjs'), cfgFile]), { fdLimit })
      try {
        await load.waitLine((l) => l.includes('"ready"'), 10_000)
        load.proc.stdin.write('open\n')
        await load.proc.stdin.flush()
        const opened = JSON.parse(await load.waitLine((l) => l.includes('"open"'), 200_000))
        if (opened.opened < n) r.failures.push(`run ${run + 1}: only ${opened.opened} of ${n} opened before the restart`)
        await Bun.sleep(2000) // the accepts' own work (presence rows) is done
        load.proc.stdin.write('watch\n')
        await load.proc.stdin.flush()
        await load.waitLine((l) => l.includes('"watching"'), 10_000)
        const t0 = performance.now()
        await server.stop()
        const stopped = (performance.now() - t0) / 1000
        server = await start(k, port)
        cluster.pin(SERVER_CPUS)
        const restart = (performance.now() - t0) / 1000
        const back = JSON.parse(await load.waitLine((l) => l.includes('"back"') || l.includes('"deadline"'), 240_000))
        if (back.phase !== 'back') throw new Error(`${LABEL[k]}: not all sockets came back within the deadline`)
        const tag = `s${Math.random().toString(36).slice(2, 8)}${run}${k}`
        load.proc.stdin.write(`send ${tag}\n`)
        await load.proc.stdin.flush()
        const sent = JSON.parse(await load.waitLine((l) => l.includes('"sent"'), 120_000))
        const stored = await checkStored(dbs[k]!, Array.from({ length: n }, (_, j) => `${tag}.${j}`), tag)
        r.allBackSeconds.push(back.seconds)
        r.restartSeconds.push(restart)
        r.stopSeconds.push(stopped)
        r.failedAttempts.push(back.failedAttempts)
        r.hinted.push(back.hinted)
        r.back.push(back.back)
        r.acked.push(sent.acked)
        r.stored.push(stored.found)
        r.duplicates.push(stored.duplicates)
        if (k === 'parley') r.online.push(await onlineVisitors(dbs.parley!))
        log(
          `storm run ${run + 1}/${o.runs} ${LABEL[k]}: ${back.back}/${n} back ${back.seconds.toFixed(1)} s after SIGTERM ` +
            `(stop ${stopped.toFixed(1)} s + start ${(restart - stopped).toFixed(1)} s; ${back.hinted} closes with a hint, ${back.failedAttempts} failed attempts); ` +
            `${sent.acked} acked, ${stored.found} stored, ${stored.duplicates} doubled` +
            (k === 'parley' ? `; ${r.online[r.online.length - 1]} visitors online` : '') +
            (Object.keys(back.errors ?? {}).length ? `; failures: ${JSON.stringify(back.errors)}` : ''),
        )
        load.proc.stdin.write('close\n')
        await load.proc.stdin.flush()
        await load.waitLine((l) => l.includes('"closed"'), 20_000).catch(() => {})
      } catch (e) {
        r.failures.push(`run ${run + 1}: ${e instanceof Error ? e.message : String(e)}`)
        log(`storm run ${run + 1}/${o.runs} ${LABEL[k]} failed: ${e instanceof Error ? e.message : String(e)}`)
      } finally {
        await load.stop('SIGKILL', 1000)
        await server.stop()
      }
    }
  }
  return results
}

/** Visitors with a connection on a live Parley process (the dashboards' "online"). */
async function onlineVisitors(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const [r] = await sql<{ n: number }[]>`
      select count(distinct vc.visitor_id)::int as n from visitor_connections vc join server_nodes s on s.id = vc.node_id
      where vc.connections > 0 and s.heartbeat_at > now() - interval '30 seconds'`
    return r?.n ?? 0
  } finally {
    await sql.end()
  }
}
