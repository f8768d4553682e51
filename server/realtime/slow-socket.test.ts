// A socket whose client stops reading (a laptop asleep on a half-open connection, a stalled
// mobile link) while frames keep coming. The server holds a bounded amount for it and then closes
// it, so its client reconnects and catches up; it never drops frames on a socket it keeps open,
// which would leave a dashboard or a widget with messages silently missing.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connect, type Socket } from 'node:net'
import { SEND_BUFFER_LIMIT } from './sockets.ts'
import { TestSocket, VisitorClient, cid, startWithOwner, type AgentClient, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

/**
 * A WebSocket client on a bare TCP socket: it reads the handshake and the `hello`, then stops
 * reading until `resume()`, and keeps every byte that arrives afterwards.
 */
class StalledSocket {
  private bytes: Buffer[] = []
  ended = false

  private constructor(private tcp: Socket) {
    tcp.on('data', (d: Buffer) => this.bytes.push(d))
    tcp.on('close', () => (this.ended = true))
    tcp.on('error', () => (this.ended = true))
  }

  static async open(base: string, path: string, headers: Record<string, string>): Promise<StalledSocket> {
    const url = new URL(base)
    const tcp = connect(Number(url.port), url.hostname)
    await new Promise((resolve, reject) => tcp.once('connect', resolve).once('error', reject))
    const s = new StalledSocket(tcp)
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    tcp.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${Buffer.from(cid().slice(0, 16)).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`)
    const deadline = Date.now() + 5000
    while (!s.frames().some((f) => f.type === 'hello')) {
      if (Date.now() > deadline || s.ended) throw new Error(`no hello on ${path}: ${Buffer.concat(s.bytes).toString().slice(0, 200)}`)
      await Bun.sleep(10)
    }
    tcp.pause()
    return s
  }

  resume(): void {
    this.tcp.resume()
  }

  close(): void {
    this.tcp.destroy()
  }

  /** The complete text frames received so far (a batch frame's frames in order); a cut-off last frame is left out. */
  frames(): { type: string; [k: string]: any }[] {
    const all = Buffer.concat(this.bytes)
    let at = all.indexOf('\r\n\r\n')
    if (at < 0) return []
    at += 4
    const out: { type: string }[] = []
    while (at + 2 <= all.length) {
      const opcode = all[at]! & 0x0f
      let len = all[at + 1]! & 0x7f
      let head = 2
      if (len === 126) {
        if (at + 4 > all.length) break
        len = all.readUInt16BE(at + 2)
        head = 4
      } else if (len === 127) {
        if (at + 10 > all.length) break
        len = Number(all.readBigUInt64BE(at + 2))
        head = 10
      }
      if (at + head + len > all.length) break
      if (opcode === 1) {
        const frame = JSON.parse(all.subarray(at + head, at + head + len).toString('utf8'))
        if (frame.type === 'batch') out.push(...frame.frames)
        else out.push(frame)
      }
      at += head + len
    }
    return out
  }
}

const messageIds = (frames: readonly { type: string; message?: unknown }[]): string[] => frames.flatMap((f) => (f.type === 'message' ? [(f.message as { id: string }).id] : []))

/**
 * Sends replies of ~15 KB from the agent's socket, 32 waiting at once at most (the server's inbound
 * bound), until `done()` or `max` replies (~45 MB: more than any kernel's socket buffers hold).
 */
async function replyUntil(agent: TestSocket, conversationId: string, done: () => boolean, max = 3000): Promise<string[]> {
  const ids: string[] = []
  const body = 'a slow reader must not miss this. '.repeat(440)
  while (!done() && ids.length < max) {
    const batch = Array.from({ length: 32 }, () => cid())
    const from = agent.frames.length
    for (const clientId of batch) agent.send({ type: 'message.send', clientId, body, conversationId })
    for (const clientId of batch) ids.push((await agent.waitFor('ack', (f) => f.clientId === clientId, 10_000, from)).messageId)
  }
  return ids
}

describe('what the server holds for a socket', () => {
  it('closes a socket whose client stopped reading once it holds too much, after an unbroken run of frames; the client catches up', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    vws.send({ type: 'message.send', clientId: cid(), body: 'Hello?' })
    const { conversationId } = await vws.waitFor('ack')

    const agent = await owner.socket()
    await agent.waitFor('hello')
    const stalledAgent = await StalledSocket.open(srv.url, '/ws/agent', { Cookie: owner.cookie, Origin: srv.url })
    const stalledVisitor = await StalledSocket.open(srv.url, `/ws/visitor?token=${encodeURIComponent(visitor.token)}`, {})

    // Every reply goes to each agent socket and each of the visitor's, until the server has closed
    // both stalled ones: once the kernel's buffers and the server's limit (1 MiB) are full.
    expect(SEND_BUFFER_LIMIT).toBe(1024 * 1024)
    const hub = srv.running.deps.hub
    const open = hub.socketCounts()
    const sent = await replyUntil(agent, conversationId, () => hub.socketCounts().all <= open.all - 2)
    expect(hub.socketCounts()).toEqual({ agents: open.agents - 1, all: open.all - 2 })
    // A few more after the close: the closed sockets' clients get them when they reconnect.
    sent.push(...(await replyUntil(agent, conversationId, () => false, 32)))

    // The sockets that kept reading got every reply, in order.
    await agent.waitFor('message', (f) => f.message.id === sent.at(-1), 10_000)
    expect(messageIds(agent.frames).filter((id) => sent.includes(id))).toEqual(sent)
    await vws.waitFor('message', (f) => f.message.id === sent.at(-1), 10_000)
    expect(messageIds(vws.frames).filter((id) => sent.includes(id))).toEqual(sent)

    for (const stalled of [stalledAgent, stalledVisitor]) {
      stalled.resume()
      const deadline = Date.now() + 10_000
      while (!stalled.ended && Date.now() < deadline) await Bun.sleep(20)
      // Closed by the server, not left open with frames dropped …
      expect(stalled.ended).toBe(true)
      const got = messageIds(stalled.frames()).filter((id) => sent.includes(id))
      // … after what it did receive: the first replies, none skipped, and not all of them.
      expect(got.length).toBeGreaterThan(0)
      expect(got.length).toBeLessThan(sent.length)
      expect(got).toEqual(sent.slice(0, got.length))
    }

    // The widget reconnects and resumes after the last reply it got: it ends with every reply once.
    const seen = messageIds(stalledVisitor.frames()).filter((id) => sent.includes(id))
    const lastSeq = Math.max(...stalledVisitor.frames().filter((f) => f.type === 'message').map((f) => f.message.seq as number))
    const again = await visitor.socket()
    await again.waitFor('hello')
    again.send({ type: 'resume', conversationId, afterSeq: lastSeq })
    await again.waitFor('resumed', () => true, 10_000)
    const resumed = messageIds(again.frames).filter((id) => sent.includes(id))
    expect([...seen, ...resumed]).toEqual(sent)

    // The server is still answering, and a dashboard opened now reads every reply.
    const page = await owner.request('GET', `/api/conversations/${conversationId}/messages?afterSeq=${lastSeq}&limit=500`)
    expect(page.status).toBe(200)
    expect(page.body.map((m: { id: string }) => m.id)).toEqual(sent.slice(seen.length, seen.length + 500))
    for (const s of [stalledAgent, stalledVisitor]) s.close()
    agent.close()
    vws.close()
    again.close()
  }, 60_000)

  it('sends a long resume a part at a time, so a client that reads is not closed', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const r = await visitor.request('POST', '/api/widget/messages', { body: 'Hello?', clientId: cid() })
    const conversationId = r.body.conversation.id as string
    const agent = await owner.socket()
    await agent.waitFor('hello')
    // ~6 MB of history: more than the kernel's buffers and the server's limit take at once.
    const sent = await replyUntil(agent, conversationId, () => false, 416)
    const tab = await visitor.socket()
    await tab.waitFor('hello')
    tab.send({ type: 'resume', conversationId, afterSeq: 0 })
    await tab.waitFor('resumed', () => true, 30_000)
    expect(tab.closed).toBeNull()
    expect(messageIds(tab.frames).filter((id) => sent.includes(id))).toEqual(sent)
    agent.close()
    tab.close()
  }, 60_000)
})
