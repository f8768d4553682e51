// The chat load generator (our own client, run on its own core): K visitor sockets and M agent
// sockets against one server (Parley, the raw Bun peer, or the Socket.IO peer). Messages are
// offered open-loop at each rate of a ladder; every agent's receipt of every message is timed
// from the moment the visitor's frame was sent. Prints one JSON line with the result.
// bun scripts/bench/chat-load.ts CONFIG.json
import { readFileSync, writeFileSync } from 'node:fs'
import { childrenOf, cpuSeconds, percentile } from './lib.ts'

export type ServerKind = 'parley' | 'bun' | 'sio' | 'batched'

export interface ChatLoadConfig {
  kind: ServerKind
  url: string
  visitorTokens: string[]
  /** Parley: session cookies of the agents' dashboards; peers: just how many. */
  agentCookies: string[]
  rates: number[]
  stepSeconds: number
  warmupSeconds: number
  graceMs: number
  p99LimitMs: number
  /** Stop the ladder after this many failed steps in a row. */
  stopAfterFailures: number
  /** Attempts at one rate before it counts as failed (a retry filters out one stall). */
  attemptsPerStep: number
  tag: string
  ackedFile: string
  serverPid: number
  /**
   * Several Parley nodes on one database (scripts/bench/nodes.ts): visitor i and agent i connect to
   * urls[i % n], and the server CPU is summed over serverPids. Default: [url] and [serverPid].
   */
  urls?: string[]
  serverPids?: number[]
  postmasterPid: number
  /** The server core (to measure other programs' use of it); null when not pinned. */
  serverCpu: number | null
  deadlineMs: number
}

export interface StepResult {
  rate: number
  sent: number
  achievedRate: number
  acked: number
  errors: number
  /** Receipts expected (sent × agents) and seen. */
  expected: number
  delivered: number
  p50: number
  p99: number
  max: number
  sustained: boolean
  /** 1, or 2 when the first attempt at this rate failed. */
  attempt: number
  serverCpu: number
  dbCpu: number
  loadCpuShare: number
  /** Share of the server core used by programs other than this server and its PostgreSQL. */
  foreignShare: number
}

export interface ChatLoadResult {
  kind: ServerKind
  steps: StepResult[]
  acked: number
  sent: number
  errors: number
  closed: number
}

const cfg: ChatLoadConfig = JSON.parse(readFileSync(process.argv[2]!, 'utf8'))
const hardStop = setTimeout(() => {
  console.error('chat-load: deadline reached')
  process.exit(3)
}, cfg.deadlineMs)
hardStop.unref?.()

const URLS = cfg.urls?.length ? cfg.urls : [cfg.url]
const SERVER_PIDS = cfg.serverPids?.length ? cfg.serverPids : [cfg.serverPid]
/** The node a visitor's or an agent's socket connects to. */
const nodeUrl = (index: number) => URLS[index % URLS.length]!
const serverCpuSeconds = () => SERVER_PIDS.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
const BODY = 'Hello! I ordered the blue jacket last week and it has not arrived yet, can you check?'
const CID = '"clientId":"'
const totalCap = Math.ceil(cfg.rates.reduce((s, r) => s + r * cfg.stepSeconds * 1.2, 0) + 1000 * (cfg.warmupSeconds + 1) + cfg.visitorTokens.length * 2)
const sentAt = new Float64Array(totalCap)
const stepOf = new Int16Array(totalCap).fill(-1)
const ackedIdx: number[] = []
let nextIndex = 0
let errors = 0
/** Sockets the server closed after greeting them, before the run ended. */
let closed = 0
let finished = false

interface Step {
  lat: Float64Array
  n: number
  acked: number
}
const steps: Step[] = []
const STEP_WARMUP = -2

function clientIdIndex(s: string, from = 0): number {
  const at = s.indexOf(CID, from)
  if (at < 0) return -1
  const start = at + CID.length
  const end = s.indexOf('"', start)
  const id = s.slice(start, end)
  const dot = id.lastIndexOf('.')
  if (id.slice(0, dot) !== cfg.tag) return -1
  return Number(id.slice(dot + 1))
}

function onAgentFrame(s: string, now: number): void {
  if (cfg.kind !== 'sio' && s.startsWith('{"type":"batch",')) {
    // Parley coalesces one turn's frames for the dashboards: every message frame inside counts.
    for (let at = s.indexOf(MESSAGE_FRAME); at >= 0; at = s.indexOf(MESSAGE_FRAME, at + 1)) onAgentMessage(s, at, now)
    return
  }
  const isMessage = cfg.kind === 'sio' ? s.startsWith('42["message"') : s.startsWith(MESSAGE_FRAME)
  if (isMessage) onAgentMessage(s, 0, now)
}

const MESSAGE_FRAME = '{"type":"message",'

function onAgentMessage(s: string, from: number, now: number): void {
  const i = clientIdIndex(s, from)
  if (i < 0) return
  const st = stepOf[i]!
  if (st < 0) return
  const step = steps[st]!
  if (step.n < step.lat.length) step.lat[step.n++] = now - sentAt[i]!
}

const conversationOf: (string | null)[] = cfg.visitorTokens.map(() => null)
let ackWaiters: (() => void)[] = []
let ackCount = 0

function onAck(v: number, s: string): void {
  const i = clientIdIndex(s)
  if (i < 0) return
  if (s.includes('"error"')) {
    errors++
    return
  }
  ackCount++
  ackedIdx.push(i)
  const st = stepOf[i]!
  if (st >= 0) steps[st]!.acked++
  if (!conversationOf[v]) {
    const m = /"conversationId":"([^"]+)"/.exec(s)
    if (m) conversationOf[v] = m[1]!
  }
  for (const w of ackWaiters.splice(0)) w()
}

interface Conn {
  ws: WebSocket
  send(frame: Record<string, unknown>): void
}

/** Opens a socket and resolves once the server's hello arrives. */
function connect(role: 'visitor' | 'agent', index: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    let url: string
    let headers: Record<string, string> = {}
    const wsBase = nodeUrl(index).replace(/^http/, 'ws')
    if (cfg.kind === 'sio') url = `${wsBase}/socket.io/?EIO=4&transport=websocket`
    else if (role === 'visitor') url = `${wsBase}/ws/visitor?token=${encodeURIComponent(cfg.visitorTokens[index]!)}`
    else url = `${wsBase}/ws/agent`
    if (cfg.kind === 'parley' && role === 'agent') headers = { cookie: cfg.agentCookies[index]!, origin: nodeUrl(index) }
    const ws = new WebSocket(url, { headers } as never)
    let ackId = 0
    const conn: Conn = {
      ws,
      send(frame) {
        if (cfg.kind === 'sio') {
          const { type, ...data } = frame
          ws.send(`42${ackId++}${JSON.stringify([type, data])}`)
        } else ws.send(JSON.stringify(frame))
      },
    }
    let ready = false
    const timer = setTimeout(() => reject(new Error(`${role} ${index}: no hello within 15 s`)), 15_000)
    ws.addEventListener('message', (e) => {
      const now = performance.now()
      const s = typeof e.data === 'string' ? e.data : String(e.data)
      if (cfg.kind === 'sio') {
        if (s === '2') return ws.send('3') // Engine.IO ping → pong
        if (s.startsWith('0{')) return ws.send(`40${JSON.stringify(role === 'agent' ? { role } : { role, token: cfg.visitorTokens[index] })}`)
        if (s.startsWith('44')) return reject(new Error(`${role} ${index}: refused: ${s}`))
        if (!ready && s.startsWith('42["hello"')) {
          ready = true
          clearTimeout(timer)
          return resolve(conn)
        }
        if (role === 'agent') onAgentFrame(s, now)
        else if (s.startsWith('43')) onAck(index, s)
        return
      }
      if (!ready && s.startsWith('{"type":"hello"')) {
        ready = true
        clearTimeout(timer)
        return resolve(conn)
      }
      if (role === 'agent') onAgentFrame(s, now)
      else if (s.startsWith('{"type":"ack"')) onAck(index, s)
      else if (s.startsWith('{"type":"error"')) {
        if (clientIdIndex(s.replace('"ref":"', CID)) >= 0) errors++
      }
    })
    ws.addEventListener('error', () => reject(new Error(`${role} ${index}: socket error`)))
    ws.addEventListener('close', (e) => {
      if (!ready) return reject(new Error(`${role} ${index}: closed ${e.code} ${e.reason}`))
      // The server closes a socket that reads too slowly (Parley: SEND_BUFFER_LIMIT); its frames
      // then stop, and every step after fails. Said here, so such a failure is not a mystery.
      if (!finished) {
        closed++
        console.error(`chat-load: ${role} ${index} closed by the server (${e.code} ${e.reason})`)
      }
    })
  })
}

async function inBatches<T>(n: number, batch: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, j) => f(i + j)))))
  return out
}

const agents = await inBatches(cfg.agentCookies.length, 10, (i) => connect('agent', i))
const visitors = await inBatches(cfg.visitorTokens.length, 50, (i) => connect('visitor', i))
let rr = 0

function sendOne(step: number): void {
  const v = rr++ % visitors.length
  const i = nextIndex++
  if (i >= totalCap) return
  stepOf[i] = step
  sentAt[i] = performance.now()
  const frame: Record<string, unknown> = { type: 'message.send', clientId: `${cfg.tag}.${i}`, body: BODY }
  if (conversationOf[v]) frame.conversationId = conversationOf[v]
  visitors[v]!.send(frame)
}

async function waitAcks(target: number, ms: number): Promise<void> {
  const deadline = performance.now() + ms
  while (ackCount < target && performance.now() < deadline) {
    await new Promise<void>((r) => {
      const t = setTimeout(r, 50)
      ackWaiters.push(() => {
        clearTimeout(t)
        r()
      })
    })
  }
}

// Each visitor's first message opens its conversation (Parley: the 'created' path); the timed
// steps then send into existing conversations, as a chat does.
for (let v = 0; v < visitors.length; v++) {
  const i = nextIndex++
  stepOf[i] = STEP_WARMUP
  sentAt[i] = performance.now()
  visitors[v]!.send({ type: 'message.send', clientId: `${cfg.tag}.${i}`, body: BODY })
  rr = v + 1
}
await waitAcks(visitors.length, 20_000)

/** Sends `rate` messages a second for `seconds`, open loop (the schedule never waits for answers). */
async function offer(rate: number, seconds: number, step: number): Promise<{ sent: number; wall: number }> {
  const start = performance.now()
  const total = Math.round(rate * seconds)
  let sent = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000))
      while (sent < due) {
        sendOne(step)
        sent++
      }
      if (sent >= total) {
        clearInterval(timer)
        resolve()
      }
    }
    const timer = setInterval(tick, 1)
  })
  return { sent, wall: performance.now() - start }
}

// Warm-up (not reported): JIT, pools and caches of every server get the same start.
steps.push({ lat: new Float64Array(0), n: 0, acked: 0 })
if (cfg.warmupSeconds > 0) {
  const r0 = cfg.rates[0] ?? 100
  await offer(r0, cfg.warmupSeconds, 0)
  await waitAcks(nextIndex, cfg.graceMs)
  await Bun.sleep(300)
}

/** Busy seconds of one CPU (everything but idle and iowait), from /proc/stat. */
function coreBusy(cpu: number | null): number {
  if (cpu === null) return NaN
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `))
  if (!line) return NaN
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
  return (total - f[3]! - f[4]!) / 100
}

/** CPU seconds of the PostgreSQL postmaster and each of its children, by pid. */
function dbCpuByPid(): Map<number, number> {
  return new Map([cfg.postmasterPid, ...childrenOf(cfg.postmasterPid)].map((p) => [p, cpuSeconds(p)]))
}

const results: StepResult[] = []
let failuresInRow = 0
/** Runs one step at `rate`; the loop below decides what a failed one means. */
async function runStep(rate: number, attempt: number): Promise<StepResult> {
  const s = steps.length
  const expectedSent = Math.round(rate * cfg.stepSeconds)
  const step: Step = { lat: new Float64Array(expectedSent * agents.length), n: 0, acked: 0 }
  steps.push(step)
  const cpu0 = serverCpuSeconds()
  const db0 = dbCpuByPid()
  const self0 = process.cpuUsage()
  const busy0 = coreBusy(cfg.serverCpu)
  const t0 = performance.now()
  const { sent, wall } = await offer(rate, cfg.stepSeconds, s)
  // Drain: wait for every ack and every agent's copy, up to the grace period.
  const drainEnd = performance.now() + cfg.graceMs
  while ((step.acked < sent || step.n < sent * agents.length) && performance.now() < drainEnd) await Bun.sleep(5)
  const elapsed = (performance.now() - t0) / 1000
  const self = process.cpuUsage(self0)
  const serverCpu = serverCpuSeconds() - cpu0
  // Per process: a backend that exits mid-step must not make the sum go down.
  let dbCpu = 0
  for (const [pid, t] of dbCpuByPid()) dbCpu += t - (db0.get(pid) ?? 0)
  const foreignShare = Math.max(0, coreBusy(cfg.serverCpu) - busy0 - serverCpu - dbCpu) / elapsed
  const lat = step.lat.subarray(0, step.n).sort()
  const expected = sent * agents.length
  // A copy that never arrived counts as late: p99 is over every expected receipt.
  const full = new Float64Array(expected).fill(Infinity)
  full.set(lat)
  const p99 = percentile(full, 99)
  const achievedRate = sent / (wall / 1000)
  const sustained = p99 <= cfg.p99LimitMs && step.acked === sent && step.n === expected && achievedRate >= rate * 0.95
  return {
    rate,
    attempt,
    sent,
    achievedRate,
    acked: step.acked,
    errors,
    expected,
    delivered: step.n,
    p50: percentile(full, 50),
    p99,
    max: lat.length ? lat[lat.length - 1]! : NaN,
    sustained,
    serverCpu,
    dbCpu,
    loadCpuShare: (self.user + self.system) / 1e6 / elapsed,
    foreignShare,
  }
}

for (const rate of cfg.rates) {
  let result: StepResult | null = null
  // A step that fails is run once more at the same rate (every server alike): on a shared
  // machine one stall of the VM or a checkpoint can spoil a 2-second step's p99, and the ladder
  // would end below what the server sustains. Both attempts are kept in the result.
  for (let attempt = 1; attempt <= cfg.attemptsPerStep; attempt++) {
    result = await runStep(rate, attempt)
    results.push(result)
    if (!result.sustained && attempt === cfg.attemptsPerStep && failuresInRow + 1 >= cfg.stopAfterFailures) break
    // Let a failed step's backlog drain before the next one.
    await waitAcks(nextIndex, result.sustained ? 500 : 5_000)
    await Bun.sleep(300)
    if (result.sustained) break
  }
  failuresInRow = result!.sustained ? 0 : failuresInRow + 1
  // The ladder ends here; the acks still owed are awaited once, below.
  if (failuresInRow >= cfg.stopAfterFailures) break
}

await waitAcks(nextIndex, 6_000)
writeFileSync(cfg.ackedFile, ackedIdx.map((i) => `${cfg.tag}.${i}`).join('\n'))
finished = true
const result: ChatLoadResult = { kind: cfg.kind, steps: results, acked: ackCount, sent: nextIndex, errors, closed }
console.log(JSON.stringify(result))
for (const c of [...agents, ...visitors]) c.ws.close()
process.exit(0)
