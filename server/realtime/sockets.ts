// /ws/visitor (widget, authenticated by the visitor token in ?token=) and /ws/agent (dashboard,
// by the session cookie). Frames on one socket are handled one after another, in order, so
// messages typed offline and flushed at reconnect are stored in the order they were written.
import { Elysia } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { AppError, isAppError } from '../shared/errors.ts'
import { authenticate, connectionChanged, setStatus, type Actor } from '../domain/agents/agents.usecases.ts'
import { authenticateVisitor, recordPageView, recordVisit, visitorConnectionChanged } from '../domain/visitors/visitors.usecases.ts'
import { getConversation, getVisitorConversation, counts } from '../domain/conversations/conversations.usecases.ts'
import { listMessages, markDelivered, sendReply, type MessageResult } from '../domain/messages/messages.usecases.ts'
import type { ConversationView } from '../domain/conversations/conversations.repo.ts'
import { SESSION_COOKIE, clientIp, isCrossSite, readCookie } from '../http/request.ts'
import { AGENTS, agentTopic, visitorTopic } from './hub.ts'
import { parseFrame, MAX_FRAME_BYTES, type ClientFrame, type ServerFrame } from './protocol.ts'

interface Sock {
  send(data: string): unknown
  close(code?: number, reason?: string): void
  subscribe(topic: string): void
}

type Who = { kind: 'visitor'; visitorId: string } | { kind: 'agent'; actor: Actor }

interface SocketState {
  who: Who
  queue: Promise<void>
  closed: boolean
}

const send = (ws: Sock, frame: ServerFrame) => ws.send(JSON.stringify(frame))

function ack(ws: Sock, clientId: string, r: MessageResult) {
  send(ws, { type: 'ack', clientId, messageId: r.message.id, conversationId: r.conversation.id, seq: r.message.seq, duplicate: r.duplicate })
}

/** Sends what the client missed after `afterSeq`, then `resumed` with the last sequence number. */
async function resume(deps: AppDeps, ws: Sock, conversation: ConversationView, afterSeq: number) {
  let seq = afterSeq
  for (;;) {
    const page = await listMessages(deps, conversation.id, { afterSeq: seq, limit: 500 })
    for (const message of page) send(ws, { type: 'message', message, conversation })
    if (page.length < 500) break
    seq = page[page.length - 1]!.seq
  }
  const latest = await getConversation(deps, conversation.id)
  send(ws, { type: 'resumed', conversationId: conversation.id, lastSeq: latest.lastSeq })
}

async function handleFrame(deps: AppDeps, ws: Sock, who: Who, frame: ClientFrame): Promise<void> {
  const conversationFor = (id: string) =>
    who.kind === 'visitor' ? getVisitorConversation(deps, who.visitorId, id) : getConversation(deps, id)
  switch (frame.type) {
    case 'ping':
      send(ws, { type: 'pong' })
      return
    case 'message.send': {
      if (who.kind === 'visitor') {
        ack(ws, frame.clientId, await deps.web.receive(who.visitorId, frame))
      } else {
        if (!frame.conversationId) throw new AppError('frame.invalid', 400, 'message.send: conversationId is required for agents')
        ack(
          ws,
          frame.clientId,
          await sendReply(deps, who.actor, { conversationId: frame.conversationId, body: frame.body, clientId: frame.clientId, alsoEmail: frame.alsoEmail }),
        )
      }
      return
    }
    case 'resume':
      await resume(deps, ws, await conversationFor(frame.conversationId), frame.afterSeq)
      return
    case 'typing': {
      const c = await conversationFor(frame.conversationId)
      deps.bus.emit('typing', {
        conversationId: c.id,
        visitorId: c.visitor.id,
        typing: frame.typing,
        ...(who.kind === 'agent' ? { from: 'agent', agentId: who.actor.id, agentName: who.actor.name } : { from: 'visitor' }),
      })
      return
    }
    case 'delivered': {
      if (who.kind !== 'visitor') throw new AppError('frame.forbidden', 403, 'delivered: only the visitor confirms delivery')
      const c = await conversationFor(frame.conversationId)
      await markDelivered(deps, c.id, frame.seq)
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

function onMessage(deps: AppDeps, ws: Sock, state: SocketState, raw: unknown) {
  state.queue = state.queue.then(async () => {
    const parsed = parseFrame(raw)
    if (!parsed.ok) {
      send(ws, { type: 'error', code: parsed.code, message: parsed.message, ...(parsed.ref ? { ref: parsed.ref } : {}) })
      return
    }
    const ref = 'clientId' in parsed.frame ? parsed.frame.clientId : undefined
    try {
      await handleFrame(deps, ws, state.who, parsed.frame)
    } catch (e) {
      if (isAppError(e)) {
        send(ws, { type: 'error', code: e.code, message: e.message, ...(ref ? { ref } : {}) })
      } else {
        deps.log.error('socket frame failed', { frame: parsed.frame.type, error: e })
        send(ws, { type: 'error', code: 'internal', message: 'internal server error', ...(ref ? { ref } : {}) })
      }
    }
  })
}

type Ctx = { request: Request; server?: import('bun').Server<unknown> | null; query: Record<string, string | undefined>; parley?: SocketState; visit?: { ip: string; userAgent: string } }
type WsLike = Sock & { data: Ctx; raw: Sock }

const stateOf = (ws: WsLike): SocketState => ws.data.parley!

export const socketRoutes = (deps: AppDeps) =>
  new Elysia({ websocket: { maxPayloadLength: 4 * MAX_FRAME_BYTES, idleTimeout: 120 } } as never)
    .ws('/ws/visitor', {
      async beforeHandle(ctx) {
        const c = ctx as unknown as Ctx
        const visitor = await authenticateVisitor(deps, c.query.token)
        if (!visitor) throw new AppError('visitor.unauthorized', 401, 'unknown or missing visitor token')
        c.parley = { who: { kind: 'visitor', visitorId: visitor.id }, queue: Promise.resolve(), closed: false }
        c.visit = { ip: clientIp(deps.config, c.request, c.server), userAgent: c.request.headers.get('user-agent') ?? '' }
      },
      open(ws) {
        const w = ws as unknown as WsLike
        const who = stateOf(w).who as { visitorId: string }
        w.subscribe(visitorTopic(who.visitorId))
        send(w, { type: 'hello', role: 'visitor', id: who.visitorId, nodeId: deps.nodeId })
        const state = stateOf(w)
        const visit = w.data.visit!
        state.queue = state.queue.then(async () => {
          try {
            await visitorConnectionChanged(deps, deps.nodeId, who.visitorId, 1)
            await recordVisit(deps, who.visitorId, visit.ip, visit.userAgent, deps.facts)
          } catch (error) {
            deps.log.warn('visitor socket open failed', { error })
          }
        })
      },
      message(ws, message) {
        const w = ws as unknown as WsLike
        onMessage(deps, w, stateOf(w), message)
      },
      close(ws) {
        const state = stateOf(ws as unknown as WsLike)
        state.closed = true
        const who = state.who as { visitorId: string }
        state.queue
          .then(() => visitorConnectionChanged(deps, deps.nodeId, who.visitorId, -1))
          .catch((error) => deps.log.warn('visitor socket close failed', { error }))
      },
    })
    .ws('/ws/agent', {
      async beforeHandle(ctx) {
        const c = ctx as unknown as Ctx
        // Cross-site WebSocket hijacking: the cookie would ride along, so the Origin must be ours.
        if (isCrossSite(deps.config, c.request)) throw new AppError('auth.csrf', 403, 'cross-site WebSocket refused')
        const session = await authenticate(deps, readCookie(c.request, SESSION_COOKIE))
        if (!session) throw new AppError('auth.required', 401, 'sign in first')
        const { agent } = session
        c.parley = { who: { kind: 'agent', actor: { id: agent.id, role: agent.role, name: agent.name } }, queue: Promise.resolve(), closed: false }
      },
      open(ws) {
        const w = ws as unknown as WsLike
        const state = stateOf(w)
        const actor = (state.who as { actor: Actor }).actor
        w.subscribe(AGENTS)
        w.subscribe(agentTopic(actor.id))
        deps.hub.trackAgent(actor.id, w.raw)
        send(w, { type: 'hello', role: 'agent', id: actor.id, nodeId: deps.nodeId })
        state.queue = state.queue.then(async () => {
          try {
            await connectionChanged(deps, deps.nodeId, actor.id, 1)
            send(w, { type: 'counts', counts: await counts(deps) })
          } catch (error) {
            deps.log.warn('agent socket open failed', { error })
          }
        })
      },
      message(ws, message) {
        const w = ws as unknown as WsLike
        onMessage(deps, w, stateOf(w), message)
      },
      close(ws) {
        const w = ws as unknown as WsLike
        const state = stateOf(w)
        state.closed = true
        const actor = (state.who as { actor: Actor }).actor
        deps.hub.untrackAgent(actor.id, w.raw)
        state.queue.then(() => connectionChanged(deps, deps.nodeId, actor.id, -1)).catch((error) =>
          deps.log.warn('agent socket close failed', { error }),
        )
      },
    })
