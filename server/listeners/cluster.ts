// Keeps several Parley processes on one database in step: every local event is announced with
// NOTIFY (ids only, never bodies), and every other process loads the rows and pushes them to its
// own sockets. Remote events are handled one at a time, in the order they were announced.
import type { Sql } from '../db/client.ts'
import type { Listening } from '../db/listen.ts'
import type { EventBus, ConversationChange } from '../events/bus.ts'
import { AGENTS, agentTopic, type Hub } from '../realtime/hub.ts'
import { findVisitors, onlineVisitors } from '../domain/visitors/visitors.usecases.ts'
import type { Logger } from '../shared/logger.ts'
import { DatabaseAwayLog } from '../shared/database-away.ts'
import type { Counter } from '../shared/metrics.ts'
import { findMessage, findMessages } from '../domain/messages/messages.usecases.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'
import { findConversation, findConversations } from '../domain/conversations/conversations.usecases.ts'
import type { ConversationView } from '../domain/conversations/conversations.types.ts'
import type { VisitorView } from '../domain/visitors/visitors.types.ts'
import { findNote } from '../domain/notes/notes.usecases.ts'
import { publishNote } from './team.ts'
import { findConversationEvent } from '../domain/conversation-events/conversation-events.usecases.ts'
import { agentPresence, otherLiveProcesses } from '../domain/agents/agents.usecases.ts'
import { blocksChanged } from '../domain/blocking/blocking.usecases.ts'
import { webhooksChanged } from '../domain/webhooks/webhooks.usecases.ts'
import { closeBlockedSockets } from './blocking.ts'

export const CHANNEL = 'parley_events'

/** What one process tells the others: which rows to load and push (ids only, never bodies). */
type Note =
  | { kind: 'message'; messageId: string }
  | { kind: 'message.updated'; messageId: string }
  | { kind: 'conversation'; conversationId: string; change: ConversationChange }
  | { kind: 'conversation.event'; eventId: string }
  | { kind: 'viewing'; conversationId: string; agentId: string; agentName: string; viewing: boolean; hello: boolean }
  | { kind: 'agent.presence'; agentId: string }
  | { kind: 'agent.deactivated'; agentId: string }
  /** Sessions that ended (their public ids, never tokens): close their sockets here too. */
  | { kind: 'sessions.ended'; sessionIds: string[]; reason: string }
  | { kind: 'visitor'; visitorId: string }
  | { kind: 'visitor.presence'; visitorId: string }
  | { kind: 'visitor.switched'; visitorId: string }
  /** Numbers, not bodies: how far an agent read, for that agent's tabs on this process. */
  | { kind: 'read'; agentId: string; conversationId: string; seq: number; unread: number; upTo: number }
  /** A recording's chunk was stored: live replays here fetch it. */
  | { kind: 'recording.chunk'; recordingId: string; seq: number }
  /** A private note was stored: dashboards here get it, mentioned agents their notice. */
  | { kind: 'note'; noteId: string }
  | { kind: 'typing'; conversationId: string; visitorId: string; from: 'visitor' | 'agent'; agentId?: string; agentName?: string; typing: boolean }
  /** Blocking (#16): forget cached "no blocks", close the sockets a block covers here. */
  | { kind: 'blocks'; added: boolean; visitorIds: string[]; ranges: string[] }
  /** A webhook changed: forget the cached active receivers. */
  | { kind: 'webhooks' }

/** One NOTIFY: the sender's process id and its notes, or its hello when it starts. */
interface Envelope {
  from: string
  notes?: Note[]
  /**
   * The sender's count of the NOTIFYs with notes it sent or tried to send (1, 2, …; a process id
   * is new at each start): a number skipped is notes the receiver never heard.
   */
  n?: number
  hello?: boolean
}

async function otherNodesAlive(sql: Sql, nodeId: string): Promise<boolean> {
  return (await otherLiveProcesses({ sql }, nodeId)) > 0
}

export interface Cluster {
  stop(): Promise<void>
}

/** Opens a connection that hears the given channels (server/db/listen.ts's listenOn, bound to the database). */
export type Listen = (channels: string[], onNotify: (channel: string, payload: string) => void) => Promise<Listening>

/** After lost announcements (a failed relayed read, a skipped number), clients are asked to catch up at most this often. */
const CATCH_UP_GAP_MS = 5_000

/** Bytes of notes per NOTIFY, under PostgreSQL's 8000-byte payload limit with room for the envelope. */
const PAYLOAD_BUDGET = 7000

export async function startCluster(opts: {
  sql: Sql
  /**
   * Where the relay reads what the other processes announce: connections of their own that plan
   * each statement once (generic plans, runtime.ts). On the shared pool PostgreSQL planned the
   * conversation view afresh for every relayed message, which cost it more than running it.
   */
  readSql: Sql
  listen: Listen
  bus: EventBus
  hub: Hub
  nodeId: string
  log: Logger
  /** The longest window within which this process's clients reconnect after a silence (config.restartWindowMaxMs). */
  reconnectWindowMaxMs: number
  /** Counts the catch-ups (parley_relay_catch_ups_total). */
  catchUps?: Counter
}): Promise<Cluster> {
  const { sql, listen, bus, hub, nodeId, log } = opts
  const db = { sql: opts.readSql }
  // The database away: said once, not for every announcement and every event that fails meanwhile.
  const away = new DatabaseAwayLog(log, 'cluster relay', 'its sockets reconnect to catch up once it is back')
  /**
   * When notes were lost (0: none since the last catch-up): a relayed read failed because the
   * database was away, or another process's count skipped a number. What they carried never
   * reached this process's sockets; caught up once the relay reads again (the pinger below).
   */
  let lostAt = 0
  let probing = false
  let caughtUpAt = 0
  /**
   * What the others announced was not all heard or read here: messages, changes and sign-outs
   * for this process's clients, blocks and receivers for its caches. The caches read again, and
   * every client reconnects within a window and catches up (the widget resumes after its last
   * sequence number, the dashboard reloads what it shows, a signed-out session is refused),
   * instead of going on with frames missing.
   */
  const catchUp = (reason: 'silence' | 'lost') => {
    caughtUpAt = Date.now()
    opts.catchUps?.inc({ reason })
    blocksChanged({ sql })
    webhooksChanged({ sql })
    const { closed, windowMs } = hub.reconnectAll(opts.reconnectWindowMaxMs)
    const why = reason === 'silence' ? 'listening again after a silence' : 'announcements were lost'
    log.warn(`cluster relay: ${why}; its sockets reconnect to catch up`, { sockets: closed, windowMs })
  }

  // Notes are sent in batches: everything announced in one turn of the event loop goes out as
  // one NOTIFY (split before PostgreSQL's 8000-byte payload limit). And while this is the only
  // live process, nobody is listening: nothing is sent until another one says hello.
  // Set true by anything another process says; settled for certain at the end of start-up, once
  // this process listens and has said hello (see below).
  let peers = false
  let batch: string[] = []
  let size = 0
  let flushing: ReturnType<typeof setImmediate> | null = null
  // One NOTIFY in flight at a time: two sent at once go out on two pool connections, and the one
  // that commits first is heard first, so a visitor's first message could reach the other
  // processes after their second. Batches made meanwhile wait, and go out merged up to the limit.
  const waiting: { notes: string[]; size: number }[] = []
  let sending: Promise<void> | null = null
  let sent = 0
  const sendNext = (): void => {
    const first = waiting.shift()
    if (!first) return
    const notes = first.notes
    let total = first.size
    while (waiting.length && total + waiting[0]!.size <= PAYLOAD_BUDGET) {
      const next = waiting.shift()!
      notes.push(...next.notes)
      total += next.size
    }
    // Counted even when it fails: the receivers then see the number skipped and catch up.
    sending = sql
      .notify(CHANNEL, `{"from":${JSON.stringify(nodeId)},"n":${++sent},"notes":[${notes.join(',')}]}`)
      .then(
        () => away.ok(),
        (error) => {
          if (!away.failed(error)) log.warn('cluster notify failed', { error })
        },
      )
      .finally(() => {
        sending = null
        sendNext()
      })
  }
  const flush = () => {
    flushing = null
    if (batch.length) waiting.push({ notes: batch, size })
    batch = []
    size = 0
    if (!sending) sendNext()
  }
  const notify = (note: Note): void => {
    if (!peers) return
    const json = JSON.stringify(note)
    if (size + json.length > PAYLOAD_BUDGET) flush()
    batch.push(json)
    size += json.length + 1
    flushing ??= setImmediate(flush)
  }
  // Whether other processes still run is re-checked now and then, so a lone process stops sending.
  const recheck = setInterval(() => {
    otherNodesAlive(sql, nodeId).then((alive) => (peers = alive), () => {})
  }, 15_000)

  const offs = [
    bus.on('message.created', ({ message }) => notify({ kind: 'message', messageId: message.id })),
    bus.on('message.updated', ({ message }) => notify({ kind: 'message.updated', messageId: message.id })),
    bus.on('conversation.changed', ({ conversation, change }) => notify({ kind: 'conversation', conversationId: conversation.id, change })),
    bus.on('agent.presence', ({ presence }) => notify({ kind: 'agent.presence', agentId: presence.agentId })),
    bus.on('agent.deactivated', ({ agentId }) => notify({ kind: 'agent.deactivated', agentId })),
    // 100 ids (≈ 4 KB) per note keep each one under the NOTIFY payload limit.
    bus.on('session.ended', ({ sessionIds, reason }) => {
      for (let i = 0; i < sessionIds.length; i += 100) notify({ kind: 'sessions.ended', sessionIds: sessionIds.slice(i, i + 100), reason })
    }),
    bus.on('visitor.changed', ({ visitor }) => notify({ kind: 'visitor', visitorId: visitor.id })),
    bus.on('visitor.presence', ({ visitorId }) => notify({ kind: 'visitor.presence', visitorId })),
    bus.on('typing', (t) => notify({ kind: 'typing', ...t })),
    bus.on('conversation.event', ({ event }) => notify({ kind: 'conversation.event', eventId: event.id })),
    bus.on('viewing', (v) => notify({ kind: 'viewing', ...v })),
    bus.on('conversation.read', (r) => notify({ kind: 'read', ...r })),
    bus.on('recording.chunk', ({ recordingId, seq }) => notify({ kind: 'recording.chunk', recordingId, seq })),
    bus.on('note.created', ({ note }) => notify({ kind: 'note', noteId: note.id })),
    bus.on('blocking.changed', (c) => notify({ kind: 'blocks', ...c })),
    bus.on('visitor.switched', ({ visitorId }) => notify({ kind: 'visitor.switched', visitorId })),
    bus.on('webhooks.changed', () => notify({ kind: 'webhooks' })),
  ]

  /** Every other kind of note, one at a time (new messages and conversation changes: handleAll). */
  const handle = async (note: Note): Promise<void> => {
    switch (note.kind) {
      case 'message.updated': {
        const message = await findMessage(db, note.messageId)
        const conversation = message && (await findConversation(db, message.conversationId))
        if (message) hub.messageUpdated(message, conversation?.visitor.id ?? null)
        return
      }
      case 'conversation.event': {
        const event = await findConversationEvent(db, note.eventId)
        if (event) hub.conversationEvent(event)
        return
      }
      case 'viewing': {
        const { kind: _, ...viewing } = note
        hub.viewing(viewing)
        return
      }
      case 'agent.presence': {
        const presence = await agentPresence(db, note.agentId)
        if (presence) hub.presence(presence)
        return
      }
      case 'agent.deactivated':
        hub.endAgent(note.agentId, 'deactivated')
        return
      case 'sessions.ended':
        hub.endSessions(note.sessionIds, note.reason)
        return
      case 'read': {
        const { kind: _, agentId, ...read } = note
        hub.publish(agentTopic(agentId), { type: 'read', ...read })
        return
      }
      case 'typing': {
        const { kind: _, ...typing } = note
        hub.typing(typing)
        return
      }
      case 'recording.chunk':
        hub.recordingChunk(note.recordingId, note.seq)
        return
      case 'note': {
        const stored = await findNote(db, note.noteId)
        const conversation = stored && (await findConversation(db, stored.conversationId))
        if (stored && conversation) publishNote(hub, stored, conversation)
        return
      }
      case 'blocks': {
        const { kind: _, ...change } = note
        blocksChanged({ sql })
        closeBlockedSockets(hub, change)
        return
      }
      case 'webhooks':
        webhooksChanged({ sql })
        return
      case 'visitor.switched':
        hub.reconnectVisitor(note.visitorId)
        return
    }
  }

  /**
   * One payload's notes, in order. New messages and conversation changes, the bulk of the
   * traffic (each message brings both), are read for the whole payload first: two statements
   * (the messages, then every conversation named) instead of one or two per note, which kept
   * the relay behind at a few hundred messages a second.
   */
  const handleAll = async (notes: Note[]): Promise<void> => {
    const messageIds: string[] = []
    const conversationIds: string[] = []
    const presenceIds = new Set<string>()
    const visitorIds = new Set<string>()
    for (const n of notes) {
      if (n.kind === 'message') messageIds.push(n.messageId)
      else if (n.kind === 'conversation') conversationIds.push(n.conversationId)
      else if (n.kind === 'visitor.presence') presenceIds.add(n.visitorId)
      else if (n.kind === 'visitor') visitorIds.add(n.visitorId)
    }
    let messages = new Map<string, MessageView>()
    let conversations = new Map<string, ConversationView>()
    // A burst of widgets coming or going on another process (its restart, a dropped network)
    // arrives as a hundred presence notes a payload, and cards changed by those visits: each kind
    // read as one statement, not one each.
    let online = new Set<string>()
    let visitors = new Map<string, VisitorView>()
    try {
      if (messageIds.length) messages = new Map((await findMessages(db, messageIds)).map((m) => [m.id, m]))
      for (const m of messages.values()) conversationIds.push(m.conversationId)
      if (conversationIds.length) conversations = new Map((await findConversations(db, conversationIds)).map((c) => [c.id, c]))
      if (presenceIds.size) online = await onlineVisitors(db, [...presenceIds])
      if (visitorIds.size) visitors = new Map((await findVisitors(db, [...visitorIds])).map((v) => [v.id, v]))
    } catch (error) {
      // Lost only while the database is away: a fault of another kind would recur on every try.
      if (away.failed(error)) lostAt = Date.now()
      else log.warn('cluster event failed', { error, notes: notes.length })
      return
    }
    for (const note of notes) {
      try {
        if (note.kind === 'message') {
          const message = messages.get(note.messageId)
          const conversation = message && conversations.get(message.conversationId)
          if (message && conversation) hub.message(message, conversation)
        } else if (note.kind === 'conversation') {
          const conversation = conversations.get(note.conversationId)
          if (conversation) hub.conversation(conversation, note.change)
        } else if (note.kind === 'visitor.presence') {
          hub.publish(AGENTS, { type: 'visitor.presence', visitorId: note.visitorId, online: online.has(note.visitorId) })
        } else if (note.kind === 'visitor') {
          const visitor = visitors.get(note.visitorId)
          if (visitor) hub.publish(AGENTS, { type: 'visitor', visitor })
        } else {
          await handle(note)
        }
      } catch (error) {
        if (away.failed(error)) lostAt = Date.now()
        else log.warn('cluster event failed', { error, note })
      }
    }
  }

  let chain = Promise.resolve()
  const onPayload = (payload: string) => {
    let parsed: Partial<Envelope>
    try {
      parsed = JSON.parse(payload)
    } catch {
      return
    }
    if (parsed.from === nodeId || typeof parsed.from !== 'string') return
    // Another process started (or is announcing events): from now on, tell it ours.
    peers = true
    const notes = parsed.notes ?? []
    if (typeof parsed.n === 'number') {
      // A number skipped: that process's notes were lost on the way (it could not send them, or
      // this process could not hear them); caught up as after a failed read.
      const last = lastHeard.get(parsed.from)
      if (last !== undefined && parsed.n > last + 1) lostAt ||= Date.now()
      if (lastHeard.size >= 1000) lastHeard.clear() // a process id is new at each start
      lastHeard.set(parsed.from, parsed.n)
    }
    if (notes.length) chain = chain.then(() => handleAll(notes))
  }
  /** The last `n` heard from each other process. */
  const lastHeard = new Map<string, number>()
  // This process pings itself twice a second on a channel of its own, over its listening
  // connection. A ping that PostgreSQL confirmed (its NOTIFY committed) 2 s ago and that has not
  // come back means that connection hears nothing (PostgreSQL restarted, the connection was cut or
  // hangs): it is closed and a new one listens to both channels. Confirmed pings, not the time
  // since one was last heard: a process too busy to read for a while, or whose database is away,
  // has not lost its ear — taking it for deaf made 3 busy nodes ask their clients to reconnect.
  const pingChannel = `parley_ping_${nodeId.replaceAll('-', '')}`
  let pingsSent = 0
  let pingHeard = 0
  /** Pings PostgreSQL confirmed that have not come back yet: number → when confirmed. */
  const unheard = new Map<number, number>()
  let tickAt = Date.now()
  const onNotify = (channel: string, payload: string) => {
    if (channel === pingChannel) {
      pingHeard = Math.max(pingHeard, Number(payload) || 0)
      for (const k of unheard.keys()) if (k <= pingHeard) unheard.delete(k)
    } else if (channel === CHANNEL) onPayload(payload)
  }
  let ear: Listening | null = await listen([CHANNEL, pingChannel], onNotify)
  let stopped = false
  let relistening = false
  const pinger = setInterval(() => {
    const now = Date.now()
    // A tick that comes late: this process did not run for a while, and its ear may not have read yet.
    const stalled = now - tickAt > 1_000
    tickAt = now
    if (relistening) return
    const deaf = !stalled && [...unheard.values()].some((at) => now - at > 2_000)
    if (deaf) {
      relistening = true
      unheard.clear()
      void (async () => {
        const old = ear
        ear = null
        await old?.close()
        // connect_timeout bounds a connect that neither answers nor fails; a failure is tried again
        // once a ping is confirmed and not heard again.
        const fresh = await listen([CHANNEL, pingChannel], onNotify)
        if (stopped) return fresh.close()
        ear = fresh
        // Pings sent before it listened never come back to it.
        pingHeard = pingsSent
        unheard.clear()
        // Saying hello again tells the others that this process is there.
        await sql.notify(CHANNEL, JSON.stringify({ from: nodeId, hello: true } satisfies Envelope))
        peers = await otherNodesAlive(sql, nodeId)
        // What the others announced while this process could not hear is lost (the numbers they
        // skipped meanwhile need no second catch-up).
        if (peers) catchUp('silence')
        else log.info('cluster relay listening again after a silence')
        lostAt = 0
        lastHeard.clear()
      })()
        .catch(() => {})
        .finally(() => (relistening = false))
      return
    }
    // After a relayed read failed: once the relay's connections read again, catch up (not more
    // often than every few seconds, should the database come and go).
    if (lostAt && !probing && Date.now() - caughtUpAt >= CATCH_UP_GAP_MS) {
      probing = true
      opts.readSql`select 1`
        .then(() => {
          lostAt = 0
          catchUp('lost')
        }, () => {})
        .finally(() => (probing = false))
    }
    const k = ++pingsSent
    sql.notify(pingChannel, String(k)).then(
      () => {
        if (k > pingHeard) unheard.set(k, Date.now())
      },
      () => {},
    )
  }, 500)
  // Register (the heartbeat did, before this), listen, say hello, then look: a process that
  // started at the same moment either heard our hello or is already registered when we look.
  await sql.notify(CHANNEL, JSON.stringify({ from: nodeId, hello: true } satisfies Envelope))
  if (await otherNodesAlive(sql, nodeId)) peers = true

  return {
    async stop() {
      clearInterval(recheck)
      clearInterval(pinger)
      stopped = true
      if (flushing) clearImmediate(flushing)
      flush()
      for (const off of offs) off()
      while (sending) await sending
      await ear?.close()
      await chain
    },
  }
}
