// A typed in-process event bus. Use cases emit after their transaction commits; listeners run
// side effects (realtime push, delivery, cross-process relay). A failing listener is logged and
// never fails the request that emitted the event.
import type { Logger } from '../shared/logger.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'
import type { ConversationChange, ConversationView } from '../domain/conversations/conversations.types.ts'
import type { AgentPresence } from '../domain/agents/agents.types.ts'
import type { SessionEndReason } from '../domain/agents/agents.usecases.ts'
import type { VisitorView } from '../domain/visitors/visitors.types.ts'
import type { ConversationEventView } from '../domain/conversation-events/conversation-events.types.ts'
import type { NoteView } from '../domain/notes/notes.types.ts'
import type { BlocksChanged } from '../domain/blocking/blocking.types.ts'

export type { ConversationChange }

export interface DomainEvents {
  'message.created': {
    message: MessageView
    conversation: ConversationView
    /** The agent's choice for this reply: e-mail a copy to a web visitor who has left (default: yes). */
    alsoEmail?: boolean
    /** For an agent's reply on a web chat with a known address: was the visitor's widget connected when it was sent? */
    visitorOnline?: boolean
  }
  /** visitorId: whose tabs to tell; absent, the listener looks it up. */
  'message.updated': { message: MessageView; visitorId?: string }
  'conversation.changed': { conversation: ConversationView; change: ConversationChange }
  'agent.presence': { presence: AgentPresence }
  'agent.deactivated': { agentId: string }
  /** Sessions that were signed out, reset or ended: their sockets close on every process. */
  'session.ended': { sessionIds: string[]; reason: SessionEndReason }
  'agent.changed': { agentId: string }
  'visitor.changed': { visitor: VisitorView }
  /**
   * A token of this visitor now names another (identify: another user signed in on the browser,
   * or the anonymous visitor was merged into the user): the widget sockets open as this visitor
   * reconnect on every process, and so come back as whoever their token names now.
   */
  'visitor.switched': { visitorId: string }
  /** pageClosed: the socket that went away last had said its page was closing or hidden. */
  'visitor.presence': { visitorId: string; online: boolean; pageClosed?: boolean }
  /** The visitor wrote and left before anyone replied (decided when the notice came due). */
  'conversation.missed': { conversation: ConversationView }
  /** An agent read a conversation up to seq; unread: the visitor's messages after it. Only that agent's tabs are told. */
  'conversation.read': { agentId: string; conversationId: string; seq: number; unread: number; upTo: number }
  /** A chunk of a recording was stored: the live replays of it fetch what is new. */
  'recording.chunk': { recordingId: string; seq: number; bytes: number }
  /** A system event in a conversation's history (committed): dashboards only, never the visitor. */
  'conversation.event': { event: ConversationEventView }
  /** Ephemeral (collision): an agent's dashboard shows this conversation now, or no longer. Dashboards only. */
  viewing: { conversationId: string; agentId: string; agentName: string; viewing: boolean; hello: boolean }
  /** A private note was stored (#16); its mentions tell the mentioned agents. */
  'note.created': { note: NoteView; conversation: ConversationView }
  /** Ephemeral: not stored, only relayed to dashboards and the visitor's tabs. */
  typing: { conversationId: string; visitorId: string; from: 'visitor' | 'agent'; agentId?: string; agentName?: string; typing: boolean }
  // Blocking (#16)
  /** Visitors or IP ranges were blocked (added) or unblocked: caches forget, sockets close. */
  'blocking.changed': BlocksChanged
  /** A webhook was added, changed or removed: the processes' lists of active receivers forget. */
  'webhooks.changed': Record<string, never>
}

export type EventName = keyof DomainEvents
export type Handler<E extends EventName> = (payload: DomainEvents[E]) => void | Promise<void>

export class EventBus {
  private handlers = new Map<EventName, Handler<any>[]>()
  private pending = new Set<Promise<void>>()

  constructor(private log: Logger) {}

  on<E extends EventName>(event: E, handler: Handler<E>): () => void {
    const list = this.handlers.get(event) ?? []
    list.push(handler)
    this.handlers.set(event, list)
    return () => {
      const i = list.indexOf(handler)
      if (i >= 0) list.splice(i, 1)
    }
  }

  emit<E extends EventName>(event: E, payload: DomainEvents[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      let result: void | Promise<void>
      try {
        result = handler(payload)
      } catch (error) {
        this.log.error('event listener failed', { event, error })
        continue
      }
      if (result instanceof Promise) {
        const p = result.catch((error) => this.log.error('event listener failed', { event, error }))
        this.pending.add(p)
        p.finally(() => this.pending.delete(p))
      }
    }
  }

  /** Resolves once every asynchronous listener started so far has finished (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }
}
