// The hub's end-of-turn writes, against a stand-in for Bun's server and sockets that records what
// was written inside which cork (the real sockets are exercised by chat.test.ts and the browser
// tests; what a unit test can see and they cannot is which writes shared one cork).
import { describe, expect, it } from 'bun:test'
import type { Server } from 'bun'
import { Hub, visitorTopic, type ReplySocket } from './hub.ts'
import { silentLogger } from '../shared/logger.ts'
import type { Sql } from '../db/client.ts'
import type { ConversationView, Counts } from '../domain/conversations/conversations.types.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'

/** Everything written, in order: [socket name, data, the cork it was written in (0: none)]. */
type Write = [string, string, number]

function world() {
  const writes: Write[] = []
  const subscribers = new Map<string, FakeSocket[]>()
  let corks = 0
  let corked: FakeSocket | null = null
  class FakeSocket implements ReplySocket {
    corkCalls = 0
    constructor(public name: string, public failCork = false) {}
    send(data: string) {
      writes.push([this.name, data, corked === this ? corks : 0])
      return data.length
    }
    cork(callback: () => unknown) {
      this.corkCalls++
      if (this.failCork) throw new Error('socket gone')
      corks++
      corked = this
      try {
        callback()
      } finally {
        corked = null
      }
    }
    subscribe(topic: string) {
      subscribers.set(topic, [...(subscribers.get(topic) ?? []), this])
    }
  }
  const server = { publish: (topic: string, data: string) => subscribers.get(topic)?.forEach((s) => s.send(data)) }
  const reads: ((c: Counts) => void)[] = []
  const hub = new Hub(null as unknown as Sql, silentLogger, () => new Promise<Counts>((resolve) => reads.push(resolve)))
  hub.attach(server as unknown as Server<unknown>)
  return { hub, writes, FakeSocket, reads }
}

const turn = () => new Promise((r) => setImmediate(r))

describe('hub: end-of-turn writes', () => {
  it("writes a visitor's echo and the ack to the sending tab in one cork, in the order they were produced", async () => {
    const { hub, writes, FakeSocket } = world()
    const topic = visitorTopic('v1')
    const sender = new FakeSocket('sender')
    const otherTab = new FakeSocket('other tab')
    sender.subscribe(topic)
    otherTab.subscribe(topic)
    hub.publish(topic, { type: 'pong' }) // stands for the echo: any frame for the visitor's tabs
    hub.reply(sender, 'ack-1', topic)
    expect(writes).toEqual([]) // nothing before the end of the turn
    await turn()
    const echo = JSON.stringify({ type: 'pong' })
    expect(writes).toEqual([
      ['sender', echo, 1],
      ['other tab', echo, 0],
      ['sender', 'ack-1', 1],
    ])
    expect(sender.corkCalls).toBe(1)
  })

  it('keeps production order when the answer comes first, and across several answers', async () => {
    const { hub, writes, FakeSocket } = world()
    const topic = visitorTopic('v2')
    const tab = new FakeSocket('tab')
    tab.subscribe(topic)
    hub.reply(tab, 'error-for-frame-1', topic)
    hub.publish(topic, { type: 'resumed', conversationId: 'c', lastSeq: 3 })
    hub.reply(tab, 'ack-2', topic)
    await turn()
    expect(writes.map((w) => w[1])).toEqual(['error-for-frame-1', JSON.stringify({ type: 'resumed', conversationId: 'c', lastSeq: 3 }), 'ack-2'])
    expect(new Set(writes.map((w) => w[2]))).toEqual(new Set([1]))
  })

  it("publishes a visitor's frames without a cork when no tab of theirs is answered, and never twice", async () => {
    const { hub, writes, FakeSocket } = world()
    const a = new FakeSocket('a')
    const b = new FakeSocket('b')
    a.subscribe(visitorTopic('va'))
    b.subscribe(visitorTopic('vb'))
    hub.publish(visitorTopic('va'), { type: 'pong' })
    hub.reply(b, 'ack-b', visitorTopic('vb'))
    hub.reply(a, 'ack-a', visitorTopic('va'))
    hub.publish(visitorTopic('vb'), { type: 'pong' })
    await turn()
    const pong = JSON.stringify({ type: 'pong' })
    expect(writes.filter((w) => w[0] === 'a').map((w) => w[1])).toEqual([pong, 'ack-a'])
    expect(writes.filter((w) => w[0] === 'b').map((w) => w[1])).toEqual(['ack-b', pong])
    expect(writes.length).toBe(4)
  })

  it("still delivers to the visitor's other tabs when writing to the answered socket fails", async () => {
    const { hub, writes, FakeSocket } = world()
    const topic = visitorTopic('v3')
    const gone = new FakeSocket('gone', true)
    const alive = new FakeSocket('alive')
    alive.subscribe(topic)
    hub.publish(topic, { type: 'pong' })
    hub.reply(gone, 'ack', topic)
    await turn()
    expect(writes).toEqual([['alive', JSON.stringify({ type: 'pong' }), 0]])
  })

  it('encodes message and conversation frames exactly as JSON.stringify of the views would', async () => {
    const { hub, writes, FakeSocket } = world()
    const topic = visitorTopic('v4')
    const tab = new FakeSocket('tab')
    tab.subscribe(topic)
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 3, 0, 0, ms))
    const conversation: ConversationView = {
      id: 'c4', channel: 'web', status: 'resolved', visitor: { id: 'v4', number: 4, name: 'Vera', email: null },
      assignee: { id: 'a1', name: 'Ann' }, lastSeq: 7, lastMessage: { preview: 'bye "now"', at: at(1), author: 'agent', agent: { id: 'a1', name: 'Ann' } },
      waitingSince: null, createdAt: at(2), resolvedAt: at(3), resolvedBy: 'a1', rating: { scale: 'stars', score: 4 }, tags: [], group: null,
    }
    const open: ConversationView = { ...conversation, status: 'open', waitingSince: at(4), resolvedAt: null, resolvedBy: null }
    const message: MessageView = {
      id: 'm7', conversationId: 'c4', seq: 7, authorType: 'agent', authorId: 'a1', authorName: 'Ann', body: 'bye "now" \\ ✓',
      clientId: null, channel: 'web', deliveryStatus: 'sent', deliveryCode: null, deliveryError: null, createdAt: at(5),
      attachments: [{ id: 'f1', filename: 'plan "v2".pdf', contentType: 'application/pdf', size: 1234 }],
    }
    hub.message(message, conversation)
    hub.conversation(open, 'reopened')
    await turn()
    expect(writes.map((w) => w[1])).toEqual([
      JSON.stringify({ type: 'message', message, conversation }),
      JSON.stringify({ type: 'conversation', conversation: open, change: 'reopened' }),
    ])
  })

  it('stop() writes what is still queued', () => {
    const { hub, writes, FakeSocket } = world()
    const s = new FakeSocket('s')
    hub.reply(s, 'last words', null)
    hub.stop()
    expect(writes).toEqual([['s', 'last words', 1]])
  })
})

describe('hub: widget sockets kept for blocks and restarts', () => {
  /** A widget socket as the hub keeps it; closing untracks it, as the real close handler does. */
  function tracked(hub: Hub, visitorId: string, ip: string | null, log: string[]) {
    const ws = {
      ip,
      close: () => {
        log.push(`close ${visitorId} ${ip}`)
        hub.untrackVisitor(visitorId, ws)
      },
      restart: (reason: string, goingOn?: boolean) => log.push(`${goingOn ? 'reconnect' : 'restart'} ${visitorId} ${ip} ${reason}`),
    }
    hub.trackVisitor(visitorId, ws)
    return ws
  }

  it('closes every tab of a blocked visitor, from one socket to three and back, and each only once', () => {
    const hub = new Hub(null as unknown as Sql, silentLogger)
    const log: string[] = []
    const one = tracked(hub, 'v1', '192.0.2.1', log)
    tracked(hub, 'v1', '192.0.2.2', log)
    tracked(hub, 'v1', '192.0.2.3', log)
    hub.trackVisitor('v1', one) // tracked twice is still one socket
    tracked(hub, 'v2', '192.0.2.9', log)
    expect(hub.closeBlocked(['v1'], null)).toBe(3)
    expect(log.sort()).toEqual(['close v1 192.0.2.1', 'close v1 192.0.2.2', 'close v1 192.0.2.3'])
    expect(hub.closeBlocked(['v1'], null)).toBe(0)

    // A visitor down from two tabs to one is still found, and a closed tab is not closed again.
    const log2: string[] = []
    const a = tracked(hub, 'v3', '192.0.2.4', log2)
    tracked(hub, 'v3', '192.0.2.5', log2)
    hub.untrackVisitor('v3', a)
    expect(hub.closeBlocked(['v3'], null)).toBe(1)
    expect(log2).toEqual(['close v3 192.0.2.5'])
  })

  it('closes the sockets of a blocked range by their own address, whichever tab of a visitor it is', () => {
    const hub = new Hub(null as unknown as Sql, silentLogger)
    const log: string[] = []
    tracked(hub, 'v1', '203.0.113.7', log)
    tracked(hub, 'v1', '198.51.100.1', log)
    tracked(hub, 'v2', '203.0.113.8', log)
    tracked(hub, 'v3', null, log)
    expect(hub.closeBlocked([], (ip) => ip.startsWith('203.0.113.'))).toBe(2)
    expect(log.sort()).toEqual(['close v1 203.0.113.7', 'close v2 203.0.113.8'])
    // what is left: v1's other tab and v3, both restarted with the window in the reason
    log.length = 0
    expect(hub.restartAll(8000)).toEqual({ closed: 2, windowMs: 1000 })
    expect(log.sort()).toEqual(['restart v1 198.51.100.1 restarting; reconnect within 1000 ms', 'restart v3 null restarting; reconnect within 1000 ms'])
    // a process that goes on (its relay was deaf for a while) asks the same, saying why
    log.length = 0
    expect(hub.reconnectAll(8000)).toEqual({ closed: 2, windowMs: 1000 })
    expect(log.sort()).toEqual(['reconnect v1 198.51.100.1 catching up; reconnect within 1000 ms', 'reconnect v3 null catching up; reconnect within 1000 ms'])
  })
})

describe('hub: counts', () => {
  it('never lets an older picture of the counts follow a newer one: an overtaken read is dropped, and a first counts a later read overtook is not sent', async () => {
    const { hub, writes, FakeSocket, reads } = world()
    new FakeSocket('dashboard').subscribe('agents')
    const counts = (unassigned: number): Counts => ({ unassigned, byAssignee: {}, unassignedByGroup: {} })
    const published = () => writes.map(([, data]) => JSON.parse(data)).filter((f) => f.type === 'counts').map((f) => f.counts.unassigned)
    hub.scheduleCounts()
    await Bun.sleep(40)
    hub.scheduleCounts() // a burst after the first read began
    await Bun.sleep(40)
    expect(reads).toHaveLength(2)
    reads[1]!(counts(3))
    await turn()
    reads[0]!(counts(2)) // read first, answered last
    await turn()
    expect(published()).toEqual([3])

    // A dashboard that just opened reads its own first counts; a read for every dashboard begins meanwhile.
    const first = hub.firstCounts()
    hub.scheduleCounts()
    await Bun.sleep(40)
    reads[3]!(counts(4))
    await turn()
    reads[2]!(counts(3))
    expect(await first).toBeUndefined()
    await turn()
    expect(published()).toEqual([3, 4])
    // With no read meanwhile it is sent.
    const alone = hub.firstCounts()
    reads[4]!(counts(5))
    expect(await alone).toEqual(counts(5))
    hub.stop()
  })
})
