// Three Parley processes on one PostgreSQL behind Debian's nginx, configured by deploy/nginx.conf
// itself (only its addresses are swapped for loopback ports): the way an admin outgrows one
// machine (deploy/compose.cluster.yml). nginx connects to the nodes from 127.0.0.3, the one
// address the nodes trust (TRUST_PROXY), so a card showing the test's own 127.0.0.1 proves the
// address came through X-Forwarded-For.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from './db/embedded.ts'
import { createTestDb, type TestDb } from './db/testing.ts'
import { AgentClient, TestSocket, VisitorClient, cid } from './testing/harness.ts'
import { spawnParley, type ParleyProcess } from './testing/process.ts'

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p))
const PUBLIC_URL = 'https://chat.example.test'
const PROXY_ADDRESS = '127.0.0.3'
const OWNER = { email: 'owner@example.com', password: 'owner-password' }

/** The dashboard's client, as a browser on PUBLIC_URL sends it: that Origin, or it is refused. */
class Agent extends AgentClient {
  override request(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
    return super.request(method, path, body, { origin: PUBLIC_URL, ...extra })
  }

  override socket(): Promise<TestSocket> {
    return TestSocket.open(this.base.replace(/^http/, 'ws') + '/ws/agent', { cookie: this.cookie, origin: PUBLIC_URL })
  }
}

/** deploy/nginx.conf with loopback addresses, its files in `dir`; fails when a line it swaps is gone. */
function nginxConfig(dir: string, listenPort: number, nodePorts: number[]): string {
  let conf = readFileSync(resolve(import.meta.dir, '../deploy/nginx.conf'), 'utf8')
  const swap = (from: string | RegExp, to: string) => {
    const next = conf.replace(from, to)
    if (next === conf) throw new Error(`deploy/nginx.conf no longer has ${String(from)}`)
    conf = next
  }
  // One worker: round-robin is then one sequence, so consecutive sockets land on distinct nodes.
  swap('worker_processes auto;', `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log warn;`)
  swap(
    'http {',
    `http {\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n')}`,
  )
  for (let i = 0; i < 3; i++) swap(`server parley${i + 1}:8080`, `server 127.0.0.1:${nodePorts[i]}`)
  swap('listen 80;', `listen 127.0.0.1:${listenPort};`)
  swap('proxy_pass http://parley;', `proxy_pass http://parley;\n      proxy_bind ${PROXY_ADDRESS};`)
  return conf
}

let db: TestDb
let dir: string
let nodes: ParleyProcess[] = []
let nginx: Bun.Subprocess | null = null
let base = ''
/** Each node's id (as its sockets' hello names it) → the node. */
const byNodeId = new Map<string, ParleyProcess>()

beforeAll(async () => {
  if (!NGINX) throw new Error('nginx is missing: run `bun scripts/ensure-nginx.ts` (npm test does)')
  db = await createTestDb()
  dir = mkdtempSync(join(tmpdir(), 'parley-nginx-'))
  // nginx's workers (an unprivileged user when the test runs as root) write their temp files here.
  chmodSync(dir, 0o755)
  const env = {
    DATABASE_URL: db.url,
    DATA_DIR: dir,
    PUBLIC_URL,
    TRUST_PROXY: PROXY_ADDRESS,
    PARLEY_OWNER_EMAIL: OWNER.email,
    PARLEY_OWNER_PASSWORD: OWNER.password,
    // Every client here is 127.0.0.1 and sends far beyond a person's pace: this is about nodes.
    LIMIT_MESSAGES_PER_VISITOR: '1000000/1',
    LIMIT_MESSAGES_PER_IP: '1000000/1',
    LIMIT_VISITORS_PER_IP: '1000000/1',
  }
  // Started together: each migrates under an advisory lock and one of them creates the owner.
  nodes = await Promise.all([0, 1, 2].map(() => spawnParley(env, 100_000)))
  for (const node of nodes) {
    const visitor = await VisitorClient.create(node.url)
    const ws = await visitor.socket()
    byNodeId.set((await ws.waitFor('hello')).nodeId, node)
    ws.close()
  }
  const port = await freePort()
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, nodes.map((n) => n.port)))
  nginx = Bun.spawn([NGINX, '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
    stdin: 'ignore',
    stdout: 'inherit',
    stderr: 'inherit',
  })
  base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (nginx.exitCode !== null) break
    if ((await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200) return
    await Bun.sleep(50)
  }
  throw new Error(`nginx did not come up: ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : 'no log'}`)
}, 120_000)

afterAll(async () => {
  nginx?.kill('SIGTERM')
  await nginx?.exited
  await Promise.all(nodes.map((n) => (n.proc.exitCode === null ? n.kill('SIGTERM') : null)))
  await db?.drop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function signIn(email: string, password: string): Promise<{ agent: Agent; setCookie: string }> {
  const agent = new Agent(base)
  const r = await agent.login(email, password)
  expect(r.status).toBe(200)
  return { agent, setCookie: r.headers.get('set-cookie') ?? '' }
}

/** The node behind a socket, by the id in its hello. */
async function nodeOf(ws: TestSocket): Promise<ParleyProcess> {
  const node = byNodeId.get((await ws.waitFor('hello')).nodeId)
  if (!node) throw new Error('a hello from an unknown node')
  return node
}

interface Chat {
  agents: { agent: Agent; ws: TestSocket; node: ParleyProcess }[]
  visitors: { visitor: VisitorClient; ws: TestSocket; node: ParleyProcess; conversationId: string }[]
}
let chat: Chat
let owner: Agent

describe('three nodes behind nginx', () => {
  it('marks the session cookie Secure when PUBLIC_URL is https, though nginx speaks http to the nodes', async () => {
    const { agent, setCookie } = await signIn(OWNER.email, OWNER.password)
    owner = agent
    expect(setCookie).toContain('parley_session=')
    expect(setCookie.split(';').map((s) => s.trim())).toContain('Secure')
  })

  it('spreads visitors and agents over the nodes, and every one sees the others live', async () => {
    for (const name of ['Ann', 'Ben']) {
      const r = await owner.request('POST', '/api/agents', { email: `${name.toLowerCase()}@example.com`, name, password: `${name}-agent-password`, role: 'full' })
      expect(r.status).toBe(201)
    }
    const agents = [owner, (await signIn('ann@example.com', 'Ann-agent-password')).agent, (await signIn('ben@example.com', 'Ben-agent-password')).agent]
    const visitorClients = [await VisitorClient.create(base), await VisitorClient.create(base), await VisitorClient.create(base)]
    // Opened one after another with nothing in between: round-robin gives each its own node.
    const dashboards = [await agents[0]!.socket(), await agents[1]!.socket(), await agents[2]!.socket()]
    const widgets = [await visitorClients[0]!.socket(), await visitorClients[1]!.socket(), await visitorClients[2]!.socket()]
    const agentNodes = await Promise.all(dashboards.map(nodeOf))
    const visitorNodes = await Promise.all(widgets.map(nodeOf))
    expect(new Set(agentNodes).size).toBe(3)
    expect(new Set(visitorNodes).size).toBe(3)

    // Each visitor writes on their node; every dashboard, on every node, shows all three.
    const acks: { conversationId: string; messageId: string }[] = []
    for (const [i, ws] of widgets.entries()) {
      const clientId = cid()
      ws.send({ type: 'message.send', clientId, body: `Hello from visitor ${i}` })
      acks.push(await ws.waitFor('ack', (f) => f.clientId === clientId, 10_000))
    }
    for (const dash of dashboards) {
      for (const ack of acks) await dash.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
    }
    // Each agent answers the visitor on the next node; the visitor sees it, and so do the colleagues.
    for (const [i, dash] of dashboards.entries()) {
      const to = (i + 1) % 3
      expect(visitorNodes[to]).not.toBe(agentNodes[i])
      const clientId = cid()
      dash.send({ type: 'message.send', clientId, conversationId: acks[to]!.conversationId, body: `Answer from agent ${i}` })
      const ack = await dash.waitFor('ack', (f) => f.clientId === clientId, 10_000)
      const seen = await widgets[to]!.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
      expect(seen.message.body).toBe(`Answer from agent ${i}`)
      for (const other of dashboards) await other.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
    }
    chat = {
      agents: agents.map((agent, i) => ({ agent, ws: dashboards[i]!, node: agentNodes[i]! })),
      visitors: visitorClients.map((visitor, i) => ({ visitor, ws: widgets[i]!, node: visitorNodes[i]!, conversationId: acks[i]!.conversationId })),
    }
  }, 60_000)

  it('shows the address nginx saw on the visitor card, and ignores one the client forged', async () => {
    // Without X-Forwarded-For the card would show the proxy's 127.0.0.3.
    const card = await owner.request('GET', `/api/visitors/${chat.visitors[0]!.visitor.id}`)
    expect(card.status).toBe(200)
    expect(card.body.ip).toBe('127.0.0.1')

    const forger = await VisitorClient.create(base)
    const ws = await TestSocket.open(`${base.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(forger.token)}`, { 'x-forwarded-for': '81.2.69.160' })
    await ws.waitFor('hello')
    let ip: string | null = null
    for (let i = 0; i < 100 && !ip; i++) {
      ip = (await owner.request('GET', `/api/visitors/${forger.id}`)).body.ip
      if (!ip) await Bun.sleep(20)
    }
    // nginx appends the real peer; the nodes read the hop just before their trusted proxy.
    expect(ip).toBe('127.0.0.1')
    ws.close()
  })

  it('loses nothing acknowledged when a node is killed mid-chat, and its clients resume on another node', async () => {
    const v = chat.visitors[0]!
    const victim = v.node
    const dashboard = chat.agents.find((a) => a.node === victim)!
    const watcher = chat.agents.find((a) => a.node !== victim)!
    const lastSeq = (ws: TestSocket, conversationId: string) =>
      Math.max(0, ...ws.frames.flatMap((f) => (f.type === 'message' && f.message.conversationId === conversationId ? [f.message.seq] : [])))
    const dashboardSeq = lastSeq(dashboard.ws, v.conversationId)
    const visitorSeq = lastSeq(v.ws, v.conversationId)
    const watcherSeq = lastSeq(watcher.ws, v.conversationId)

    // The visitor writes 30 messages without waiting; the node dies once some are acknowledged.
    const sent = Array.from({ length: 30 }, (_, i) => ({ clientId: cid(), body: `Message ${i} before and after the crash` }))
    for (const m of sent) v.ws.send({ type: 'message.send', clientId: m.clientId, conversationId: v.conversationId, body: m.body })
    await v.ws.waitFor('ack', () => v.ws.frames.filter((f) => f.type === 'ack').length >= 5, 10_000)
    await victim.kill('SIGKILL')
    await v.ws.waitClosed(5_000)
    await dashboard.ws.waitClosed(5_000)
    const acked = new Map(v.ws.frames.flatMap((f) => (f.type === 'ack' ? [[f.clientId, f.messageId] as const] : [])))
    expect(acked.size).toBeGreaterThanOrEqual(5)

    // The widget reconnects through nginx, which passes it to a live node, resumes from the last
    // message it saw and sends again what was not acknowledged (the same client ids).
    const again = new VisitorClient(base)
    again.token = v.visitor.token
    again.id = v.visitor.id
    const ws = await again.socket()
    expect(await nodeOf(ws)).not.toBe(victim)
    ws.send({ type: 'resume', conversationId: v.conversationId, afterSeq: visitorSeq })
    await ws.waitFor('resumed', (f) => f.conversationId === v.conversationId, 10_000)
    for (const m of sent.filter((m) => !acked.has(m.clientId))) {
      ws.send({ type: 'message.send', clientId: m.clientId, conversationId: v.conversationId, body: m.body })
    }
    for (const m of sent) {
      // An acknowledged message is not sent again: the resume brings it back.
      if (acked.has(m.clientId)) await ws.waitFor('message', (f) => f.message.id === acked.get(m.clientId), 10_000)
      else await ws.waitFor('ack', (f) => f.clientId === m.clientId, 10_000)
    }

    // The dashboard that was on the killed node reconnects too and catches up on what it missed.
    const dash = await dashboard.agent.socket()
    expect(await nodeOf(dash)).not.toBe(victim)
    dash.send({ type: 'resume', conversationId: v.conversationId, afterSeq: dashboardSeq })
    await dash.waitFor('resumed', (f) => f.conversationId === v.conversationId, 10_000)
    const caughtUp = new Set(dash.frames.flatMap((f) => (f.type === 'message' ? [f.message.body] : [])))
    for (const m of sent) expect(caughtUp.has(m.body)).toBe(true)
    // Stored: every message once, every acknowledged one under the id its ack named.
    const thread = await watcher.agent.request('GET', `/api/conversations/${v.conversationId}/messages?limit=500`)
    expect(thread.status).toBe(200)
    const stored = thread.body as { id: string; body: string }[]
    for (const m of sent) expect(stored.filter((s) => s.body === m.body).length).toBe(1)
    for (const id of acked.values()) expect(stored.some((s) => s.id === id)).toBe(true)

    // The chat goes on across the surviving nodes.
    const clientId = cid()
    watcher.ws.send({ type: 'message.send', clientId, conversationId: v.conversationId, body: 'Still here after the crash' })
    const ack = await watcher.ws.waitFor('ack', (f) => f.clientId === clientId, 10_000)
    await ws.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
    await dash.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
    await watcher.ws.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
    // The colleague on a live node: the killed node may have died between a commit (and its ack)
    // and the NOTIFY that tells the other nodes, so a message can reach the colleague only as a
    // gap in the sequence numbers, which the dashboard fills by asking (ui/dashboard/store.ts).
    const seen = new Set(watcher.ws.frames.flatMap((f) => (f.type === 'message' && f.message.conversationId === v.conversationId ? [f.message.seq] : [])))
    let contiguous = watcherSeq
    while (seen.has(contiguous + 1)) contiguous++
    const from = watcher.ws.frames.length
    watcher.ws.send({ type: 'resume', conversationId: v.conversationId, afterSeq: contiguous })
    await watcher.ws.waitFor('resumed', (f) => f.conversationId === v.conversationId, 10_000, from)
    const known = new Set(watcher.ws.frames.flatMap((f) => (f.type === 'message' ? [f.message.body] : [])))
    for (const m of sent) expect(known.has(m.body)).toBe(true)
    ws.close()
    dash.close()
  }, 45_000)
})
