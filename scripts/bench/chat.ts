// Persisted chat path: K visitors, M agent dashboards; every visitor message committed, acked and
// delivered to every agent. The four servers run side by side on one PostgreSQL cluster (one
// database each) and are loaded one at a time, in turns, so drift hits them alike.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUN, LOAD_CPUS, ROOT, SERVER_CPUS, log, median, pinned, spawnChild, tempDir, type Cluster } from './lib.ts'
import type { ChatLoadConfig, ChatLoadResult, StepResult } from './chat-load.ts'
import {
  CHAT_KINDS as ALL_KINDS,
  LABEL,
  checkStored,
  createParleyVisitors,
  parleyAgentCookies,
  seedPeerVisitors,
  startParley,
  startPeer,
  type Kind,
  type Server,
} from './servers.ts'

export interface ChatOptions {
  visitors: number
  agents: number
  rates: number[]
  /** Rates at which p50/p99 are reported side by side (each must be in `rates`). */
  fixedRates: number[]
  stepSeconds: number
  warmupSeconds: number
  runs: number
  p99LimitMs: number
  /** Which servers to load (default: all four); fewer for an A/B of Parley alone. */
  kinds?: Kind[]
  /** Another copy of Parley's entry file (an A/B against a worktree); default BENCH_PARLEY_MAIN. */
  parleyMain?: string
}

export interface ChatServerResult {
  kind: Kind
  label: string
  /** Per run: the highest rate sustained (p99 ≤ limit, all acked and delivered, offered rate met). */
  maxSustained: number[]
  /** Per fixed rate, per run. */
  fixed: Record<number, { p50: number[]; p99: number[]; perCpu: number[]; perCpuWithDb: number[] }>
  runs: ChatLoadResult[]
  acked: number
  stored: number
  duplicates: number
  rowsForTag: number
  loadCpuMax: number
  /** Largest share of the server core other programs took during a sustained step. */
  foreignMax: number
}

export async function runChat(cluster: Cluster, o: ChatOptions): Promise<ChatServerResult[]> {
  const KINDS = o.kinds ?? ALL_KINDS
  const dir = tempDir('chat')
  const dbs: Record<Kind, string> = {
    parley: await cluster.createDatabase('bench_parley'),
    sio: await cluster.createDatabase('bench_sio'),
    bun: await cluster.createDatabase('bench_bun'),
    batched: await cluster.createDatabase('bench_bun_batched'),
  }
  const servers = {} as Record<Kind, Server>
  const tokens = {} as Record<Kind, string[]>
  let cookies: string[] = []
  try {
    servers.parley = await startParley({ DATABASE_URL: dbs.parley }, 0, [], o.parleyMain)
    tokens.parley = await createParleyVisitors(servers.parley.url, o.visitors)
    cookies = await parleyAgentCookies(servers.parley.url, o.agents)
    for (const k of (['sio', 'bun', 'batched'] as const).filter((x) => KINDS.includes(x))) {
      servers[k] = await startPeer(k, dbs[k])
      tokens[k] = await seedPeerVisitors(dbs[k], o.visitors)
    }
    if (servers.sio) await officialClientCheck(servers.sio.url, tokens.sio[0]!)
    cluster.pin(SERVER_CPUS)
    const results = {} as Record<Kind, ChatServerResult>
    const tags = {} as Record<Kind, string[]>
    const ackedIds = {} as Record<Kind, string[]>
    for (const k of KINDS) {
      const fixed: ChatServerResult['fixed'] = {}
      for (const r of o.fixedRates) fixed[r] = { p50: [], p99: [], perCpu: [], perCpuWithDb: [] }
      results[k] = { kind: k, label: LABEL[k], maxSustained: [], fixed, runs: [], acked: 0, stored: 0, duplicates: 0, rowsForTag: 0, loadCpuMax: 0, foreignMax: 0 }
      tags[k] = []
      ackedIds[k] = []
    }
    const runTag = Math.random().toString(36).slice(2, 8)
    for (let run = 0; run < o.runs; run++) {
      for (const k of KINDS) {
        const tag = `b${runTag}${run}${k}`
        tags[k].push(tag)
        const ackedFile = join(dir, `${tag}.acked`)
        const cfg: ChatLoadConfig = {
          kind: k,
          url: servers[k].url,
          visitorTokens: tokens[k],
          agentCookies: k === 'parley' ? cookies : Array.from({ length: o.agents }, () => ''),
          rates: o.rates,
          stepSeconds: o.stepSeconds,
          warmupSeconds: o.warmupSeconds,
          ...LADDER,
          p99LimitMs: o.p99LimitMs,
          tag,
          ackedFile,
          serverPid: servers[k].pid,
          postmasterPid: cluster.postmasterPid,
          serverCpu: SERVER_CPUS === null ? null : Number(SERVER_CPUS),
        }
        const { res, acked } = await runChatLoad(dir, cfg)
        const r = results[k]
        r.runs.push(res)
        r.acked += res.acked
        ackedIds[k].push(...acked)
        const sustained = res.steps.filter((s) => s.sustained).map((s) => s.rate)
        r.maxSustained.push(sustained.length ? Math.max(...sustained) : 0)
        for (const fr of o.fixedRates) {
          // The attempt that passed, else the last one.
          const tries = res.steps.filter((x) => x.rate === fr)
          const s: StepResult | undefined = tries.find((x) => x.sustained) ?? tries[tries.length - 1]
          if (!s) continue
          r.fixed[fr]!.p50.push(s.p50)
          r.fixed[fr]!.p99.push(s.p99)
          r.fixed[fr]!.perCpu.push(s.serverCpu > 0 ? s.sent / s.serverCpu : NaN)
          r.fixed[fr]!.perCpuWithDb.push(s.serverCpu + s.dbCpu > 0 ? s.sent / (s.serverCpu + s.dbCpu) : NaN)
        }
        r.loadCpuMax = Math.max(r.loadCpuMax, ...res.steps.map((s) => s.loadCpuShare))
        r.foreignMax = Math.max(r.foreignMax, ...res.steps.filter((s) => s.rate <= o.fixedRates[0]!).map((s) => s.foreignShare))
        log(
          `chat run ${run + 1}/${o.runs} ${LABEL[k]}: ` +
            res.steps.map((s) => `${s.rate}/s${s.attempt > 1 ? ' (again)' : ''} p50 ${ms(s.p50)} p99 ${ms(s.p99)} ms${s.sustained ? '' : ' ✗'}`).join(' · '),
        )
      }
    }
    // Every acked message must be in the database, once.
    for (const k of KINDS) {
      const r = results[k]
      let found = 0
      let dup = 0
      let rows = 0
      for (const tag of tags[k]) {
        const ids = ackedIds[k].filter((id) => id.startsWith(tag + '.'))
        const c = await checkStored(dbs[k], ids, tag)
        found += c.found
        dup += c.duplicates
        rows += c.rows
      }
      r.stored = found
      r.duplicates = dup
      r.rowsForTag = rows
    }
    return KINDS.map((k) => results[k])
  } finally {
    for (const s of Object.values(servers)) await s.stop().catch(() => {})
  }
}

/** How every ladder runs: a failed step is tried once more, then the ladder stops. */
export const LADDER = { graceMs: 2000, stopAfterFailures: 1, attemptsPerStep: 2, deadlineMs: 120_000 } as const

/** Runs chat-load.ts once with `cfg` on the load cores: its result, and the client ids it saw acked. */
export async function runChatLoad(dir: string, cfg: ChatLoadConfig): Promise<{ res: ChatLoadResult; acked: string[] }> {
  const cfgFile = join(dir, `${cfg.tag}.json`)
  writeFileSync(cfgFile, JSON.stringify(cfg))
  const load = spawnChild(pinned(LOAD_CPUS, [BUN, join(ROOT, 'scripts/bench/chat-load.ts'), cfgFile]))
  const line = await load.waitLine((l) => l.startsWith('{'), 150_000)
  await load.proc.exited
  return { res: JSON.parse(line) as ChatLoadResult, acked: readFileSync(cfg.ackedFile, 'utf8').split('\n').filter(Boolean) }
}

/** A latency for the log; a copy that never arrived makes it infinite (null once through JSON). */
const ms = (x: number | null) => (x === null || !Number.isFinite(x) ? '∞' : x.toFixed(1))

export const medianOf = (xs: number[]) => median(xs)

/**
 * The load generator speaks Socket.IO's wire protocol itself (as it speaks Parley's), so every
 * server gets the same client; first, the official socket.io-client proves the peer's path works
 * the way a real client uses it (connect with auth, emit with an ack, the agents' room receives).
 */
async function officialClientCheck(url: string, token: string): Promise<void> {
  const { io } = await import('socket.io-client')
  const agent = io(url, { transports: ['websocket'], auth: { role: 'agent' }, reconnection: false })
  const visitor = io(url, { transports: ['websocket'], auth: { role: 'visitor', token }, reconnection: false })
  try {
    const received = new Promise<void>((resolve) => agent.on('message', (m: { clientId?: string }) => m.clientId === 'official-check' && resolve()))
    await Promise.all([new Promise((r) => agent.on('hello', r)), new Promise((r) => visitor.on('hello', r))])
    const ack = (await visitor.timeout(10_000).emitWithAck('message.send', { clientId: 'official-check', body: 'hello' })) as { clientId?: string }
    if (ack.clientId !== 'official-check') throw new Error(`unexpected ack ${JSON.stringify(ack)}`)
    await Promise.race([received, Bun.sleep(10_000).then(() => Promise.reject(new Error('agent did not receive the message')))])
  } finally {
    agent.close()
    visitor.close()
  }
}
