// /ws/visitor (widget, authenticated by the visitor token in ?token=) and /ws/agent (dashboard,
// by the session cookie). Frames on one socket are handled one after another, in order, so
// messages typed offline and flushed at reconnect are stored in the order they were written.
import { Elysia } from 'elysia'
import type { Server, ServerWebSocket } from 'bun'
import type { AppDeps } from '../deps.ts'
import { AppError, DATABASE_UNAVAILABLE, isAppError, isDatabaseUnavailable } from '../shared/errors.ts'
import { authenticate, connectionChanged, sessionActor, sessionIsLive, setStatus, type Actor } from '../domain/agents/agents.usecases.ts'
import { recordPageView, visitorsConnected, visitorsDisconnected } from '../domain/visitors/visitors.usecases.ts'
import { batched } from '../shared/batch.ts'
import { getConversation, getVisitorConversation } from '../domain/conversations/conversations.usecases.ts'
import { listMessages, markDelivered, sendReply, type MessageResult } from '../domain/messages/messages.usecases.ts'
import type { ConversationView } from '../domain/conversations/conversations.types.ts'
import { SESSION_COOKIE, clientIp, isCrossSite, readCookie, readUrl } from '../http/request.ts'
import { AGENTS, agentTopic, encode, encodeMessageFrame, visitorTopic, type SessionSocket, type HubSocket, type VisitorSocket } from './hub.ts'
import { parseFrame, type ClientFrame, type ParseResult } from './protocol.ts'
import { refusedAt, type Door } from '../http/limits.ts'
import { handleError, requestId } from '../http/errors.ts'
import { BASE_HEADERS } from '../http/security.ts'
import { requireVisitor } from '../http/guards.ts'
import { checkUrlText } from '../shared/text.ts'
import type { ServerFrame } from './wire.ts'
import { blockedError, isBlocked } from '../domain/blocking/blocking.usecases.ts'

interface Sock {
  send(data: string): unknown
  cork(callback: () => unknown): unknown
  getBufferedAmount(): number
  close(code?: number, reason?: string): void
  subscribe(topic: string): void
  data: { state: SocketState }
}

type Who = { kind: 'visitor'; visitorId: string } | { kind: 'agent'; actor: Actor }

interface SocketState {
  who: Who
  /** The visitor's address, for the per-IP limits (null on dashboards, which are not limited). */
  ip: string | null
  queue: Promise<void>
  /** Frames received and not yet handled, and their size: bounded, see MAX_WAITING_*. */
  waiting: number
  waitingChars: number
  closed: boolean
  /**
   * Conversations this socket said it is typing in (id → the conversation's visitor): a page that
   * closes mid-word never says it stopped, so its close says it, instead of the other side's
   * indicator lingering until it times out.
   */
  typing: Map<string, string> | null
  /** The conversation this dashboard shows (collision); its close says the agent left it. */
  viewing: string | null
  /** A widget's page state as it last said (page.state): 'hidden' or 'closing' when it goes away is a closed tab. */
  pageState: 'visible' | 'hidden' | 'closing'
  /**
   * Set once the server closes the socket (the dashboard's session ended, or too many frames
   * waited): frames still queued are dropped, never stored.
   */
  ended: boolean
  /** Called when the socket has written out what it held, or closed (see readBy). */
  drained: (() => void) | null
  /** A dashboard socket's session: it ends with it (sign-out, password change, expiry). */
  session: {
    id: string
    expiresAt: Date
    handle: SessionSocket | null
    timer: ReturnType<typeof setTimeout> | null
    /** Whether this socket was counted for presence (one that ended at once never was). */
    counted: boolean
  } | null
}

/**
 * Answers on this socket through the hub, which writes at the end of the turn: a widget's answer
 * shares one write with what its visitor's tabs get in that turn (the echo of the message it acks).
 */
const reply = (deps: AppDeps, ws: Sock, data: string) => {
  const who = ws.data.state.who
  deps.hub.reply(ws, data, who.kind === 'visitor' ? visitorTopic(who.visitorId) : null)
}
const send = (deps: AppDeps, ws: Sock, frame: ServerFrame) => reply(deps, ws, encode(frame))

/** The text goes back only when it was stored otherwise than sent (masked): most acks stay small. */
function ack(deps: AppDeps, ws: Sock, clientId: string, sent: string, r: MessageResult) {
  const { message, conversation, duplicate } = r
  const base = { type: 'ack' as const, clientId, messageId: message.id, conversationId: conversation.id, seq: message.seq, duplicate }
  send(deps, ws, message.body === sent ? base : { ...base, body: message.body })
}

/** How much resumed history goes out before the server waits for the client to read it. */
const RESUME_SLICE_CHARS = 256 * 1024

/**
 * Resolves once this turn's frames have gone out (the hub writes at the end of the turn) and the
 * server holds less than half a slice for the socket (its client is reading), or it closed. Not
 * nothing at all: live frames keep coming to a busy dashboard while it resumes.
 */
async function readBy(ws: Sock): Promise<void> {
  const state = ws.data.state
  await new Promise((r) => setImmediate(r))
  while (!state.closed && ws.getBufferedAmount() > RESUME_SLICE_CHARS / 2) {
    // Bun calls the socket's drain handler as it writes out what it held; the timer is a backstop.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), 100)
      const done = () => {
        clearTimeout(timer)
        state.drained = null
        resolve()
      }
      state.drained = done
    })
  }
}

/**
 * Sends what the client missed after `afterSeq`, then `resumed` with the last sequence number. A
 * long history goes out a slice at a time, each once the client has read the one before: all at
 * once it would pass what the server holds for a socket (SEND_BUFFER_LIMIT) and close it.
 */
async function resume(deps: AppDeps, ws: Sock, conversation: ConversationView, afterSeq: number) {
  // The usual reconnect missed nothing: the conversation, read after this socket subscribed to its
  // live frames, ends where the client is. What commits later comes live. One query, not three —
  // every widget in a conversation resumes after a restart.
  if (conversation.lastSeq <= afterSeq) {
    send(deps, ws, { type: 'resumed', conversationId: conversation.id, lastSeq: conversation.lastSeq })
    return
  }
  let seq = afterSeq
  let slice = 0
  for (;;) {
    const page = await listMessages(deps, conversation.id, { afterSeq: seq, limit: 500 })
    for (const message of page) {
      const data = encodeMessageFrame(message, conversation)
      reply(deps, ws, data)
      slice += data.length
      if (slice < RESUME_SLICE_CHARS) continue
      slice = 0
      await readBy(ws)
      if (ws.data.state.closed) return
    }
    if (page.length < 500) break
    seq = page[page.length - 1]!.seq
  }
  const latest = await getConversation(deps, conversation.id)
  send(deps, ws, { type: 'resumed', conversationId: conversation.id, lastSeq: latest.lastSeq })
}

function emitTyping(deps: AppDeps, who: Who, conversationId: string, visitorId: string, typing: boolean): void {
  deps.bus.emit('typing', {
    conversationId,
    visitorId,
    typing,
    ...(who.kind === 'agent' ? { from: 'agent', agentId: who.actor.id, agentName: who.actor.name } : { from: 'visitor' }),
  })
}

/** The socket is gone: whatever it was typing, it has stopped; whatever it showed, it no longer does. */
function stopTyping(deps: AppDeps, state: SocketState): void {
  if (state.typing) for (const [conversationId, visitorId] of state.typing) emitTyping(deps, state.who, conversationId, visitorId, false)
  state.typing = null
  setViewing(deps, state, null, false)
}

/** Collision: this dashboard now shows `conversationId` (or nothing); colleagues are told. */
function setViewing(deps: AppDeps, state: SocketState, conversationId: string | null, hello: boolean): void {
  if (state.who.kind !== 'agent') return
  const { id: agentId, name: agentName } = state.who.actor
  const before = state.viewing
  state.viewing = conversationId
  if (before && before !== conversationId) deps.bus.emit('viewing', { conversationId: before, agentId, agentName, viewing: false, hello: false })
  if (conversationId) deps.bus.emit('viewing', { conversationId, agentId, agentName, viewing: true, hello: hello && before !== conversationId })
}

async function handleFrame(deps: AppDeps, ws: Sock, state: SocketState, frame: ClientFrame): Promise<void> {
  const who = state.who
  const conversationFor = (id: string) =>
    who.kind === 'visitor' ? getVisitorConversation(deps, who.visitorId, id) : getConversation(deps, id)
  switch (frame.type) {
    case 'ping':
      send(deps, ws, { type: 'pong' })
      return
    case 'message.send': {
      const t0 = performance.now()
      if (who.kind === 'visitor') {
        // Visitors send text only (agents' files: attachmentIds below).
        if (frame.attachmentIds?.length) throw new AppError('frame.forbidden', 403, 'message.send: visitors cannot attach files')
        ack(deps, ws, frame.clientId, frame.body, await deps.web.receive(who.visitorId, frame))
        deps.metrics.ack.observe((performance.now() - t0) / 1000, { sender: 'visitor' })
      } else {
        if (!frame.conversationId) throw new AppError('frame.invalid', 400, 'message.send: conversationId is required for agents')
        const actor = state.session ? await sessionActor(deps, state.session.id) : who.actor
        if (!actor) {
          endSession(ws, state, 'signed_out')
          return
        }
        ack(
          deps,
          ws,
          frame.clientId,
          frame.body,
          await sendReply(deps, actor, {
            conversationId: frame.conversationId,
            body: frame.body,
            clientId: frame.clientId,
            alsoEmail: frame.alsoEmail,
            attachmentIds: frame.attachmentIds,
          }),
        )
        deps.metrics.ack.observe((performance.now() - t0) / 1000, { sender: 'agent' })
      }
      return
    }
    case 'resume':
      await resume(deps, ws, await conversationFor(frame.conversationId), frame.afterSeq)
      return
    case 'typing': {
      const c = await conversationFor(frame.conversationId)
      if (frame.typing) (state.typing ??= new Map()).set(c.id, c.visitor.id)
      else state.typing?.delete(c.id)
      emitTyping(deps, who, c.id, c.visitor.id, frame.typing)
      return
    }
    case 'viewing': {
      if (who.kind !== 'agent') throw new AppError('frame.forbidden', 403, 'viewing: only agents view conversations')
      const id = frame.conversationId ? (await conversationFor(frame.conversationId)).id : null
      setViewing(deps, state, id, frame.hello ?? false)
      return
    }
    case 'delivered': {
      if (who.kind !== 'visitor') throw new AppError('frame.forbidden', 403, 'delivered: only the visitor confirms delivery')
      const c = await conversationFor(frame.conversationId)
      await markDelivered(deps, c.id, frame.seq)
      return
    }
    case 'page.state': {
      if (who.kind !== 'visitor') throw new AppError('frame.forbidden', 403, 'page.state: only visitors have pages')
      state.pageState = frame.state
      return
    }
    case 'page.view': {
      if (who.kind !== 'visitor') throw new AppError('frame.forbidden', 403, 'page.view: only visitors browse pages')
      await recordPageView(deps, who.visitorId, frame)
      return
    }
    case 'status.set': {
      if (who.kind !== 'agent') throw new AppError('frame.forbidden', 403, 'status.set: only agents have a status')
      await setStatus(deps, who.actor.id, frame.status)
      return
    }
  }
}

/**
 * A client that sends faster than its frames are handled (each waits for the one before it) is
 * closed past these bounds rather than allowed to queue work and memory without end.
 */
const MAX_WAITING_FRAMES = 256
const MAX_WAITING_CHARS = 1024 * 1024

/**
 * What the server holds for one socket that reads too slowly, in bytes (beyond what the kernel's
 * buffers hold). A socket past it is closed, and its client reconnects and catches up: the widget
 * resumes after its last sequence number, the dashboard reloads what it shows. Without the close,
 * Bun holds up to 16 MiB per socket and then drops frames while the socket stays open, so a
 * dashboard that fell behind would go on with messages silently missing.
 */
export const SEND_BUFFER_LIMIT = 1024 * 1024

/** The limit a visitor's frame counts against, if any. */
const DOOR: Partial<Record<ClientFrame['type'], Door>> = {
  'message.send': 'messages',
  'page.view': 'pageViews',
  typing: 'signals',
  delivered: 'signals',
  resume: 'signals',
}

function onMessage(deps: AppDeps, ws: Sock, state: SocketState, raw: string | Buffer) {
  if (state.closed || state.ended) return
  const parsed: ParseResult = parseFrame(raw)
  if (parsed.ok && state.ip !== null && state.who.kind === 'visitor') {
    const door = DOOR[parsed.frame.type]
    const retryAfter = door ? deps.limits.wait(door, state.ip, state.who.visitorId) : 0
    if (retryAfter > 0) {
      // Refused at once, without queueing: a flood costs no database work and no memory. The
      // message is not acked, so the widget keeps it and sends it again after `retryAfter`.
      const ref = 'clientId' in parsed.frame ? parsed.frame.clientId : undefined
      const { message } = refusedAt(door!, retryAfter)
      send(deps, ws, { type: 'error', code: 'rate.limited', message, retryAfter, ...(ref ? { ref } : {}) })
      return
    }
  }
  // Taken at once, not queued: a page that is closing says so and its socket closes right after,
  // and a closed socket's queued frames are dropped.
  if (parsed.ok && parsed.frame.type === 'page.state' && state.who.kind === 'visitor') {
    state.pageState = parsed.frame.state
    return
  }
  const size = typeof raw === 'string' ? raw.length : raw.byteLength
  if (state.waiting >= MAX_WAITING_FRAMES || state.waitingChars + size > MAX_WAITING_CHARS) {
    state.ended = true
    ws.close(1008, 'too many frames waiting; slow down')
    return
  }
  state.waiting++
  state.waitingChars += size
  enqueue(state, async () => {
    state.waiting--
    state.waitingChars -= size
    // Work for a socket that is gone is dropped: nobody would get its answer, and what it sent
    // was never acked, so its client sends it again.
    if (state.closed || state.ended) return
    if (!parsed.ok) {
      send(deps, ws, { type: 'error', code: parsed.code, message: parsed.message, ...(parsed.ref ? { ref: parsed.ref } : {}) })
      return
    }
    const ref = 'clientId' in parsed.frame ? parsed.frame.clientId : undefined
    try {
      await handleFrame(deps, ws, state, parsed.frame)
    } catch (e) {
      if (isAppError(e)) {
        send(deps, ws, { type: 'error', code: e.code, message: e.message, ...(ref ? { ref } : {}) })
      } else if (isDatabaseUnavailable(e)) {
        send(deps, ws, { type: 'error', code: DATABASE_UNAVAILABLE.code, message: DATABASE_UNAVAILABLE.message, retryAfter: DATABASE_UNAVAILABLE.retryAfter, ...(ref ? { ref } : {}) })
      } else {
        deps.log.error('socket frame failed', { frame: parsed.frame.type, error: e })
        send(deps, ws, { type: 'error', code: 'internal', message: 'internal server error', ...(ref ? { ref } : {}) })
      }
    }
  })
}

/**
 * Runs `job` after the socket's earlier frames. Once the queue has run dry it points at the shared
 * settled promise again, so an idle socket holds no promise of its own.
 */
function enqueue(state: SocketState, job: () => Promise<void>): void {
  const next = state.queue.then(job)
  state.queue = next
  const reset = () => {
    if (state.queue === next) state.queue = SETTLED
  }
  void next.then(reset, reset)
}

/**
 * A dashboard socket whose session ended says so (the dashboard goes to its sign-in screen with
 * the reason) and closes; whatever it had sent that is still queued is dropped.
 */
function endSession(ws: Sock, state: SocketState, reason: string): void {
  if (state.ended) return
  state.ended = true
  if (state.session?.timer) clearTimeout(state.session.timer)
  ws.send(JSON.stringify({ type: 'session.ended', reason } satisfies ServerFrame))
  ws.close(4001, reason)
}

// setTimeout takes at most 2^31-1 ms (about 24.8 days); a longer session re-arms on the way.
const MAX_TIMER_MS = 2 ** 31 - 1

/** Closes the socket when its session expires, as a request after that moment would be refused. */
function armExpiry(ws: Sock, state: SocketState): void {
  const session = state.session
  if (!session || state.ended) return
  const left = session.expiresAt.getTime() - Date.now()
  if (left <= 0) {
    endSession(ws, state, 'expired')
    return
  }
  session.timer = setTimeout(() => armExpiry(ws, state), Math.min(left, MAX_TIMER_MS))
}

/**
 * What each connection carries. Elysia's `.ws()` keeps the whole request context and a fresh set
 * of closures per connection, and wraps every frame in a new object with a dozen bound methods;
 * at 10,000 idle widgets that was 3× the memory of a bare Bun socket. So the upgrade is done
 * here, in an ordinary Elysia route, with only this: Bun's server-wide handler (installed by
 * Elysia) calls `data.open / message / close`, which are shared by all connections.
 */
interface SocketData {
  open(ws: ServerWebSocket<SocketData>): void
  message(ws: ServerWebSocket<SocketData>, message: string | Buffer): void
  drain(ws: ServerWebSocket<SocketData>): void
  close(ws: ServerWebSocket<SocketData>): void
  state: SocketState
  /**
   * The visitor's address and browser, recorded when their socket opens, and their newest
   * conversation, told in the hello; dropped once the socket is open.
   */
  visit: { ip: string; userAgent: string; conversationId: string | null } | null
  /** A blocked visitor's socket (#16): told so in an error frame and closed at once. */
  blocked?: boolean
  /** How the hub closes this socket: a widget's when its visitor or address is blocked, an agent's when deactivated, any when the server restarts. */
  closer?: HubSocket
  /**
   * Closed for a graceful restart: its close is not counted down one by one (the process's
   * presence rows go with its row when it stops) and it is not a visitor leaving.
   */
  restarting?: boolean
}

/** The socket wrote out what it held: a resume waiting for its client (readBy) goes on. */
const drain = (ws: ServerWebSocket<SocketData>) => ws.data.state.drained?.()

/** Blocking (#16): says why (the widget hides on this code) and closes with 4003. */
function closeBlocked(ws: ServerWebSocket<SocketData>): void {
  const state = ws.data.state
  if (state.ended) return
  state.ended = true
  const { code, message } = blockedError()
  ws.send(JSON.stringify({ type: 'error', code, message } satisfies ServerFrame))
  ws.close(4003, message)
}

/**
 * A graceful restart: 1012 Service Restart with the reconnect window in the reason; not a leave.
 * `goingOn`: the process stays up and only asks the client to reconnect (hub.reconnectAll), so
 * the close is counted down as any other.
 */
function closeForRestart(ws: ServerWebSocket<SocketData>, reason: string, goingOn = false): void {
  if (!goingOn) ws.data.restarting = true
  ws.data.state.ended = true
  ws.close(1012, reason)
}

/**
 * How the hub reaches one widget socket (a block closes it, a restart closes it with a window):
 * one small object per socket with its methods on the prototype, where two closures and their
 * scope were — at 10,000 idle widgets every per-socket object counts.
 */
class WidgetHandle implements VisitorSocket {
  constructor(
    readonly ws: ServerWebSocket<SocketData>,
    readonly ip: string | null,
  ) {}
  close(): void {
    closeBlocked(this.ws)
  }
  restart(reason: string, goingOn?: boolean): void {
    closeForRestart(this.ws, reason, goingOn)
  }
}

/** A socket's queue starts settled; one shared promise rather than one per socket. */
const SETTLED: Promise<void> = Promise.resolve()

/** A new socket's state: nothing queued, typed or shown yet. */
const newState = (who: Who, ip: string | null, session: SocketState['session']): SocketState => ({
  who,
  ip,
  queue: SETTLED,
  waiting: 0,
  waitingChars: 0,
  closed: false,
  typing: null,
  viewing: null,
  pageState: 'visible',
  ended: false,
  drained: null,
  session,
})

function upgrade(server: Server<unknown> | null | undefined, request: Request, data: SocketData): void {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new AppError('socket.upgrade_required', 400, 'this is a WebSocket endpoint: connect with a WebSocket client')
  }
  if (!server?.upgrade(request, { data })) throw new AppError('socket.upgrade_failed', 400, 'the WebSocket handshake failed')
}

/**
 * The two socket endpoints: `plugin` for the app, and `serveRoutes` for Bun's router in front of it
 * (the widget's socket; see visitorRoute).
 */
export const socketRoutes = (deps: AppDeps) => {
  // A burst of accepts (every widget reconnecting after a restart) shares its database work: the
  // token checks of the sockets that arrive together are one statement (requireVisitor →
  // authenticateVisitor batches them, with the widget's HTTP requests), and so are their presence
  // rows and visit records (one writer at a time, so two batches never lock the same rows in
  // opposite orders).
  const connected = batched(
    async (visits: { visitorId: string; ip: string; userAgent: string }[]) => {
      await visitorsConnected(deps, deps.nodeId, visits, deps.facts)
      return visits.map(() => undefined)
    },
    { max: 1000, concurrency: 1 },
  )
  // And the sockets that close together (a proxy restarted, a network dropped every widget at
  // once) share one statement for their counts and presence, as their accepts did.
  const disconnected = batched(
    async (closes: { visitorId: string; pageClosed: boolean }[]) => {
      await visitorsDisconnected(deps, deps.nodeId, closes)
      return closes.map(() => undefined)
    },
    { max: 1000, concurrency: 1 },
  )
  const visitorHandlers = {
    open(ws: ServerWebSocket<SocketData>) {
      const { state, visit } = ws.data
      const visitorId = (state.who as { visitorId: string }).visitorId
      if (ws.data.blocked) return closeBlocked(ws)
      const handle = new WidgetHandle(ws, state.ip)
      ws.data.closer = handle
      deps.hub.trackVisitor(visitorId, handle)
      ws.subscribe(visitorTopic(visitorId))
      send(deps, ws, { type: 'hello', role: 'visitor', id: visitorId, nodeId: deps.nodeId, conversationId: visit?.conversationId ?? null })
      enqueue(state, async () => {
        try {
          // Blocked between the upgrade's check and now (its notice came before this was tracked).
          if (await isBlocked(deps, { visitorId, ip: state.ip })) {
            // Never counted as connected, so its close must not count it as gone.
            ws.data.blocked = true
            return closeBlocked(ws)
          }
          if (visit) await connected({ visitorId, ip: visit.ip, userAgent: visit.userAgent })
        } catch (error) {
          deps.log.warn('visitor socket open failed', { error })
        }
      })
      ws.data.visit = null
    },
    message(ws: ServerWebSocket<SocketData>, message: string | Buffer) {
      onMessage(deps, ws, ws.data.state, message)
    },
    drain,
    close(ws: ServerWebSocket<SocketData>) {
      const { state } = ws.data
      state.closed = true
      state.drained?.()
      if (state.ip !== null) deps.limits.sockets.release(state.ip)
      const visitorId = (state.who as { visitorId: string }).visitorId
      if (ws.data.closer instanceof WidgetHandle) deps.hub.untrackVisitor(visitorId, ws.data.closer)
      if (ws.data.blocked) return
      stopTyping(deps, state)
      if (ws.data.restarting) return
      state.queue
        .then(() => disconnected({ visitorId, pageClosed: state.pageState !== 'visible' }))
        .catch((error) => deps.log.warn('visitor socket close failed', { error }))
    },
  }

  const agentHandlers = {
    open(ws: ServerWebSocket<SocketData>) {
      const { state } = ws.data
      const actor = (state.who as { actor: Actor }).actor
      ws.subscribe(AGENTS)
      ws.subscribe(agentTopic(actor.id))
      ws.data.closer = {
        close: (code, reason) => ws.close(code, reason),
        restart: (reason, goingOn) => closeForRestart(ws, reason, goingOn),
      }
      deps.hub.trackAgent(actor.id, ws.data.closer)
      const session = state.session!
      session.handle = { end: (reason) => endSession(ws, state, reason) }
      deps.hub.trackSession(session.id, session.handle)
      armExpiry(ws, state)
      send(deps, ws, { type: 'hello', role: 'agent', id: actor.id, nodeId: deps.nodeId })
      enqueue(state, async () => {
        try {
          // The session may have ended between the upgrade's check and now (its notice came
          // before this socket was tracked).
          if (!(await sessionIsLive(deps, session.id))) {
            endSession(ws, state, 'signed_out')
            return
          }
          session.counted = true
          await connectionChanged(deps, deps.nodeId, actor.id, 1)
          const first = await deps.hub.firstCounts()
          if (first) send(deps, ws, { type: 'counts', counts: first })
        } catch (error) {
          deps.log.warn('agent socket open failed', { error })
        }
      })
    },
    message(ws: ServerWebSocket<SocketData>, message: string | Buffer) {
      onMessage(deps, ws, ws.data.state, message)
    },
    drain,
    close(ws: ServerWebSocket<SocketData>) {
      const { state } = ws.data
      state.closed = true
      state.drained?.()
      const actor = (state.who as { actor: Actor }).actor
      if (ws.data.closer) deps.hub.untrackAgent(actor.id, ws.data.closer)
      stopTyping(deps, state)
      const session = state.session
      if (session) {
        if (session.timer) clearTimeout(session.timer)
        if (session.handle) deps.hub.untrackSession(session.id, session.handle)
      }
      // As for widgets: the process's presence rows go with its row when it stops.
      if (ws.data.restarting) return
      state.queue
        .then(() => (session?.counted ? connectionChanged(deps, deps.nodeId, actor.id, -1) : undefined))
        .catch((error) => deps.log.warn('agent socket close failed', { error }))
    },
  }

  /**
   * A widget's socket: limited per address before any database work, then the token, the block
   * check and the upgrade. Throws an AppError for the answer when it cannot open.
   */
  const acceptVisitor = async (request: Request, server: Server<unknown> | null | undefined, token: string | null | undefined): Promise<void> => {
    // Counted before the token is looked up, so a flood of sockets costs no database work.
    const ip = clientIp(deps.config, request, server)
    deps.limits.openSocket(ip)
    try {
      const visitor = await requireVisitor(deps, request, token, true)
      const blocked = await isBlocked(deps, { visitorId: visitor.id, ip })
      upgrade(server, request, {
        blocked,
        ...visitorHandlers,
        state: newState({ kind: 'visitor', visitorId: visitor.id }, ip, null),
        visit: { ip, userAgent: request.headers.get('user-agent') ?? '', conversationId: visitor.latestConversationId ?? null },
      })
    } catch (e) {
      // Released by the socket's close handler once it was upgraded; here only if it was not.
      deps.limits.sockets.release(ip)
      throw e
    }
  }

  /**
   * The same, answered by Bun's own router rather than through the app's request hooks: every
   * widget on every open page comes here at once after a restart, and the hooks' work (URL
   * parsing, a request id, security headers for a response that is a 101) was most of an
   * accept's garbage — which, interleaved with the sockets' own objects, kept heap blocks alive.
   * What a widget's socket needs of those hooks is done here: the URL's text is checked, an
   * error is the API's JSON error with the base headers and a request id, and each answer is
   * counted in the HTTP metrics.
   */
  const visitorRoute = async (request: Request, server: Server<unknown>): Promise<Response | undefined> => {
    try {
      const url = readUrl(request)
      checkUrlText(url)
      await acceptVisitor(request, server, url.searchParams.get('token'))
      // Counted as the app counts every upgrade (its hooks see status 200), dashboards' too.
      deps.metrics.http.inc({ code: '2xx' })
      return undefined
    } catch (error) {
      const res = handleError(deps.log, { code: 'UNKNOWN', error, request } as never)
      for (const [k, v] of Object.entries(BASE_HEADERS)) res.headers.set(k, v)
      res.headers.set('x-request-id', requestId(request))
      deps.metrics.http.inc({ code: `${Math.floor(res.status / 100)}xx` })
      return res
    }
  }

  const plugin = new Elysia()
    .get(
      '/ws/visitor',
      // Reached only where Bun's router is not in front (app.handle); the route stays here for
      // the API document.
      async ({ request, server, query }) => acceptVisitor(request, server, query.token),
      { detail: { summary: 'The widget\'s WebSocket (?token=the visitor token); protocol in README "Realtime protocol"', tags: ['widget'] } },
    )
    .get(
      '/ws/agent',
      async ({ request, server }) => {
        // Cross-site WebSocket hijacking: the cookie would ride along, so the Origin must be ours.
        if (isCrossSite(deps.config, request)) throw new AppError('auth.csrf', 403, 'cross-site WebSocket refused')
        const session = await authenticate(deps, readCookie(request, SESSION_COOKIE))
        if (!session) throw new AppError('auth.required', 401, 'sign in first')
        const { agent } = session
        upgrade(server, request, {
          ...agentHandlers,
          state: newState(
            { kind: 'agent', actor: { id: agent.id, role: agent.role, name: agent.name } },
            null,
            { id: session.id, expiresAt: session.expiresAt, handle: null, timer: null, counted: false },
          ),
          visit: null,
        })
      },
      { detail: { summary: 'The dashboard\'s WebSocket (session cookie); protocol in README "Realtime protocol"', tags: ['agents'] } },
    )
  return { plugin, serveRoutes: { '/ws/visitor': { GET: visitorRoute } } }
}
