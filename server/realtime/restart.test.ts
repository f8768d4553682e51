// A graceful restart with a widget and a dashboard connected: SIGTERM closes both sockets with 1012
// Service Restart and a reconnect window; the widget's own socket core (ui/shared/socket.ts, under Bun)
// reads the hint, comes back to the new process on the same port and database, resends what was
// not acked and resumes from its last sequence number — every message stored once, none missed.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { spawnParley, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'
import { ReconnectingSocket, RESTART_CLOSE_CODE, type SocketState } from '../../ui/shared/socket.ts'
import type { ClientFrame, ServerFrame } from './wire.ts'

let db: TestDb
let env: Record<string, string>
const processes: ParleyProcess[] = []

beforeAll(async () => {
  db = await createTestDb()
  env = { DATABASE_URL: db.url, PARLEY_OWNER_EMAIL: 'owner@example.com', PARLEY_OWNER_PASSWORD: 'owner-password', LIMIT_MESSAGES_PER_VISITOR: '1000000/1' }
})
afterAll(async () => {
  for (const p of processes) if (p.proc.exitCode === null) await p.kill('SIGKILL')
  await db?.drop()
})

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(10)
  }
}

/** The widget's part that matters here: an outbox kept until acked, and resume by sequence number. */
class Widget {
  outbox: (ClientFrame & { type: 'message.send' })[] = []
  conversationId: string | null = null
  seen = new Map<number, string>()
  lastSeq = 0
  opens = 0
  states: { state: SocketState; code?: number }[] = []
  socket: ReconnectingSocket

  constructor(url: string) {
    this.socket = new ReconnectingSocket({
      url: () => url,
      greeting: 'hello',
      pending: () => this.outbox,
      onOpen: (reconnect) => {
        this.opens++
        if (reconnect && this.conversationId) this.socket.send({ type: 'resume', conversationId: this.conversationId, afterSeq: this.lastSeq })
      },
      onFrame: (f) => this.onFrame(f),
      onState: (state, info) => this.states.push({ state, code: info.code }),
      backoff: { firstMs: 200, maxMs: 2000, jitter: [0, 1] },
    })
  }

  private onFrame(f: ServerFrame) {
    if (f.type === 'ack') {
      this.outbox = this.outbox.filter((m) => m.clientId !== f.clientId)
      this.conversationId ??= f.conversationId
      this.see(f.seq, 'visitor')
    } else if (f.type === 'message') this.see(f.message.seq, f.message.body)
  }

  private see(seq: number, body: string) {
    if (!this.seen.has(seq)) this.seen.set(seq, body)
    this.lastSeq = Math.max(this.lastSeq, seq)
  }

  write(body: string) {
    const frame = { type: 'message.send' as const, clientId: cid(), conversationId: this.conversationId, body }
    this.outbox.push(frame)
    this.socket.send(frame)
    return frame.clientId
  }
}

describe('graceful restart', () => {
  it('tells the widget to come back within a window, and it resumes on the new process with nothing lost or doubled', async () => {
    const a = await spawnParley(env)
    processes.push(a)
    const visitor = await VisitorClient.create(a.url)
    const widget = new Widget(`${a.url.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(visitor.token)}`)
    widget.socket.start()
    try {
      await until('the widget is connected', () => widget.socket.state === 'open')
      const written = [widget.write('hello, is anyone there?')]
      await until('the first ack', () => widget.outbox.length === 0)
      const conversationId = widget.conversationId!
      const owner = new AgentClient(a.url)
      expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
      const dashboard = await owner.socket()
      await dashboard.waitFor('hello')
      expect((await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'Hi, how can I help?', clientId: cid() })).status).toBe(201)
      await until('the reply', () => widget.seen.size === 2)

      // Messages in flight as the server is told to stop: some acked, some not yet.
      for (let i = 1; i <= 5; i++) written.push(widget.write(`message ${i}`))
      a.proc.kill('SIGTERM')
      await until('the restart close', () => widget.states.some((s) => s.state === 'closed'))
      expect(await a.proc.exited).toBe(0)
      expect(widget.states.find((s) => s.state === 'closed')!.code).toBe(RESTART_CLOSE_CODE)
      // The dashboard is told the same (its socket core is the widget's, ui/shared/socket.ts).
      await until('the dashboard close', () => dashboard.closed !== null)
      expect(dashboard.closed).toEqual({ code: RESTART_CLOSE_CODE, reason: 'restarting; reconnect within 1000 ms' })
      // The window they were told: two sockets → the 1 s minimum.
      const told = a.log().split('\n').find((l) => l.includes('sockets told to reconnect'))
      expect(told).toBeDefined()
      expect(JSON.parse(told!)).toMatchObject({ sockets: 2, windowMs: 1000 })

      // The new process on the same port and database; the agent answers before the widget is back.
      const b = await spawnParley({ ...env, PORT: String(a.port) })
      processes.push(b)
      expect(b.port).toBe(a.port)
      const agentB = new AgentClient(b.url)
      expect((await agentB.login('owner@example.com', 'owner-password')).status).toBe(200)
      expect((await agentB.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'Still here?', clientId: cid() })).status).toBe(201)

      await until('the widget is back and everything is acked', () => widget.opens === 2 && widget.socket.state === 'open' && widget.outbox.length === 0)
      written.push(widget.write('after the restart'))
      await until('the last ack', () => widget.outbox.length === 0)

      const r = await agentB.request('GET', `/api/conversations/${conversationId}/messages?limit=500`)
      expect(r.status).toBe(200)
      const stored = r.body as { seq: number; clientId: string | null; body: string; authorType: string }[]
      const fromVisitor = stored.filter((m) => m.authorType === 'visitor')
      // Every message the visitor wrote, once each, in the order written; sequence numbers without gaps.
      expect(fromVisitor.map((m) => m.clientId)).toEqual(written)
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1))
      // The widget saw every one of them (the reply sent while it was away came by resume).
      await until('the widget has seen everything', () => widget.seen.size === stored.length)
      expect([...widget.seen.keys()].sort((x, y) => x - y)).toEqual(stored.map((m) => m.seq))
      expect(widget.seen.get(stored.find((m) => m.body === 'Still here?')!.seq)).toBe('Still here?')
    } finally {
      widget.socket.stop()
    }
  }, 120_000)
})
