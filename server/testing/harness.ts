// Test harness: a real Parley on a loopback port against a fresh database, and small clients
// that talk to it the way the dashboard and the widget do (cookie + CSRF, bearer token, sockets).
import { ConfigError, loadConfig, type Config } from '../config.ts'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { startParley, type Running } from '../runtime.ts'
import { createLogger, type Level } from '../shared/logger.ts'
import type { ServerFrame } from '../realtime/wire.ts'

export interface TestServer {
  url: string
  running: Running
  db: TestDb
  stop(): Promise<void>
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const config = loadConfig({ PARLEY_SECRET_KEY: process.env.PARLEY_SECRET_KEY })
  // Every test client is 127.0.0.1, one address for a whole file's visitors: the per-address
  // limits would count them all together. Per-visitor limits keep their defaults; the limits
  // themselves are proved with small values in server/http/limits.test.ts.
  const many = { burst: 1_000_000, seconds: 1 }
  const limits = { ...config.limits, messagesPerIp: many, visitorsPerIp: many, pageViewsPerIp: many, contactsPerIp: many, updatesPerIp: many, signalsPerIp: many, socketsPerIp: 1_000_000 }
  // Tests' webhook receivers listen on 127.0.0.1 (server/listeners/webhooks.test.ts proves the refusal).
  const webhooks = { ...config.webhooks, allowPrivate: true }
  // A cheap argon2id (1 MiB, one pass; the same algorithm and code path): a test signs in dozens
  // of times, and at the production cost each sign-in and each new agent took 250 ms of a core.
  // server/domain/agents/password-gate.test.ts proves the production parameters.
  const passwordHashing = { memoryKiB: 1024, timeCost: 1 }
  return { ...config, host: '127.0.0.1', port: 0, limits, webhooks, passwordHashing, ...overrides }
}

export async function startTestServer(overrides: Partial<Config> = {}, db?: TestDb): Promise<TestServer> {
  const database = db ?? (await createTestDb())
  const level = (process.env.PARLEY_TEST_LOG as Level | undefined) ?? 'silent'
  const running = await startParley(testConfig({ databaseUrl: database.url, ...overrides }), createLogger(level as Level))
  return {
    url: `http://127.0.0.1:${running.port}`,
    running,
    db: database,
    async stop() {
      await running.stop()
      if (!db) await database.drop()
    },
  }
}

/** A test file's own Parley with its owner signed up (and signed in as `owner`). */
export async function startWithOwner(overrides: Partial<Config> = {}): Promise<{ srv: TestServer; owner: AgentClient }> {
  const srv = await startTestServer(overrides)
  const owner = new AgentClient(srv.url)
  const r = await owner.setup()
  if (r.status !== 201) throw new Error(`owner setup answered ${r.status}`)
  return { srv, owner }
}

export interface Reply<T = any> {
  status: number
  body: T
  headers: Headers
}

async function call(base: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers }
}

export class AgentClient {
  cookie = ''
  csrf = ''
  agent: { id: string; name: string; role: string } | null = null

  constructor(readonly base: string) {}

  request(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    return call(this.base, method, path, body, {
      origin: this.base,
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
      ...extra,
    })
  }

  private adopt(r: Reply): Reply {
    const set = r.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    if (r.body?.csrfToken) this.csrf = r.body.csrfToken
    if (r.body?.agent) this.agent = r.body.agent
    return r
  }

  async setup(email = 'owner@example.com', password = 'owner-password', name = 'Olivia Owner'): Promise<Reply> {
    return this.adopt(await this.request('POST', '/api/setup', { email, password, name }))
  }

  async login(email: string, password: string): Promise<Reply> {
    return this.adopt(await this.request('POST', '/api/auth/login', { email, password }))
  }

  socket(): Promise<TestSocket> {
    return TestSocket.open(this.base.replace(/^http/, 'ws') + '/ws/agent', { cookie: this.cookie, origin: this.base })
  }
}

export class VisitorClient {
  token = ''
  id = ''

  constructor(readonly base: string) {}

  static async create(base: string): Promise<VisitorClient> {
    const v = new VisitorClient(base)
    const r = await call(base, 'POST', '/api/widget/visitors', undefined, {})
    if (r.status !== 201) throw new Error(`visitor creation failed: ${r.status}`)
    v.token = r.body.token
    v.id = r.body.visitor.id
    return v
  }

  request(method: string, path: string, body?: unknown): Promise<Reply> {
    return call(this.base, method, path, body, { authorization: `Bearer ${this.token}` })
  }

  socket(): Promise<TestSocket> {
    return TestSocket.open(`${this.base.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(this.token)}`, {})
  }
}

/** A WebSocket that records every frame and lets a test wait for the one it expects. */
export class TestSocket {
  frames: ServerFrame[] = []
  /** How many WebSocket messages arrived, and how many of them were batch frames. */
  received = { messages: 0, batches: 0 }
  closed: { code: number; reason: string } | null = null
  private waiters: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      const frame = JSON.parse(String(e.data)) as ServerFrame
      this.received.messages++
      // A dashboard's batch frame is the frames it carries, in order.
      if (frame.type === 'batch') {
        this.received.batches++
        this.frames.push(...frame.frames)
      } else this.frames.push(frame)
      for (const w of this.waiters.splice(0)) w()
    })
    ws.addEventListener('close', (e) => {
      this.closed = { code: e.code, reason: e.reason }
      for (const w of this.waiters.splice(0)) w()
    })
  }

  static open(url: string, headers: Record<string, string>): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      // Bun's WebSocket accepts headers (a browser sends the cookie and Origin by itself).
      const ws = new WebSocket(url, { headers } as never)
      const s = new TestSocket(ws)
      ws.addEventListener('open', () => resolve(s), { once: true })
      ws.addEventListener('error', () => reject(new Error(`socket to ${url} failed`)), { once: true })
    })
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Waits for the first frame (from `from` on) matching `pred`; fails after `ms`. */
  async waitFor<T extends ServerFrame['type']>(
    type: T,
    pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    ms = 5000,
    from = 0,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + ms
    for (;;) {
      const hit = this.frames.slice(from).find((f) => f.type === type && pred(f as never))
      if (hit) return hit as never
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${type}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${type}; got ${this.frames.map((f) => f.type).join(', ')}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  async waitClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + ms
    while (!this.closed && Date.now() < deadline) await Bun.sleep(10)
    if (!this.closed) throw new Error('socket did not close')
    return this.closed
  }

  close(): void {
    this.ws.close()
  }
}

/** A server-sent event stream read as it arrives: named events, and whether the server closed it. */
export class EventStreamClient {
  readonly events: { event: string; data: string }[] = []
  closed = false
  private wake: (() => void) | null = null

  private constructor(private readonly res: Response, private readonly abort: AbortController) {}

  static async open(url: string, headers: Record<string, string>): Promise<EventStreamClient> {
    const abort = new AbortController()
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
    if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}: ${await res.text()}`)
    const s = new EventStreamClient(res, abort)
    void s.read()
    return s
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const part of this.res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(part, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7)
            else if (line.startsWith('data: ')) data.push(line.slice(6))
          }
          if (!block.split('\n').every((l) => l.startsWith(':'))) this.events.push({ event, data: data.join('\n') })
          this.wake?.()
        }
      }
    } catch {}
    this.closed = true
    this.wake?.()
  }

  /** The first event with this name at or after index `from`. */
  async waitFor(event: string, ms = 10_000, from = 0): Promise<{ event: string; data: string }> {
    const deadline = Date.now() + ms
    for (;;) {
      const hit = this.events.slice(from).find((e) => e.event === event)
      if (hit) return hit
      if (this.closed) throw new Error(`event stream closed before '${event}'`)
      if (Date.now() > deadline) throw new Error(`no '${event}' event within ${ms} ms`)
      await new Promise<void>((r) => {
        this.wake = r
        setTimeout(r, 100)
      })
    }
  }

  /** Resolves once the server has closed the stream (fails after ms). */
  async waitClosed(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`event stream still open after ${ms} ms`)
      await Bun.sleep(50)
    }
  }

  close(): void {
    this.abort.abort()
  }
}

/** A unique client id for a frame. */
export const cid = () => Bun.randomUUIDv7()

/** The message of the ConfigError that loading this environment raises (fails the test if none). */
export function configError(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) return e.message
    throw e
  }
  throw new Error('expected a ConfigError')
}
