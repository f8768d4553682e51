// Profiles Parley's accept path: a burst of N widget sockets (the idle bench's load generator),
// with Bun's sampling CPU profiler (--cpu-prof-md) on the server. Prints accepts per second,
// what PostgreSQL did per accept (commits, statements, rows) and the statements that took it
// longest (pg_stat_statements); then closes every socket at once and prints how long until every
// count was down, Parley's CPU and the statements per close; then the top of the CPU profile
// (--prof=0: no profiler).
//   bun scripts/bench/profile-accept.ts [--n=2000] [--prof=0] [--main=server/main.ts] [--second=1]
// --second=1 runs a second Parley on the same database, which hears the burst through the
// cluster relay (its statements show in the lists).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import postgres from 'postgres'
import { LOAD_CPUS, NODE, ROOT, SERVER_CPUS, cleanupAll, cpuSeconds, log, pinPid, pinned, spawnChild, startCluster, tempDir, option, dbCounters } from './lib.ts'
import { createParleyVisitors, startParley } from './servers.ts'

const n = Number(option('n') ?? '2000')
const main = option('main') ?? ''
const prof = (option('prof') ?? '1') === '1'
// The idle benchmark starts a fresh server on the same database once per run: --rounds repeats
// start → burst → stop that way (with --pause seconds between, as the peers' runs leave).
const rounds = Number(option('rounds') ?? '1')
const pauseMs = Number(option('pause') ?? '0') * 1000
const second = option('second') === '1'
pinPid(process.pid, LOAD_CPUS)

try {
  const cluster = await startCluster('profile-accept', ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_planning=on'])
  const db = await cluster.createDatabase('bench_accept')
  const profDir = tempDir('prof')
  mkdirSync(profDir, { recursive: true })
  const fdLimit = n + 1024
  // The visitors are made by an unprofiled process, so the profile holds the accepts only.
  const maker = await startParley({ DATABASE_URL: db }, 0, [], main || undefined)
  const tokens = await createParleyVisitors(maker.url, n)
  await maker.stop()
  const sql = postgres(cluster.url('bench_accept'), { max: 1, onnotice: () => {} })
  await sql`create extension if not exists pg_stat_statements`
  const stat = () => dbCounters(sql, 'bench_accept')
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) await Bun.sleep(pauseMs)
    if (rounds > 1) console.log(`round ${round} of ${rounds}`)
    const server = await startParley({ DATABASE_URL: db }, fdLimit, prof ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${profDir}`] : [], main || undefined)
    const other = second ? await startParley({ DATABASE_URL: db }, 0, [], main || undefined) : null
    if (other) pinPid(other.pid, SERVER_CPUS)
    cluster.pin(SERVER_CPUS)
    const dir = tempDir('profile-accept')
    const cfgFile = join(dir, 'cfg.json')
    writeFileSync(cfgFile, JSON.stringify({ kind: 'parley', url: server.url, tokens, n, warm: Math.min(200, Math.ceil(n / 10)), concurrency: 64, sources: ['127.0.0.1'], deadlineMs: 180_000 }))
    const load = spawnChild(pinned(LOAD_CPUS, [NODE, join(ROOT, 'scripts/bench/idle-load.mjs'), cfgFile]), { fdLimit })
    await load.waitLine((l) => l.includes('"ready"'), 10_000)
    load.proc.stdin.write('warm\n')
    await load.proc.stdin.flush()
    await load.waitLine((l) => l.includes('"warmed"'), 60_000)
    await Bun.sleep(1500)
    await sql`select pg_stat_statements_reset()`
    const s0 = await stat()
    const cpu0 = cpuSeconds(server.pid)
    const pg0 = cpuSeconds(cluster.postmasterPid)
    const all0 = cluster.cpuSeconds()
    load.proc.stdin.write('go\n')
    await load.proc.stdin.flush()
    const opened = JSON.parse(await load.waitLine((l) => l.includes('"open"'), 170_000))
    // The accepts' deferred work (presence rows) finishes after the last hello.
    await Bun.sleep(2000)
    const s1 = await stat()
    const cpu1 = cpuSeconds(server.pid)
    const all1 = cluster.cpuSeconds()
    const top = await sql<{ calls: string; rows: string; execMs: string; q: string }[]>`
      select calls::text, rows::text, round(total_exec_time::numeric, 1)::text as "execMs",
        left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as q
      from pg_stat_statements where query not like '%pg_stat%' order by total_exec_time desc limit 10`
    const [calls] = await sql<{ n: string }[]>`select coalesce(sum(calls), 0)::text as n from pg_stat_statements where query not like '%pg_stat%'`
    // Then every socket closes at once (a proxy restarted, a network dropped): until the counts
    // are all down, what that cost.
    await sql`select pg_stat_statements_reset()`
    const c0 = await stat()
    const closeCpu0 = cpuSeconds(server.pid)
    const closeAt = performance.now()
    load.proc.stdin.write('close\n')
    await load.proc.stdin.flush()
    await load.waitLine((l) => l.includes('"closed"'), 20_000).catch(() => {})
    const counted = async () => Number((await sql<{ n: string }[]>`select coalesce(sum(connections), 0)::text as n from visitor_connections`)[0]!.n)
    while ((await counted()) > 0 && performance.now() - closeAt < 120_000) await Bun.sleep(20)
    const closeSeconds = (performance.now() - closeAt) / 1000
    const closeCpu = cpuSeconds(server.pid) - closeCpu0
    // The second process relays the closes after they are stored.
    if (other) await Bun.sleep(2000)
    const c1 = await stat()
    const [closeCalls] = await sql<{ n: string }[]>`select coalesce(sum(calls), 0)::text as n from pg_stat_statements where query not like '%pg_stat%'`
    const closeTop = await sql<{ calls: string; rows: string; execMs: string; q: string }[]>`
      select calls::text, rows::text, round(total_exec_time::numeric, 1)::text as "execMs",
        left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as q
      from pg_stat_statements where query not like '%pg_stat%' order by calls desc limit 5`
    await load.stop('SIGKILL', 1000)
    await server.stop()
    await other?.stop()
    const k = opened.opened as number
    console.log(`${k} accepted in ${opened.seconds.toFixed(2)} s: ${(k / opened.seconds).toFixed(0)} accepts/s (${opened.failed} failed); ` +
      `Parley CPU ${((cpu1 - cpu0) * 1000 / k).toFixed(3)} ms, PostgreSQL ${((all1 - all0) * 1000 / k).toFixed(3)} ms per accept (postmaster itself ${(cpuSeconds(cluster.postmasterPid) - pg0).toFixed(2)} s)`)
    const per = (a: string, b: string) => ((Number(b) - Number(a)) / k).toFixed(3)
    console.log(`per accept: ${(Number(calls!.n) / k).toFixed(3)} statements, ${per(s0.xact, s1.xact)} commits, ` +
      `${per(s0.ins, s1.ins)} rows inserted, ${per(s0.upd, s1.upd)} rows updated, ${per(s0.sel, s1.sel)} rows read`)
    console.log('statements by PostgreSQL time (calls, rows, exec ms, text):')
    for (const r of top) console.log(`  ${r.calls}\t${r.rows}\t${r.execMs}\t${r.q}`)
    console.log(`${k} closed together: all counted down ${closeSeconds.toFixed(2)} s after the close; Parley CPU ${((closeCpu * 1000) / k).toFixed(3)} ms, ` +
      `${(Number(closeCalls!.n) / k).toFixed(3)} statements, ${per(c0.xact, c1.xact)} commits per close; the statements most called:`)
    for (const r of closeTop) console.log(`  ${r.calls}\t${r.rows}\t${r.execMs}\t${r.q}`)
  }
  await sql.end()
  const md = prof && readdirSync(profDir).find((f) => f.endsWith('.md'))
  if (md) {
    const text = readFileSync(join(profDir, md), 'utf8')
    const out = join(tmpdir(), `parley-accept-profile-${Date.now()}.md`)
    writeFileSync(out, text)
    console.log(`CPU profile (markdown): ${out}`)
    console.log(text.split('\n').slice(0, 60).join('\n'))
  }
} finally {
  await cleanupAll()
}
