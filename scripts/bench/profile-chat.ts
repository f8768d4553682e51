// Profiles Parley on the chat path: runs it with Bun's sampling CPU profiler (--cpu-prof-md) under
// the chat load at one fixed rate, counts the SQL statements PostgreSQL ran per message, and lists
// the statements that took PostgreSQL longest (pg_stat_statements).
//   bun scripts/bench/profile-chat.ts [--rate=500] [--seconds=5] [--main=server/main.ts] [--nodes=N]
// --nodes=3 starts two more Parley nodes on the same database (without the profiler) and spreads
// the visitors and agents over all three, as scripts/bench/nodes.ts does.
// --main lets the lead profile a scratch copy of the server (e.g. /tmp/scratch/server/main.ts).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import postgres from 'postgres'
import { BUN, DB_CPUS, LOAD_CPUS, ROOT, SERVER_CPUS, cleanupAll, log, pinPid, pinned, spawnChild, startCluster, tempDir, option, dbCounters } from './lib.ts'
import { createParleyVisitors, parleyAgentCookies, startParley } from './servers.ts'
import type { ChatLoadConfig, ChatLoadResult } from './chat-load.ts'

const rate = Number(option('rate') ?? '500')
const seconds = Number(option('seconds') ?? '5')
const main = option('main') ?? ''
const nodeCount = Math.max(1, Number(option('nodes') ?? '1'))
// --pg-cpu=1 moves PostgreSQL off the server core, so the profile shows Parley's own work only.
pinPid(process.pid, LOAD_CPUS)

try {
  const cluster = await startCluster('profile', ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_planning=on'])
  cluster.pin(DB_CPUS)
  const db = await cluster.createDatabase('bench_profile')
  const profDir = tempDir('prof')
  mkdirSync(profDir, { recursive: true })
  const server = await startParley({ DATABASE_URL: db }, 0, ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${profDir}`], main || undefined)
  const tokens = await createParleyVisitors(server.url, 200)
  const cookies = await parleyAgentCookies(server.url, 4)
  const others = []
  for (let i = 1; i < nodeCount; i++) others.push(await startParley({ DATABASE_URL: db }, 0, [], main || undefined))
  cluster.pin(DB_CPUS)
  const sql = postgres(cluster.url('bench_profile'), { max: 1, onnotice: () => {} })
  const stat = () => dbCounters(sql, 'bench_profile')
  const dir = tempDir('profile-load')
  const cfg: ChatLoadConfig = {
    kind: 'parley', url: server.url, urls: [server, ...others].map((s) => s.url), serverPids: [server, ...others].map((s) => s.pid), visitorTokens: tokens, agentCookies: cookies, rates: [rate], stepSeconds: seconds,
    warmupSeconds: 1, graceMs: 3000, p99LimitMs: 50, stopAfterFailures: 1, attemptsPerStep: 1, tag: 'prof', ackedFile: join(dir, 'acked'),
    serverPid: server.pid, postmasterPid: cluster.postmasterPid, serverCpu: SERVER_CPUS === null ? null : Number(SERVER_CPUS), deadlineMs: 120_000,
  }
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg))
  await sql`create extension if not exists pg_stat_statements`
  await sql`select pg_stat_statements_reset()`
  await sql`select pg_stat_reset()`
  const s0 = await stat()
  const load = spawnChild(pinned(LOAD_CPUS, [BUN, join(ROOT, 'scripts/bench/chat-load.ts'), join(dir, 'cfg.json')]))
  const res = JSON.parse(await load.waitLine((l) => l.startsWith('{'), 150_000)) as ChatLoadResult
  await Bun.sleep(200)
  const s1 = await stat()
  const top = await sql<{ calls: string; plans: string; execMs: string; planMs: string; q: string }[]>`
    select calls::text, plans::text, round(total_exec_time::numeric, 1)::text as "execMs", round(total_plan_time::numeric, 1)::text as "planMs",
      left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 100) as q
    from pg_stat_statements order by total_exec_time desc limit 12`
  // Which tables the path reads and writes, how many updates were HOT, and whether autovacuum or
  // autoanalyze ran (each invalidates the cached plans of the statements on that table).
  const tables = await sql<{ t: string; seq: string; seqRows: string; idx: string; idxRows: string; ins: string; upd: string; hot: string; vac: string; an: string }[]>`
    select relname as t, seq_scan::text as seq, seq_tup_read::text as "seqRows", coalesce(idx_scan, 0)::text as idx,
      coalesce(idx_tup_fetch, 0)::text as "idxRows", n_tup_ins::text as ins, n_tup_upd::text as upd, n_tup_hot_upd::text as hot,
      autovacuum_count::text as vac, autoanalyze_count::text as an
    from pg_stat_user_tables where seq_scan + coalesce(idx_scan, 0) + n_tup_ins + n_tup_upd > 0
    order by seq_tup_read + coalesce(idx_tup_fetch, 0) + n_tup_ins + n_tup_upd desc limit 12`
  await sql.end()
  await Promise.all([server, ...others].map((s) => s.stop()))
  const step = res.steps[0]!
  const msgs = res.sent
  // A copy that never arrived makes a percentile infinite, which JSON carries as null.
  const ms = (x: number | null) => (x === null ? 'never (copies missing)' : `${x.toFixed(1)} ms`)
  console.log(`rate ${rate}/s for ${seconds} s: ${step.delivered} of ${step.expected} agents' copies, p50 ${ms(step.p50)}, p99 ${ms(step.p99)}, ` +
    `${(step.sent / step.serverCpu).toFixed(0)} msg per Parley CPU-s, ${(step.sent / (step.serverCpu + step.dbCpu)).toFixed(0)} incl. PostgreSQL`)
  const per = (a: string, b: string) => ((Number(b) - Number(a)) / msgs).toFixed(2)
  console.log(`per message (all ${msgs} sent, warm-up included): ${per(s0.xact, s1.xact)} commits, ` +
    `${per(s0.ins, s1.ins)} rows inserted, ${per(s0.upd, s1.upd)} rows updated, ${per(s0.sel, s1.sel)} rows read`)
  console.log('statements by PostgreSQL time (calls, plans, exec ms, plan ms, text):')
  for (const r of top) console.log(`  ${r.calls}\t${r.plans}\t${r.execMs}\t${r.planMs}\t${r.q}`)
  console.log('tables (seq scans, rows they read, index scans, rows fetched, inserted, updated, of them HOT, autovacuums, autoanalyzes):')
  for (const t of tables) console.log(`  ${t.t}\t${t.seq}\t${t.seqRows}\t${t.idx}\t${t.idxRows}\t${t.ins}\t${t.upd}\t${t.hot}\t${t.vac}\t${t.an}`)
  const md = readdirSync(profDir).find((f) => f.endsWith('.md'))
  if (md) {
    const text = readFileSync(join(profDir, md), 'utf8')
    const out = join(tmpdir(), `parley-profile-${Date.now()}.md`)
    writeFileSync(out, text)
    console.log(`CPU profile (markdown): ${out}`)
    console.log(text.split('\n').slice(0, 80).join('\n'))
  } else log('no CPU profile was written')
} finally {
  await cleanupAll()
}
