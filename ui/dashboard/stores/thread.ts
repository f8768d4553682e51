// The threads: the messages of each opened conversation, my replies waiting for the server's ack
// (the outbox, sent again after every reconnect, retried or discarded when refused), who is
// typing where, and the thread's story (system events, colleagues viewing it: thread/story.ts).
import { againAfterSeconds } from '../../shared/retry.ts'
import { query } from '../../shared/api.ts'
import { clientId } from '../../shared/socket.ts'
import type { Attachment, ClientFrame, Message, ServerFrame } from '../../../server/realtime/wire.ts'
import { ThreadStory } from '../thread/story.ts'
import type { SessionStore } from './session.ts'
import { Store } from './store.ts'

export interface PendingMessage {
  clientId: string
  conversationId: string
  body: string
  createdAt: string
  state: 'sending' | 'failed'
  error: string | null
  /** The agent's choice to e-mail this reply to a web visitor who has left (undefined: not offered). */
  alsoEmail?: boolean
  /** Files uploaded for this reply (the frame names them; they are claimed with it). */
  attachments?: Attachment[]
}

export interface Thread {
  messages: Message[]
  loading: boolean
  error: string | null
  /** True while older messages may exist before the first loaded one. */
  hasEarlier: boolean
}

export interface Typing {
  who: 'visitor' | 'agent'
  name: string | null
  until: number
}

const THREAD_PAGE = 100
const TYPING_MS = 6000

/** Merges messages by id, ordered by sequence number. */
export function merge(a: Message[], b: Message[]): Message[] {
  const byId = new Map<string, Message>()
  for (const m of a) byId.set(m.id, m)
  for (const m of b) byId.set(m.id, m)
  return [...byId.values()].sort((x, y) => x.seq - y.seq)
}

export interface ThreadDeps {
  session: SessionStore
  /** The conversation on screen (the lists store holds the selection). */
  selectedId: () => string | null
  /** Sends a frame if the socket is connected (dropped otherwise; the outbox goes again on reconnect). */
  send: (frame: ClientFrame) => void
}

export class ThreadStore extends Store {
  threads = new Map<string, Thread>()
  pending = new Map<string, PendingMessage>()
  /** My replies refused with `database.unavailable`, and how many times in a row. */
  private refusals = new Map<string, number>()
  typing = new Map<string, Typing>()
  /** #15: the thread's system events and the colleagues in it (collision). */
  readonly story: ThreadStory
  private typingTimer: ReturnType<typeof setInterval> | null = null

  constructor(private deps: ThreadDeps) {
    super('thread')
    const store = this
    this.story = new ThreadStory({
      api: deps.session.api,
      get me() {
        return deps.session.me
      },
      get selectedId() {
        return deps.selectedId()
      },
      sendFrame: (f) => deps.send(f),
      changed: () => store.changed(),
    })
  }

  private get api() {
    return this.deps.session.api
  }

  reset(): void {
    this.threads.clear()
    this.pending.clear()
    this.typing.clear()
    this.story.clear()
    this.changed()
  }

  /** Loading the conversation itself failed: its thread says why. */
  failed(id: string, error: string): void {
    this.threads.set(id, { messages: [], loading: false, error, hasEarlier: false })
    this.changed()
  }

  async loadThread(id: string): Promise<void> {
    this.threads.set(id, { messages: this.threads.get(id)?.messages ?? [], loading: true, error: null, hasEarlier: false })
    this.changed()
    try {
      const messages = await this.api.get<Message[]>(`/api/conversations/${id}/messages${query({ limit: THREAD_PAGE })}`)
      const thread = this.threads.get(id)!
      thread.messages = merge(thread.messages, messages)
      thread.hasEarlier = (thread.messages[0]?.seq ?? 1) > 1
      thread.loading = false
    } catch (e) {
      this.threads.set(id, { messages: [], loading: false, error: this.deps.session.errorText(e), hasEarlier: false })
    }
    this.changed()
  }

  async loadEarlier(id: string): Promise<void> {
    const thread = this.threads.get(id)
    const first = thread?.messages[0]
    if (!thread || !first || thread.loading) return
    thread.loading = true
    this.changed()
    try {
      const older = await this.api.get<Message[]>(`/api/conversations/${id}/messages${query({ beforeSeq: first.seq, limit: THREAD_PAGE })}`)
      thread.messages = merge(thread.messages, older)
      thread.hasEarlier = (thread.messages[0]?.seq ?? 1) > 1
    } catch (e) {
      thread.error = this.deps.session.errorText(e)
    }
    thread.loading = false
    this.changed()
  }

  /** Asks the server for what this thread missed after its last message. */
  resume(conversationId: string): void {
    const thread = this.threads.get(conversationId)
    const last = thread?.messages[thread.messages.length - 1]?.seq ?? 0
    this.deps.send({ type: 'resume', conversationId, afterSeq: last })
  }

  /** On every (re)connect; after a gap only the thread on screen is kept (the root resumes it), the others reload when opened. */
  reconnected(reload: boolean): void {
    this.story.reconnected(reload)
    if (!reload) return
    const selected = this.deps.selectedId()
    for (const id of [...this.threads.keys()]) if (id !== selected) this.threads.delete(id)
    this.changed()
  }

  // Socket frames ----------------------------------------------------------------------------

  /**
   * A message we do not have yet in its thread. (The conversation's lastSeq cannot tell: its
   * 'created' frame may come before the message.) A message resumed after a reconnect is not news.
   */
  isNews(message: Message): boolean {
    return !this.threads.get(message.conversationId)?.messages.some((m) => m.seq === message.seq)
  }

  /** The 'message' frame. */
  message(message: Message): void {
    const thread = this.threads.get(message.conversationId)
    if (thread) {
      const last = thread.messages[thread.messages.length - 1]?.seq ?? 0
      thread.messages = merge(thread.messages, [message])
      // A gap means we missed frames (e.g. during a reconnect): ask for what is missing.
      if (message.seq > last + 1 && !thread.loading) this.deps.send({ type: 'resume', conversationId: message.conversationId, afterSeq: last })
      this.changed()
    }
    if (message.clientId && this.pending.delete(message.clientId)) this.changed()
    if (message.authorType === 'visitor' && this.typing.delete(message.conversationId)) this.changed()
  }

  /** The 'message.updated' frame (delivery status). */
  messageUpdated(message: Message): void {
    const thread = this.threads.get(message.conversationId)
    if (!thread) return
    thread.messages = thread.messages.map((m) => (m.id === message.id ? message : m))
    this.changed()
  }

  /** The 'typing' frame: a colleague's goes to the story (collision), a visitor's to `typing`. */
  typingFrame(frame: Extract<ServerFrame, { type: 'typing' }>): void {
    if (this.story.handleFrame(frame)) return
    if (frame.from === 'agent' && frame.agentId === this.deps.session.me?.id) return
    if (frame.typing) {
      this.typing.set(frame.conversationId, {
        who: frame.from,
        name: frame.from === 'agent' ? (frame.agentName ?? null) : null,
        until: Date.now() + TYPING_MS,
      })
      this.ensureTypingTimer()
    } else if (!this.typing.delete(frame.conversationId)) return
    this.changed()
  }

  /**
   * A visitor who has left types nothing more (a second guard beside the server's own
   * typing:false for a closed socket, for a process that went away with its sockets).
   */
  visitorLeft(conversationIds: Iterable<string>): void {
    for (const id of conversationIds) if (this.typing.get(id)?.who === 'visitor' && this.typing.delete(id)) this.changed()
  }

  /** The 'ack' frame: my reply is stored. */
  ack(frame: Extract<ServerFrame, { type: 'ack' }>): void {
    this.refusals.delete(frame.clientId)
    if (!this.pending.delete(frame.clientId)) return
    const thread = this.threads.get(frame.conversationId)
    // A duplicate is not broadcast again: fetch it if we do not have it yet.
    if (thread && !thread.messages.some((m) => m.id === frame.messageId)) {
      const last = thread.messages[thread.messages.length - 1]?.seq ?? 0
      this.deps.send({ type: 'resume', conversationId: frame.conversationId, afterSeq: last })
    }
    this.changed()
  }

  /**
   * The 'error' frame that names one of my replies. `database.unavailable` (PostgreSQL restarting)
   * refused it for a moment only: it stays `sending` and goes again by itself, later each time it
   * is refused again (the same client id is stored once). Anything else refused it for good.
   */
  error(frame: Extract<ServerFrame, { type: 'error' }>): void {
    const p = frame.ref ? this.pending.get(frame.ref) : undefined
    if (!p) return
    if (frame.code === 'database.unavailable') {
      const refusals = this.refusals.get(p.clientId) ?? 0
      this.refusals.set(p.clientId, Math.min(refusals + 1, 6))
      const seconds = againAfterSeconds(frame.retryAfter, refusals, 60)
      setTimeout(() => {
        if (this.pending.get(p.clientId) === p && p.state === 'sending') this.deps.send(this.sendFrame(p))
      }, seconds * 1000)
      return
    }
    this.refusals.delete(p.clientId)
    // No longer `unsent`; the text is kept so the agent can retry or copy it.
    const t = this.deps.session.t
    p.state = 'failed'
    p.error = frame.code.endsWith('forbidden') ? t('error.forbidden') : t('thread.failed')
    this.changed()
  }

  // The outbox -------------------------------------------------------------------------------

  pendingFor(conversationId: string): PendingMessage[] {
    return [...this.pending.values()].filter((p) => p.conversationId === conversationId)
  }

  /**
   * Sends a reply over the socket. It stays in `pending` until the server acknowledges it, and
   * the socket sends it again after every reconnect until then (`unsent`).
   */
  sendMessage(conversationId: string, body: string, alsoEmail?: boolean, attachments: Attachment[] = []): void {
    const p: PendingMessage = { clientId: clientId(), conversationId, body, createdAt: new Date().toISOString(), state: 'sending', error: null, alsoEmail, attachments }
    this.pending.set(p.clientId, p)
    this.deps.send(this.sendFrame(p))
    this.changed()
  }

  /** The replies still waiting for an ack, in the order they were written (the socket's `pending`). */
  unsent(): ClientFrame[] {
    return [...this.pending.values()].filter((p) => p.state === 'sending').map((p) => this.sendFrame(p))
  }

  private sendFrame(p: PendingMessage): ClientFrame {
    return {
      type: 'message.send',
      clientId: p.clientId,
      conversationId: p.conversationId,
      body: p.body,
      ...(p.alsoEmail === undefined ? {} : { alsoEmail: p.alsoEmail }),
      ...(p.attachments?.length ? { attachmentIds: p.attachments.map((a) => a.id) } : {}),
    }
  }

  retry(clientIdToRetry: string): void {
    const p = this.pending.get(clientIdToRetry)
    if (!p) return
    p.state = 'sending'
    p.error = null
    this.deps.send(this.sendFrame(p))
    this.changed()
  }

  discard(clientIdToDrop: string): void {
    this.pending.delete(clientIdToDrop)
    this.refusals.delete(clientIdToDrop)
    this.changed()
  }

  // Typing -----------------------------------------------------------------------------------

  sendTyping(conversationId: string, typing: boolean): void {
    this.deps.send({ type: 'typing', conversationId, typing })
  }

  typingIn(conversationId: string): Typing | null {
    const t = this.typing.get(conversationId)
    return t && t.until > Date.now() ? t : null
  }

  private ensureTypingTimer() {
    if (this.typingTimer) return
    this.typingTimer = setInterval(() => {
      const now = Date.now()
      let any = false
      for (const [id, t] of this.typing) {
        if (t.until <= now) {
          this.typing.delete(id)
          this.changed()
        } else any = true
      }
      if (!any && this.typingTimer) {
        clearInterval(this.typingTimer)
        this.typingTimer = null
      }
    }, 1000)
  }
}
