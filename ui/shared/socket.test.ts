// The reconnecting socket core against a real Bun WebSocket server on loopback: it reconnects
// with back-off, resends what its owner still waits on, in order, after the owner has resumed,
// waits for the server's greeting, unpacks batches, drops a connection that stops answering
// pings, tries again at once when the browser is back online, and stops for good on a final code.
import { afterEach, describe, expect, it } from 'bun:test'
import type { Server, ServerWebSocket } from 'bun'
import type { ClientFrame, ServerFrame } from '../../server/realtime/wire.ts'
import { ReconnectingSocket, backoffDelay, restartWindow, type SocketOptions, type SocketState } from './socket.ts'

interface Conn {
  ws: ServerWebSocket<{ n: number }>
  received: ClientFrame[]
}

/** A WebSocket server that records every connection and what each one sent. */
class Peer {
  server: Server<{ n: number }>
  conns: Conn[] = []
  answerPings = true

  constructor(port = 0) {
    this.server = this.listen(port)
  }

  get url(): string {
    return `ws://127.0.0.1:${this.server.port}/`
  }

  listen(port: number): Server<{ n: number }> {
    return Bun.serve<{ n: number }>({
      hostname: '127.0.0.1',
      port,
      fetch: (req, server) => (server.upgrade(req, { data: { n: this.conns.length } }) ? undefined : new Response('no', { status: 400 })),
      websocket: {
        open: (ws) => {
          this.conns.push({ ws, received: [] })
        },
        message: (ws, data) => {
          const frame = JSON.parse(String(data)) as ClientFrame
          this.conns[ws.data.n]!.received.push(frame)
          if (frame.type === 'ping' && this.answerPings) ws.send(JSON.stringify({ type: 'pong' }))
        },
      },
    })
  }

  get last(): Conn {
    return this.conns[this.conns.length - 1]!
  }

  /** Goes away, as a restarted server does: open sockets are cut and new ones refused. */
  down(): number {
    const port = this.server.port!
    this.server.stop(true)
    return port
  }

  up(port: number): void {
    this.server = this.listen(port)
  }
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(5)
  }
}

const msg = (clientId: string, body: string): ClientFrame => ({ type: 'message.send', clientId, conversationId: null, body })

let peers: Peer[] = []
let sockets: ReconnectingSocket[] = []

function peer(): Peer {
  const p = new Peer()
  peers.push(p)
  return p
}

/** A socket with a log of its states and frames; fast back-off unless told otherwise. */
function socket(url: string, opts: Partial<SocketOptions> = {}) {
  const states: { state: SocketState; attempt: number; at: number; code?: number; refused?: boolean }[] = []
  const frames: ServerFrame[] = []
  const opens: boolean[] = []
  const s = new ReconnectingSocket({
    url: () => url,
    onFrame: (f) => frames.push(f),
    onState: (state, info) => states.push({ state, at: performance.now(), ...info }),
    onOpen: (reconnect) => void opens.push(reconnect),
    backoff: { firstMs: 20, maxMs: 200, jitter: [1, 1] },
    ...opts,
  })
  sockets.push(s)
  return { s, states, frames, opens }
}

afterEach(() => {
  for (const s of sockets) s.stop()
  for (const p of peers) p.server.stop(true)
  sockets = []
  peers = []
})

describe('reconnecting socket', () => {
  it('reconnects after the server goes away, backing off more after each failed attempt', async () => {
    const server = peer()
    const { s, states, opens } = socket(server.url)
    s.start()
    await until('open', () => s.state === 'open')
    expect(opens).toEqual([false])

    const port = server.down()
    await until('four failed attempts', () => states.filter((x) => x.state === 'closed').length >= 5)
    const closed = states.filter((x) => x.state === 'closed')
    // After an open connection the count starts at 0; every refused attempt adds one.
    expect(closed.map((x) => x.attempt)).toEqual([0, 1, 2, 3, 4])
    expect(closed.slice(1).every((x) => x.refused)).toBe(true)
    // Each retry waits for its delay: 20, 40, 80, 160 ms (jitter pinned to 1 here).
    const retries = states.filter((x, i) => x.state === 'connecting' && i > 1)
    for (let i = 0; i < 4; i++) expect(retries[i]!.at - closed[i]!.at).toBeGreaterThanOrEqual(20 * 2 ** i - 2)

    server.up(port)
    await until('open again', () => s.state === 'open')
    expect(opens).toEqual([false, true])
    expect(states[states.length - 1]).toMatchObject({ state: 'open', attempt: 0 })
  })

  it('keeps the delay within the jitter range and under the cap', async () => {
    const server = peer()
    const port = server.down()
    const { s, states } = socket(`ws://127.0.0.1:${port}/`, { backoff: { firstMs: 40, maxMs: 80, jitter: [0.5, 1] } })
    s.start()
    await until('four failed attempts', () => states.filter((x) => x.state === 'closed').length >= 4)
    const closed = states.filter((x) => x.state === 'closed')
    const connecting = states.filter((x) => x.state === 'connecting')
    const gaps = [1, 2, 3].map((i) => connecting[i]!.at - closed[i - 1]!.at)
    // 40 ms, then 80 and 80 (capped), each at least half of it.
    expect(gaps[0]).toBeGreaterThanOrEqual(20 - 2)
    expect(gaps[1]).toBeGreaterThanOrEqual(40 - 2)
    expect(gaps[2]).toBeGreaterThanOrEqual(40 - 2)
  })

  it('resends what its owner still waits on after each reconnect, in order, after what onOpen sent', async () => {
    const server = peer()
    const unacked = new Map<string, ClientFrame>()
    let s!: ReconnectingSocket
    ;({ s } = socket(server.url, {
      pending: () => unacked.values(),
      onOpen: () => void s.send({ type: 'resume', conversationId: 'c', afterSeq: 7 }),
    }))
    // Written before there is any connection: nothing can go out yet.
    unacked.set('a', msg('a', 'one'))
    expect(s.send(msg('a', 'one'))).toBe(false)
    unacked.set('b', msg('b', 'two'))
    s.start()
    await until('both sent', () => server.conns[0]?.received.length === 3)
    expect(server.conns[0]!.received.map((f) => f.type === 'message.send' ? f.body : f.type)).toEqual(['resume', 'one', 'two'])

    // "one" is acknowledged; "two" and a third are not when the connection drops.
    unacked.delete('a')
    unacked.set('c', msg('c', 'three'))
    expect(s.send(msg('c', 'three'))).toBe(true)
    const port = server.down()
    await until('closed', () => s.state === 'closed')
    server.up(port)
    await until('resent', () => server.conns[1]?.received.length === 3)
    expect(server.conns[1]!.received.map((f) => f.type === 'message.send' ? f.body : f.type)).toEqual(['resume', 'two', 'three'])
  })

  it('counts as open only after the greeting, and sends the pending frames only once onOpen has finished', async () => {
    const server = peer()
    let release!: () => void
    const { s, frames } = socket(server.url, {
      greeting: 'hello',
      pending: () => [msg('x', 'queued')],
      onOpen: () => new Promise<void>((r) => (release = r)),
    })
    s.start()
    await until('connected', () => s.connected)
    await Bun.sleep(30)
    expect(s.state).toBe('connecting')
    server.last.ws.send(JSON.stringify({ type: 'hello', role: 'visitor', id: 'v', nodeId: 'n' }))
    await until('onOpen called', () => release !== undefined)
    await Bun.sleep(30)
    expect(s.state).toBe('connecting')
    expect(server.last.received).toEqual([])
    release()
    await until('open', () => s.state === 'open')
    await until('queued sent', () => server.last.received.length === 1)
    // The greeting is the socket's own business; the owner gets the frames after it.
    expect(frames).toEqual([])
  })

  it('unpacks a batch frame into its frames, in order', async () => {
    const server = peer()
    const { s, frames } = socket(server.url)
    s.start()
    await until('open', () => s.state === 'open')
    const a: ServerFrame = { type: 'visitor.presence', visitorId: 'v1', online: true }
    const b: ServerFrame = { type: 'counts', counts: { unassigned: 2, unassignedByGroup: { '': 2 }, byAssignee: {} } }
    server.last.ws.send(JSON.stringify({ type: 'batch', frames: [a, b] }))
    server.last.ws.send(JSON.stringify(a))
    await until('three frames', () => frames.length === 3)
    expect(frames).toEqual([a, b, a])
  })

  it('drops a connection whose pings go unanswered and connects again; answered pings keep it', async () => {
    const server = peer()
    const { s, states } = socket(server.url, { pingMs: 30, pongMs: 400 })
    s.start()
    await until('open', () => s.state === 'open')
    await Bun.sleep(300)
    expect(server.conns.length).toBe(1)
    expect(server.conns[0]!.received.filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(2)

    server.answerPings = false
    await until('a second connection', () => server.conns.length === 2)
    expect(states.some((x) => x.state === 'closed')).toBe(true)
  })

  it('tries again at once when the browser is back online, instead of waiting out the back-off', async () => {
    const server = peer()
    const port = server.down()
    const { s, states } = socket(`ws://127.0.0.1:${port}/`, { backoff: { firstMs: 60_000, maxMs: 60_000, jitter: [1, 1] } })
    s.start()
    await until('refused', () => s.state === 'closed')
    server.up(port)
    await Bun.sleep(50)
    expect(s.state).toBe('closed')
    dispatchEvent(new Event('online'))
    await until('open', () => s.state === 'open', 2000)
    expect(states.filter((x) => x.state === 'connecting').length).toBe(2)
  })

  it('backs off no further than the owner says while the server is there without its database, until greeted again', async () => {
    const server = peer()
    const port = server.down()
    const { s, states } = socket(`ws://127.0.0.1:${port}/`, { backoff: { firstMs: 20, maxMs: 5000, jitter: [1, 1] } })
    s.start()
    // Six refusals: the next wait would be 20 × 2⁶ = 1280 ms.
    await until('six failed attempts', () => states.filter((x) => x.state === 'closed').length >= 6)
    s.holdBackoffAt(50)
    const held = performance.now()
    await until('three more attempts', () => states.filter((x) => x.state === 'connecting' && x.at > held).length >= 3, 2000)
    const gaps = (since: number) => {
      const after = states.filter((x) => x.at > since)
      const out: number[] = []
      for (let i = 1; i < after.length; i++) if (after[i]!.state === 'connecting' && after[i - 1]!.state === 'closed') out.push(after[i]!.at - after[i - 1]!.at)
      return out
    }
    for (const gap of gaps(held).slice(0, 2)) {
      expect(gap).toBeGreaterThanOrEqual(50 - 2)
      expect(gap).toBeLessThan(400)
    }
    server.up(port)
    await until('open', () => s.state === 'open')
    // Greeted: the hold is over, and a later outage backs off as before (20, 40, 80, 160 ms).
    const dropped = performance.now()
    server.down()
    await until('four failed attempts', () => states.filter((x) => x.state === 'closed' && x.at > dropped).length >= 5)
    expect(gaps(dropped)[3]).toBeGreaterThanOrEqual(160 - 2)
  })

  it('stays closed after a final close code, and after stop()', async () => {
    const server = peer()
    const { s } = socket(server.url, { finalCodes: [4001] })
    s.start()
    await until('open', () => s.state === 'open')
    server.last.ws.close(4001, 'deactivated')
    await until('closed', () => s.state === 'closed')
    await Bun.sleep(100)
    expect(server.conns.length).toBe(1)

    const other = socket(server.url)
    other.s.start()
    await until('open', () => other.s.state === 'open')
    other.s.stop()
    await Bun.sleep(100)
    expect(other.s.state).toBe('closed')
    expect(server.conns.length).toBe(2)
    expect(other.s.send({ type: 'ping' })).toBe(false)
  })
})

describe('back-off and the restart hint', () => {
  const fixed = (x: number) => () => x

  it('doubles the ceiling after each failed attempt up to the cap, and full jitter picks anywhere below it', () => {
    const full = { firstMs: 500, maxMs: 30_000, jitter: [0, 1] as [number, number] }
    // The highest draw gives the ceiling itself: 500, 1000, 2000, … capped at 30 s.
    expect([0, 1, 2, 3, 5, 6, 7, 40].map((a) => backoffDelay(a, full, fixed(1)))).toEqual([500, 1000, 2000, 4000, 16_000, 30_000, 30_000, 30_000])
    expect(backoffDelay(3, full, fixed(0))).toBe(0)
    expect(backoffDelay(3, full, fixed(0.25))).toBe(1000)
    // Jitter as a band: [0.5, 1) of the ceiling.
    const band = { firstMs: 400, maxMs: 10_000, jitter: [0.5, 1] as [number, number] }
    expect(backoffDelay(1, band, fixed(0))).toBe(400)
    expect(backoffDelay(1, band, fixed(0.5))).toBe(600)
  })

  it('spreads a crowd over the whole window with full jitter, not in a wave at its end', () => {
    const full = { firstMs: 500, maxMs: 30_000, jitter: [0, 1] as [number, number] }
    // 10,000 widgets at their fourth attempt (ceiling 4 s): every tenth of the window gets about a tenth.
    // A seeded generator (mulberry32), so the test draws the same numbers every run.
    let seed = 42
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
    }
    const buckets = new Array(10).fill(0)
    for (let i = 0; i < 10_000; i++) buckets[Math.min(9, Math.floor(backoffDelay(3, full, random) / 400))]++
    for (const b of buckets) expect(b).toBeGreaterThan(800)
    for (const b of buckets) expect(b).toBeLessThan(1200)
  })

  it('reads the reconnect window from a 1012 Service Restart close, and nothing from other closes', () => {
    expect(restartWindow(1012, 'restarting; reconnect within 5000 ms')).toBe(5000)
    expect(restartWindow(1012, 'restarting')).toBeNull()
    expect(restartWindow(1001, 'restarting; reconnect within 5000 ms')).toBeNull()
    expect(restartWindow(1006, '')).toBeNull()
    expect(restartWindow(1012, 'reconnect within 99999999999 ms')).toBeNull()
  })

  it('waits a random moment within the window a restarting server gives, then connects again', async () => {
    const server = peer()
    const { s, states } = socket(server.url, { random: () => 0.5, backoff: { firstMs: 20, maxMs: 200, jitter: [0, 1] } })
    s.start()
    await until('open', () => s.state === 'open')
    server.last.ws.close(1012, 'restarting; reconnect within 600 ms')
    await until('open again', () => server.conns.length === 2 && s.state === 'open')
    const closed = states.find((x) => x.state === 'closed')!
    expect(closed.code).toBe(1012)
    const again = states.find((x) => x.state === 'connecting' && x.at > closed.at)!
    // Half of the 600 ms window (random pinned to 0.5), not the 10 ms the back-off would give.
    expect(again.at - closed.at).toBeGreaterThanOrEqual(300 - 2)
  })

  it('keeps to the restart window while the server starts again, then backs off from the first step if it does not come back', async () => {
    const server = peer()
    const { s, states } = socket(server.url, { random: () => 1, backoff: { firstMs: 100, maxMs: 1000, jitter: [0, 1] }, restartPatienceMs: 600 })
    s.start()
    await until('open', () => s.state === 'open')
    server.last.ws.close(1012, 'restarting; reconnect within 30 ms')
    const port = server.down()
    const hinted = performance.now()
    const gap = (i: number) => {
      const closed = states.filter((x) => x.state === 'closed')
      return states.find((x) => x.state === 'connecting' && x.at > closed[i]!.at)!.at - closed[i]!.at
    }
    // Past the patience, and two attempts more.
    await until('the patience to run out', () => states.filter((x) => x.state === 'closed' && x.at > hinted + 600).length >= 3)
    const closed = states.filter((x) => x.state === 'closed')
    expect(closed[0]!.code).toBe(1012)
    const within = closed.filter((x) => x.at < hinted + 600 - 35)
    // Attempts within the patience wait a draw of the window (30 ms), not a growing delay: at 30 ms
    // apiece about 18 fit in 600 ms; back-off from 100 ms would have made at most 3.
    expect(within.length).toBeGreaterThan(3)
    for (let i = 0; i < within.length; i++) expect(gap(i)).toBeGreaterThanOrEqual(30 - 2)
    // Then the back-off from its first step, growing: 100 ms, then 200 ms (draws pinned to the top).
    const after = closed.findIndex((x) => x.at >= hinted + 600)
    expect(gap(after)).toBeGreaterThanOrEqual(100 - 2)
    expect(gap(after + 1)).toBeGreaterThanOrEqual(200 - 2)
    server.up(port)
    await until('open again', () => s.state === 'open')
    // Greeted again: the hint is spent, and a plain drop backs off from the first step.
    const before = states.length
    server.last.ws.close(1011, 'internal error')
    await until('closed again', () => states.slice(before).some((x) => x.state === 'closed'))
    expect(states.slice(before).find((x) => x.state === 'closed')).toMatchObject({ code: 1011, attempt: 0 })
  })
})

