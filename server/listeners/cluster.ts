// Keeps several Parley processes on one database in step: every local event is announced with
// NOTIFY (ids only, never bodies), and every other process loads the rows and pushes them to its
// own sockets. Remote events are handled one at a time, in the order they were announced.
import type { Sql } from '../db/client.ts'
import type { EventBus, ConversationChange } from '../events/bus.ts'
import { AGENTS, type Hub } from '../realtime/hub.ts'
import { findVisitor, isVisitorOnline } from '../domain/visitors/visitors.usecases.ts'
import type { Logger } from '../shared/logger.ts'
import { findMessage } from '../domain/messages/messages.usecases.ts'
import { findConversation } from '../domain/conversations/conversations.usecases.ts'
import { agentPresence, otherLiveProcesses } from '../domain/agents/agents.usecases.ts'

export const CHANNEL = 'parley_events'

type Note =
  | { k: 'm'; id: string }
  | { k: 'mu'; id: string }
  | { k: 'c'; id: string; ch: ConversationChange }
  | { k: 'p'; a: string }
  | { k: 'd'; a: string }
  /** Sessions that ended (their public ids, never tokens): close their sockets here too. */
  | { k: 'se'; s: string[]; r: string }
  | { k: 'v'; id: string }
  | { k: 'vp'; id: string }
  | { k: 't'; c: string; v: string; f: 'visitor' | 'agent'; a?: string; n?: string; on: boolean }

async function otherNodesAlive(sql: Sql, nodeId: string): Promise<boolean> {
  return (await otherLiveProcesses({ sql }, nodeId)) > 0
}

export interface Cluster {
  stop(): Promise<void>
}

export async function startCluster(opts: { sql: Sql; bus: EventBus; hub: Hub; nodeId: string; log: Logger }): Promise<Cluster> {
  const { sql, bus, hub, nodeId, log } = opts
  const db = { sql }

  // Notes are sent in batches: everything announced in one turn of the event loop goes out as
  // one NOTIFY (split before PostgreSQL's 8000-byte payload limit). And while this is the only
  // live process, nobody is listening: nothing is sent until another one says hello.
  // Set true by anything another process says; settled for certain at the end of start-up, once
  // this process listens and has said hello (see below).
  let peers = false
  let batch: string[] = []
  let size = 0
  let flushing: ReturnType<typeof setImmediate> | null = null
  const flush = () => {
    flushing = null
    const notes = batch
    batch = []
    size = 0
    if (notes.length === 0) return
    sql.notify(CHANNEL, `{"o":${JSON.stringify(nodeId)},"n":[${notes.join(',')}]}`).catch((error) => log.warn('cluster notify failed', { error }))
  }
  const notify = (note: Note): void => {
    if (!peers) return
    const json = JSON.stringify(note)
    if (size + json.length > 7000) flush()
    batch.push(json)
    size += json.length + 1
    flushing ??= setImmediate(flush)
  }
  // Whether other processes still run is re-checked now and then, so a lone process stops sending.
  const recheck = setInterval(() => {
    otherNodesAlive(sql, nodeId).then((alive) => (peers = alive), () => {})
  }, 15_000)

  const offs = [
    bus.on('message.created', ({ message }) => notify({ k: 'm', id: message.id })),
    bus.on('message.updated', ({ message }) => notify({ k: 'mu', id: message.id })),
    bus.on('conversation.changed', ({ conversation, change }) => notify({ k: 'c', id: conversation.id, ch: change })),
    bus.on('agent.presence', ({ presence }) => notify({ k: 'p', a: presence.agentId })),
    bus.on('agent.deactivated', ({ agentId }) => notify({ k: 'd', a: agentId })),
    // 100 ids (≈ 4 KB) per note keep each one under the NOTIFY payload limit.
    bus.on('session.ended', ({ sessionIds, reason }) => {
      for (let i = 0; i < sessionIds.length; i += 100) notify({ k: 'se', s: sessionIds.slice(i, i + 100), r: reason })
    }),
    bus.on('visitor.changed', ({ visitor }) => notify({ k: 'v', id: visitor.id })),
    bus.on('visitor.presence', ({ visitorId }) => notify({ k: 'vp', id: visitorId })),
    bus.on('typing', (t) =>
      notify({ k: 't', c: t.conversationId, v: t.visitorId, f: t.from, a: t.agentId, n: t.agentName, on: t.typing }),
    ),
  ]

  const handle = async (note: Note): Promise<void> => {
    switch (note.k) {
      case 'm': {
        const message = await findMessage(db, note.id)
        const conversation = message && (await findConversation(db, message.conversationId))
        if (message && conversation) hub.message(message, conversation)
        return
      }
      case 'mu': {
        const message = await findMessage(db, note.id)
        const conversation = message && (await findConversation(db, message.conversationId))
        if (message) hub.messageUpdated(message, conversation?.visitor.id ?? null)
        return
      }
      case 'c': {
        const conversation = await findConversation(db, note.id)
        if (conversation) hub.conversation(conversation, note.ch)
        return
      }
      case 'p': {
        const presence = await agentPresence(db, note.a)
        if (presence) hub.presence(presence)
        return
      }
      case 'd':
        hub.endAgent(note.a, 'deactivated')
        return
      case 'se':
        hub.endSessions(note.s, note.r)
        return
      case 'vp':
        hub.publish(AGENTS, { type: 'visitor.presence', visitorId: note.id, online: await isVisitorOnline(db, note.id) })
        return
      case 'v': {
        const visitor = await findVisitor(db, note.id)
        if (visitor) hub.publish(AGENTS, { type: 'visitor', visitor })
        return
      }
      case 't':
        hub.typing({ conversationId: note.c, visitorId: note.v, from: note.f, agentId: note.a, agentName: note.n, typing: note.on })
        return
    }
  }

  let chain = Promise.resolve()
  const listener = await sql.listen(CHANNEL, (payload) => {
    let parsed: { o?: string; n?: Note[]; hello?: boolean }
    try {
      parsed = JSON.parse(payload)
    } catch {
      return
    }
    if (parsed.o === nodeId) return
    // Another process started (or is announcing events): from now on, tell it ours.
    peers = true
    for (const note of parsed.n ?? []) {
      chain = chain.then(() => handle(note)).catch((error) => log.warn('cluster event failed', { error, note }))
    }
  })
  // Register (the heartbeat did, before this), listen, say hello, then look: a process that
  // started at the same moment either heard our hello or is already registered when we look.
  await sql.notify(CHANNEL, JSON.stringify({ o: nodeId, hello: true }))
  if (await otherNodesAlive(sql, nodeId)) peers = true

  return {
    async stop() {
      clearInterval(recheck)
      if (flushing) clearImmediate(flushing)
      flush()
      for (const off of offs) off()
      await listener.unlisten().catch(() => {})
      await chain
    },
  }
}
