// Fan-out to this process's sockets through Bun's topics (server.publish encodes a frame once
// for all its subscribers). Topics: `agents` (every dashboard), `agent:<id>` (one agent's
// sockets), `visitor:<id>` (one visitor's tabs).
//
// Frames for every dashboard are coalesced: what is published to `agents` in one turn of the
// event loop goes out as ONE WebSocket frame, `{"type":"batch","frames":[…]}` (a single frame
// goes out as itself). Under load a group commit stores dozens of messages at once, and each
// dashboard then gets one write instead of one per message (with four dashboards, four of the six
// socket writes a message cost). The frames inside are the already-encoded JSON strings, joined,
// so nothing is encoded twice; their order is kept.
//
// Frames for a visitor's tabs and the answers to one socket (`reply`: acks, errors, resumed
// history) also wait for the end of the turn, and each socket's share goes out corked, in one
// write: a visitor's message costs its sending tab the echo and the ack, which were two socket
// writes (two system calls) and are now one. Each socket still gets its frames in the order
// they were produced.
import type { Server } from 'bun'
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'
import type { ConversationView, Counts } from '../domain/conversations/conversations.types.ts'
import { counts, forVisitor } from '../domain/conversations/conversations.usecases.ts'
import type { ConversationChange } from '../events/bus.ts'
import type { AgentPresence } from '../domain/agents/agents.types.ts'
import type { VisitorView } from '../domain/visitors/visitors.types.ts'
import type { ConversationEventView } from '../domain/conversation-events/conversation-events.types.ts'
import type * as Wire from './wire.ts'
import type { AsJson, Assert, Encodable, Same } from './wire.check.ts'

// What the domain hands the hub is, once encoded, exactly what wire.ts promises the clients.
type WireChecks = [
  Assert<Same<AsJson<MessageView>, Wire.Message>>,
  Assert<Same<AsJson<ConversationView>, Wire.Conversation>>,
  Assert<Same<Counts, Wire.Counts>>,
  Assert<Same<AgentPresence, Wire.AgentPresence>>,
  Assert<Same<AsJson<VisitorView>, Wire.Visitor>>,
  Assert<Same<ConversationChange, Wire.ConversationChange>>,
  Assert<Same<AsJson<ConversationEventView>, Wire.ConversationEvent>>,
]

/** A server frame as the hub is given it: the wire frame, with Dates where the wire has their ISO strings. */
export type OutgoingFrame = Encodable<Wire.ServerFrame>

export const AGENTS = 'agents'
/** A batch frame for the dashboards stays under about this many characters. */
const MAX_BATCH_CHARS = 256 * 1024
export const agentTopic = (id: string) => `agent:${id}`
export const visitorTopic = (id: string) => `visitor:${id}`

export interface Closable {
  close(code?: number, reason?: string): void
}

/** A socket as the hub sees it: closed for a block or a deactivation (`close`), or for a restart (`restart`). */
export interface HubSocket extends Closable {
  /**
   * Closes with 1012 Service Restart and this reason (which carries the reconnect window).
   * `goingOn`: this process stays up, so the close counts as an ordinary one (presence).
   */
  restart(reason: string, goingOn?: boolean): void
}

/** A widget socket as the hub keeps it: with its address, so a blocked range closes it live. */
export interface VisitorSocket extends HubSocket {
  readonly ip: string | null
}

/** A dashboard socket's way to end itself when its session ends (see sockets.ts). */
export interface SessionSocket {
  end(reason: string): void
}

/** A socket the hub answers on: Bun's ServerWebSocket (cork batches its writes into one). */
export interface ReplySocket {
  send(data: string): unknown
  cork?(callback: () => unknown): unknown
}

interface Queued {
  /** Position in this turn, to keep one socket's frames in the order they were produced. */
  n: number
  data: string
}

// The wire form of the views that go out with every message: the same JSON, with the times
// turned into ISO strings first, because JSON.stringify calling Date#toJSON is most of the cost
// of encoding a message frame.
function iso(d: Date | string): string
function iso(d: Date | string | null): string | null
function iso(d: Date | string | null): string | null {
  return d instanceof Date ? d.toISOString() : d
}
const wireMessage = (m: MessageView): Wire.Message => ({ ...m, createdAt: iso(m.createdAt) })
const wireConversation = (c: ConversationView): Wire.Conversation => ({
  ...c,
  lastMessage: { ...c.lastMessage, at: iso(c.lastMessage.at) },
  waitingSince: iso(c.waitingSince),
  createdAt: iso(c.createdAt),
  resolvedAt: iso(c.resolvedAt),
})

/** A `message` frame, encoded: the one encoder for it (the live fan-out and a tab's resumed history). */
export const encodeMessageFrame = (message: MessageView, conversation: ConversationView): string =>
  encode({ type: 'message', message: wireMessage(message), conversation: wireConversation(conversation) })

/** The one way a server frame becomes text: typed, so only frames that wire.ts describes go out. */
export const encode = (frame: OutgoingFrame): string => JSON.stringify(frame)

export class Hub {
  private server: Server<unknown> | null = null
  private countsTimer: ReturnType<typeof setTimeout> | null = null
  /** The counts reads this hub started for every dashboard: one overtaken by a later read is not published. */
  private countsReads = 0
  /** Agent sockets by agent id, so a deactivated agent's connections can be closed. */
  private agentSockets = new Map<string, Set<HubSocket>>()
  /** Dashboard sockets by session id, so a session that ends takes its sockets with it. */
  private sessionSockets = new Map<string, Set<SessionSocket>>()
  /** Encoded frames for the `agents` topic, waiting for the end of this turn. */
  private toAgents: string[] = []
  /** Frames for visitors' topics, by topic, and answers to single sockets, for the end of this turn. */
  private toVisitors = new Map<string, Queued[]>()
  private replies = new Map<ReplySocket, { topic: string | null; frames: Queued[] }>()
  private queued = 0
  private scheduled = false

  constructor(
    private sql: Sql,
    private log: Logger,
    private readCounts: () => Promise<Counts> = () => counts({ sql: this.sql }),
  ) {}

  attach(server: Server<unknown>): void {
    this.server = server
  }

  publish(topic: string, frame: OutgoingFrame): void {
    this.send(topic, encode(frame))
  }

  private send(topic: string, data: string): void {
    if (topic === AGENTS) this.toAgents.push(data)
    else if (topic.startsWith('visitor:')) {
      const list = this.toVisitors.get(topic)
      if (list) list.push({ n: this.queued++, data })
      else this.toVisitors.set(topic, [{ n: this.queued++, data }])
    } else {
      this.server?.publish(topic, data)
      return
    }
    this.schedule()
  }

  /**
   * Sends `data` to this one socket at the end of the turn, in the same write as what its
   * `topic` (the visitor's own topic, for a widget) gets in this turn.
   */
  reply(ws: ReplySocket, data: string, topic: string | null): void {
    const r = this.replies.get(ws)
    if (r) r.frames.push({ n: this.queued++, data })
    else this.replies.set(ws, { topic, frames: [{ n: this.queued++, data }] })
    this.schedule()
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  /** Sends everything queued in this turn. */
  flush(): void {
    this.scheduled = false
    this.queued = 0
    const replies = this.replies
    const visitors = this.toVisitors
    this.replies = new Map()
    this.toVisitors = new Map()
    for (const [ws, r] of replies) {
      const topic = r.topic
      const shared = topic ? visitors.get(topic) : undefined
      if (topic && shared) visitors.delete(topic)
      let i = 0
      const publishShared = (before: number) => {
        while (shared && i < shared.length && shared[i]!.n < before) this.server?.publish(topic!, shared[i++]!.data)
      }
      const write = () => {
        for (const f of r.frames) {
          publishShared(f.n)
          ws.send(f.data)
        }
        publishShared(Infinity)
      }
      try {
        if (ws.cork) ws.cork(write)
        else write()
      } catch (error) {
        this.log.warn('could not write to a socket', { error })
        publishShared(Infinity) // the visitor's other tabs still get theirs
      }
    }
    for (const [topic, frames] of visitors) for (const f of frames) this.server?.publish(topic, f.data)
    this.flushAgents()
  }

  /** Sends what waits for the dashboards: one frame as itself, more in batches of ≤ ~256 KB. */
  private flushAgents(): void {
    const frames = this.toAgents
    this.toAgents = []
    let batch: string[] = []
    let size = 0
    const out = () => {
      if (batch.length > 0) this.server?.publish(AGENTS, batch.length === 1 ? batch[0]! : `{"type":"batch","frames":[${batch.join(',')}]}`)
      batch = []
      size = 0
    }
    for (const frame of frames) {
      if (batch.length > 0 && size + frame.length > MAX_BATCH_CHARS) out()
      batch.push(frame)
      size += frame.length + 1
    }
    out()
  }

  message(message: MessageView, conversation: ConversationView): void {
    const data = encodeMessageFrame(message, conversation)
    this.send(AGENTS, data)
    const visible = forVisitor(conversation)
    this.send(visitorTopic(conversation.visitor.id), visible === conversation ? data : encodeMessageFrame(message, visible))
  }

  messageUpdated(message: MessageView, visitorId: string | null): void {
    const data = encode({ type: 'message.updated', message: wireMessage(message) })
    this.send(AGENTS, data)
    if (visitorId) this.send(visitorTopic(visitorId), data)
  }

  conversation(conversation: ConversationView, change: ConversationChange): void {
    const data = encode({ type: 'conversation', conversation: wireConversation(conversation), change })
    this.send(AGENTS, data)
    const visible = forVisitor(conversation)
    this.send(
      visitorTopic(conversation.visitor.id),
      visible === conversation ? data : encode({ type: 'conversation', conversation: wireConversation(visible), change }),
    )
    this.scheduleCounts()
  }

  /** A system event: to the dashboards only — a visitor never sees the thread's history lines. */
  conversationEvent(event: ConversationEventView): void {
    this.send(AGENTS, encode({ type: 'conversation.event', event: { ...event, createdAt: iso(event.createdAt) } }))
  }

  typing(t: { conversationId: string; visitorId: string; from: 'visitor' | 'agent'; agentId?: string; agentName?: string; typing: boolean }): void {
    const frame: Wire.ServerFrame = {
      type: 'typing',
      conversationId: t.conversationId,
      from: t.from,
      typing: t.typing,
      ...(t.agentId ? { agentId: t.agentId, agentName: t.agentName } : {}),
    }
    // Visitors hear agents typing; agents hear visitors (and each other, to avoid double answers).
    if (t.from === 'agent') this.publish(visitorTopic(t.visitorId), frame)
    this.publish(AGENTS, frame)
  }

  /** Who else has a conversation open (collision): dashboards only, never the visitor. */
  viewing(v: { conversationId: string; agentId: string; agentName: string; viewing: boolean; hello: boolean }): void {
    this.publish(AGENTS, { type: 'viewing', ...v })
  }

  presence(presence: AgentPresence): void {
    this.publish(AGENTS, { type: 'presence', presence })
  }

  /**
   * Counts change with many events; coalesce bursts into one query and one frame. Reads may
   * overlap (a burst after the timer fired): an answer overtaken by a later read is dropped, so an
   * older picture never follows a newer one.
   */
  scheduleCounts(): void {
    if (this.countsTimer) return
    this.countsTimer = setTimeout(async () => {
      this.countsTimer = null
      const read = ++this.countsReads
      try {
        const counts = await this.readCounts()
        if (read === this.countsReads) this.publish(AGENTS, { type: 'counts', counts })
      } catch (error) {
        this.log.warn('could not publish counts', { error })
      }
    }, 25)
  }

  /**
   * A dashboard socket's first counts (it is subscribed already). Undefined when a read for every
   * dashboard started meanwhile: its frame reaches this socket too, and is at least as new.
   */
  async firstCounts(): Promise<Counts | undefined> {
    const before = this.countsReads
    const counts = await this.readCounts()
    return this.countsReads === before ? counts : undefined
  }

  // Blocking (#16) ------------------------------------------------------------------------------
  /**
   * Widget sockets by visitor id, so a block closes them live: the socket itself for a visitor
   * with one (most of them; no collection per visitor), a set once they open a second tab.
   */
  private visitorSockets = new Map<string, VisitorSocket | Set<VisitorSocket>>()

  trackVisitor(visitorId: string, ws: VisitorSocket): void {
    const had = this.visitorSockets.get(visitorId)
    if (!had) this.visitorSockets.set(visitorId, ws)
    else if (had instanceof Set) had.add(ws)
    else if (had !== ws) this.visitorSockets.set(visitorId, new Set([had, ws]))
  }

  untrackVisitor(visitorId: string, ws: VisitorSocket): void {
    const had = this.visitorSockets.get(visitorId)
    if (had === ws) this.visitorSockets.delete(visitorId)
    else if (had instanceof Set) {
      had.delete(ws)
      if (had.size === 1) this.visitorSockets.set(visitorId, had.values().next().value!)
    }
  }

  /** This visitor's widget sockets on this process, or all of them (copies: closing one untracks it). */
  private socketsOf(visitorId?: string): VisitorSocket[] {
    const list = (had: VisitorSocket | Set<VisitorSocket> | undefined) => (!had ? [] : had instanceof Set ? [...had] : [had])
    return visitorId !== undefined ? list(this.visitorSockets.get(visitorId)) : [...this.visitorSockets.values()].flatMap(list)
  }

  /**
   * Closes this process's widget sockets of these visitors, and of addresses `blockedIp` says
   * are blocked: an error frame (`visitor.blocked`, which tells the widget to hide), then close
   * code 4003. Returns how many it closed.
   */
  closeBlocked(visitorIds: string[], blockedIp: ((ip: string) => boolean) | null): number {
    let closed = 0
    // The socket's own closer sends the error frame and marks it ended (sockets.ts closeBlocked).
    const close = (ws: Closable) => {
      ws.close()
      closed++
    }
    for (const id of visitorIds) for (const ws of this.socketsOf(id)) close(ws)
    if (blockedIp) for (const ws of this.socketsOf()) if (ws.ip && blockedIp(ws.ip)) close(ws)
    return closed
  }

  /**
   * Closes this process's widget sockets of this visitor with 1012 and a short reconnect window:
   * their token now names someone else (identify), so each comes back as that one, with that
   * one's conversations, instead of going on writing as the visitor it was opened for.
   */
  reconnectVisitor(visitorId: string): number {
    const sockets = this.socketsOf(visitorId)
    for (const ws of sockets) ws.restart('signed in as another user; reconnect within 500 ms', true)
    return sockets.length
  }
  // ----------------------------------------------------------------------------------------------

  /**
   * Graceful shutdown: closes every socket of this process, widgets' and dashboards', with 1012
   * (Service Restart) and a reconnect window sized to their number — a millisecond per socket, at least 1 s, at most
   * `maxMs` — within which each widget picks a random moment to reconnect (and keeps picking one
   * while the next process starts), so that process is met by a steady stream of at most about
   * 1,000 handshakes a second instead of every client at once. Returns how many.
   */
  restartAll(maxMs: number): { closed: number; windowMs: number } {
    return this.closeAllWithin(maxMs, 'restarting', false)
  }

  /**
   * The same for a process that goes on, when its clients may have missed frames (the cluster
   * relay could not hear the other processes for a while): each client reconnects within the
   * window and catches up — the widget resumes after its last sequence number, the dashboard
   * reloads what it shows. Their closes count as ordinary ones.
   */
  reconnectAll(maxMs: number): { closed: number; windowMs: number } {
    return this.closeAllWithin(maxMs, 'catching up', true)
  }

  private closeAllWithin(maxMs: number, why: string, goingOn: boolean): { closed: number; windowMs: number } {
    const sockets: HubSocket[] = this.socketsOf()
    for (const set of this.agentSockets.values()) sockets.push(...set)
    const windowMs = Math.round(Math.min(maxMs, Math.max(1000, sockets.length)))
    const reason = `${why}; reconnect within ${windowMs} ms`
    for (const ws of sockets) ws.restart(reason, goingOn)
    return { closed: sockets.length, windowMs }
  }

  trackAgent(agentId: string, ws: HubSocket): void {
    let set = this.agentSockets.get(agentId)
    if (!set) this.agentSockets.set(agentId, (set = new Set()))
    set.add(ws)
  }

  untrackAgent(agentId: string, ws: HubSocket): void {
    const set = this.agentSockets.get(agentId)
    set?.delete(ws)
    if (set && set.size === 0) this.agentSockets.delete(agentId)
  }

  /** Ends a deactivated agent's live connections on this process. */
  endAgent(agentId: string, reason: string): void {
    this.publish(agentTopic(agentId), { type: 'session.ended', reason })
    for (const ws of this.agentSockets.get(agentId) ?? []) ws.close(4001, reason)
  }

  trackSession(sessionId: string, ws: SessionSocket): void {
    let set = this.sessionSockets.get(sessionId)
    if (!set) this.sessionSockets.set(sessionId, (set = new Set()))
    set.add(ws)
  }

  untrackSession(sessionId: string, ws: SessionSocket): void {
    const set = this.sessionSockets.get(sessionId)
    set?.delete(ws)
    if (set && set.size === 0) this.sessionSockets.delete(sessionId)
  }

  /** Ends the sockets of these sessions on this process (each says session.ended, then closes). */
  endSessions(sessionIds: readonly string[], reason: string): void {
    for (const id of sessionIds) {
      const set = this.sessionSockets.get(id)
      if (!set) continue
      this.sessionSockets.delete(id)
      for (const ws of set) ws.end(reason)
    }
  }

  /** Open sockets now: the dashboards' (tracked per agent) and all of them (the server's count). */
  socketCounts(): { agents: number; all: number } {
    let agents = 0
    for (const set of this.agentSockets.values()) agents += set.size
    return { agents, all: this.server?.pendingWebSockets ?? agents }
  }

  private recordingWatchers = new Map<string, Set<(seq: number) => void>>()

  /** A live replay's stream: told the moment a chunk of this recording is stored, on any process. */
  watchRecording(recordingId: string, onChunk: (seq: number) => void): () => void {
    let set = this.recordingWatchers.get(recordingId)
    if (!set) this.recordingWatchers.set(recordingId, (set = new Set()))
    set.add(onChunk)
    return () => {
      set.delete(onChunk)
      if (set.size === 0 && this.recordingWatchers.get(recordingId) === set) this.recordingWatchers.delete(recordingId)
    }
  }

  recordingChunk(recordingId: string, seq: number): void {
    for (const onChunk of this.recordingWatchers.get(recordingId) ?? []) onChunk(seq)
  }

  stop(): void {
    this.flush()
    if (this.countsTimer) clearTimeout(this.countsTimer)
    this.countsTimer = null
  }
}
