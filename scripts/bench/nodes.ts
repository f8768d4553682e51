// Several Parley nodes on one PostgreSQL against one node, in the same run: the persisted chat
// path of chat.ts (the same visitors, agents, ladder of rates and p99 limit), once with every
// socket on one node and once with visitors and agents spread over N nodes, so most messages
// reach their agents through the cluster relay (a NOTIFY, then a read by each other node).
// Every node is pinned to the same server core as the single node: on this machine the ratio
// says what spreading costs on the same CPU, not what more machines would add. Per run: one node
// alone (started fresh, so it has no peers to tell), then the others join; each run stops them all.
import { join } from 'node:path'
import { SERVER_CPUS, log, tempDir, type Cluster } from './lib.ts'
import type { ChatLoadConfig, StepResult } from './chat-load.ts'
import { LADDER, runChatLoad } from './chat.ts'
import { checkStored, createParleyVisitors, parleyAgentCookies, startParley, type Server } from './servers.ts'

export interface NodesOptions {
  nodes: number
  visitors: number
  agents: number
  rates: number[]
  /** The rate at which each layout's CPU per message is reported. */
  cpuRate: number
  stepSeconds: number
  warmupSeconds: number
  runs: number
  p99LimitMs: number
}

export interface LayoutResult {
  nodes: number
  /** Per run: the highest rate sustained (p99 ≤ limit, all acked and delivered, offered rate met). */
  maxSustained: number[]
  /** Per run, at cpuRate: the nodes' and PostgreSQL's CPU-milliseconds per message, and p99. */
  serverCpuMsPerMsg: number[]
  dbCpuMsPerMsg: number[]
  p99: number[]
}

export interface NodesResult {
  one: LayoutResult
  many: LayoutResult
  acked: number
  stored: number
  duplicates: number
}

export async function runNodes(cluster: Cluster, o: NodesOptions): Promise<NodesResult> {
  const dir = tempDir('nodes')
  const db = await cluster.createDatabase('bench_nodes')
  const one: LayoutResult = { nodes: 1, maxSustained: [], serverCpuMsPerMsg: [], dbCpuMsPerMsg: [], p99: [] }
  const many: LayoutResult = { nodes: o.nodes, maxSustained: [], serverCpuMsPerMsg: [], dbCpuMsPerMsg: [], p99: [] }
  const ackedByTag = new Map<string, string[]>()
  let servers: Server[] = []
  const stopAll = async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => {})))
    servers = []
  }
  try {
    // Visitors and agents' sessions live in the database: made once, good on every node.
    servers.push(await startParley({ DATABASE_URL: db }))
    const tokens = await createParleyVisitors(servers[0]!.url, o.visitors)
    const cookies = await parleyAgentCookies(servers[0]!.url, o.agents)
    await stopAll()
    cluster.pin(SERVER_CPUS)
    const runTag = Math.random().toString(36).slice(2, 8)
    for (let run = 0; run < o.runs; run++) {
      servers.push(await startParley({ DATABASE_URL: db }))
      for (const layout of [one, many]) {
        while (servers.length < layout.nodes) servers.push(await startParley({ DATABASE_URL: db }))
        const tag = `n${runTag}${run}x${layout.nodes}`
        const ackedFile = join(dir, `${tag}.acked`)
        const cfg: ChatLoadConfig = {
          kind: 'parley',
          url: servers[0]!.url,
          urls: servers.map((s) => s.url),
          serverPid: servers[0]!.pid,
          serverPids: servers.map((s) => s.pid),
          visitorTokens: tokens,
          agentCookies: cookies,
          rates: o.rates,
          stepSeconds: o.stepSeconds,
          // Longer than chat.ts's: three pools grow to their working size, and every new
          // connection's backend starts cold (catalog caches, prepared statements planned again).
          warmupSeconds: Math.max(o.warmupSeconds, 5),
          ...LADDER,
          p99LimitMs: o.p99LimitMs,
          tag,
          ackedFile,
          postmasterPid: cluster.postmasterPid,
          serverCpu: SERVER_CPUS === null ? null : Number(SERVER_CPUS),
        }
        const { res, acked } = await runChatLoad(dir, cfg)
        ackedByTag.set(tag, acked)
        const sustained = res.steps.filter((s) => s.sustained).map((s) => s.rate)
        layout.maxSustained.push(sustained.length ? Math.max(...sustained) : 0)
        const tries = res.steps.filter((x) => x.rate === o.cpuRate)
        const at: StepResult | undefined = tries.find((x) => x.sustained) ?? tries[tries.length - 1]
        if (at && at.sent > 0) {
          layout.serverCpuMsPerMsg.push((at.serverCpu * 1000) / at.sent)
          layout.dbCpuMsPerMsg.push((at.dbCpu * 1000) / at.sent)
          layout.p99.push(at.p99)
        }
        log(
          `nodes run ${run + 1}/${o.runs}, ${layout.nodes} node${layout.nodes > 1 ? 's' : ''}: ` +
            res.steps.map((s) => `${s.rate}/s p99 ${Number.isFinite(s.p99) ? s.p99.toFixed(1) : `∞ (${s.delivered} of ${s.expected} copies)`} ms${s.sustained ? '' : ' ✗'}`).join(' · ') +
            (res.closed ? ` · ${res.closed} sockets closed by the server` : ''),
        )
      }
      await stopAll()
    }
    // Every acked message must be in the database, once.
    let acked = 0
    let stored = 0
    let duplicates = 0
    for (const [tag, ids] of ackedByTag) {
      const c = await checkStored(db, ids, tag)
      acked += ids.length
      stored += c.found
      duplicates += c.duplicates
    }
    return { one, many, acked, stored, duplicates }
  } finally {
    await stopAll()
  }
}
