// The dashboard's composition root: creates the per-feature stores, owns the agent socket's
// side of things, and routes each server frame to the stores that care (a table from frame type
// to handler). Moments that span stores (a conversation opened, a reconnect, signing out) are
// here too, so no store needs to know the others beyond the few reads it is given.
import { ApiClient } from '../../shared/api.ts'
import type { Agent } from '../../shared/types.ts'
import type { ClientFrame, Conversation, Message, Note, ServerFrame } from '../../../server/realtime/wire.ts'
import { TeamTools } from '../team-tools/team-tools.ts'
import { ListsStore } from './lists.ts'
import { SessionStore } from './session.ts'
import { SettingsStore } from './settings.ts'
import { ThreadStore } from './thread.ts'
import { VisitorStore } from './visitor.ts'

/** A visitor message arrived: the notifier decides whether to ring, badge or pop up. */
export class VisitorMessageEvent extends Event {
  static readonly type = 'parley-visitor-message'
  constructor(
    readonly message: Message,
    readonly conversation: Conversation,
  ) {
    super(VisitorMessageEvent.type)
  }
}

/** A colleague mentioned me in a private note (the 'mention' frame): the notifier may ring. */
export class MentionEvent extends Event {
  static readonly type = 'parley-mention'
  constructor(
    readonly note: Note,
    readonly conversation: Conversation,
  ) {
    super(MentionEvent.type)
  }
}

export class SessionEndedEvent extends Event {
  static readonly type = 'parley-session-ended'
  constructor(readonly reason: string) {
    super(SessionEndedEvent.type)
  }
}

type FrameType = ServerFrame['type']
export type FrameRoutes = { [K in FrameType]?: (frame: Extract<ServerFrame, { type: K }>) => void }

export class Dashboard extends EventTarget {
  readonly session: SessionStore
  readonly settings: SettingsStore
  readonly lists: ListsStore
  readonly thread: ThreadStore
  readonly visitor: VisitorStore
  /** #16: private notes, ratings' comments, canned responses and mentions. */
  readonly team: TeamTools
  /** The agent socket (<parley-app> sets its ReconnectingSocket); frames sent while it is down are dropped. */
  socket: { send(frame: ClientFrame): boolean } | null = null
  /**
   * Whether the agent socket has been open since sign-in. From then on every change comes as a
   * frame, so what is read afterwards misses nothing; what was read before may have missed what
   * happened between the read and the socket.
   */
  private heard = false
  private waitingForOpen: (() => void)[] = []
  /** Something was read before the socket was open: its first open reads it again. */
  private readUnheard = false

  constructor(api = new ApiClient(), languages?: readonly string[]) {
    super()
    const send = (f: ClientFrame) => void this.socket?.send(f)
    this.session = new SessionStore(api, languages)
    this.settings = new SettingsStore(this.session)
    this.lists = new ListsStore({
      session: this.session,
      settings: this.settings,
      upserted: (c) => this.visitor.conversationChanged(c),
    })
    this.thread = new ThreadStore({ session: this.session, selectedId: () => this.lists.selectedId, send })
    this.visitor = new VisitorStore({
      session: this.session,
      selectedId: () => this.lists.selectedId,
      shownVisitorId: () => (this.lists.selectedId ? (this.lists.get(this.lists.selectedId)?.visitor.id ?? null) : null),
      applied: (v) => this.lists.visitorChanged(v),
    })
    this.team = new TeamTools({ api })
  }

  get api(): ApiClient {
    return this.session.api
  }

  /** Which stores each server frame changes. Frames not listed (hello, pong, resumed) change nothing. */
  readonly routes: FrameRoutes = {
    counts: (f) => this.lists.setCounts(f.counts),
    message: ({ message, conversation }) => {
      const news = this.thread.isNews(message)
      this.lists.upsert(conversation)
      this.thread.message(message)
      if (message.authorType === 'visitor') {
        this.lists.visitorMessage(message, conversation, news)
        this.dispatchEvent(new VisitorMessageEvent(message, conversation))
      }
    },
    'message.updated': (f) => this.thread.messageUpdated(f.message),
    conversation: (f) => this.lists.upsert(f.conversation),
    'conversation.event': (f) => this.thread.story.handleFrame(f),
    viewing: (f) => this.thread.story.handleFrame(f),
    note: (f) => this.team.handleFrame(f),
    mention: (f) => {
      this.team.handleFrame(f)
      this.dispatchEvent(new MentionEvent(f.note, f.conversation))
    },
    read: (f) => this.lists.setUnread(f.conversationId, f.unread, f.upTo),
    typing: (f) => this.thread.typingFrame(f),
    presence: (f) => {
      this.session.presence(f.presence)
      // A colleague with no dashboard left views nothing (the thread's collision line).
      this.thread.story.handleFrame(f)
    },
    visitor: (f) => this.visitor.apply(f.visitor),
    'visitor.presence': (f) => {
      if (!f.online) this.thread.visitorLeft([...this.lists.conversations.values()].filter((c) => c.visitor.id === f.visitorId).map((c) => c.id))
      this.visitor.presence(f.visitorId, f.online)
    },
    ack: (f) => this.thread.ack(f),
    error: (f) => this.thread.error(f),
    'session.ended': (f) => this.dispatchEvent(new SessionEndedEvent(f.reason)),
  }

  handleFrame(frame: ServerFrame): void {
    const route = this.routes[frame.type] as ((f: ServerFrame) => void) | undefined
    route?.(frame)
  }

  signedIn(agent: Agent, csrfToken: string): void {
    this.session.signedIn(agent, csrfToken)
    void this.settings.loadEmailStatus()
  }

  signedOut(): void {
    this.heard = false
    this.readUnheard = false
    this.session.signedOut()
    this.lists.reset()
    this.thread.reset()
    this.visitor.reset()
    this.team.reset()
  }

  /**
   * Waits, at most `waitMs`, until the agent socket is open: what is read after that misses nothing
   * that happens meanwhile. When the socket is slower or fails first, what is read without it (the
   * list, the unread counts, the thread on screen) is read again when it opens.
   */
  async untilHeard(waitMs = 2_000): Promise<void> {
    if (!this.heard) await new Promise<void>((resolve) => (this.waitingForOpen.push(resolve), setTimeout(resolve, waitMs)))
    if (!this.heard) this.readUnheard = true
  }

  /** The socket closed (or could not open): waiting for it is pointless, so what waits reads now. */
  socketClosed(): void {
    if (!this.heard) for (const wake of this.waitingForOpen.splice(0)) wake()
  }

  /** What the inbox needs after sign-in, all at once (a failed part leaves its default). */
  async loadInbox(): Promise<void> {
    await Promise.all([
      this.lists.loadList(this.lists.view),
      this.lists.loadCounts().catch(() => {}),
      this.lists.loadUnread().catch(() => {}),
      this.settings.loadAttention().catch(() => {}),
      this.session.loadAgents().catch(() => {}),
      this.settings.loadTags().catch(() => {}),
      this.settings.loadGroups().catch(() => {}),
    ])
  }

  /**
   * Shows a conversation in the thread (and its visitor in the card), or none. A conversation
   * no loaded list holds is fetched by id; when that fails, the thread says why.
   */
  async select(id: string | null): Promise<void> {
    this.lists.setSelected(id)
    this.thread.story.showing(id)
    if (!id) return
    if (!this.lists.get(id)) {
      try {
        await this.lists.fetch(id)
      } catch (e) {
        this.thread.failed(id, this.session.errorText(e))
        return
      }
    }
    if (!this.thread.threads.has(id)) await Promise.all([this.thread.loadThread(id), this.thread.story.load(id)])
    if (this.lists.selectedId === id) this.lists.markRead(id)
    const c = this.lists.get(id)
    if (c) void this.visitor.loadVisitor(c.visitor.id)
  }

  /**
   * Opens a conversation by id from anywhere (a search result, a link): through the address, so
   * the route, the thread, the card and the list tab that holds it (followView) stay in step and
   * Back works. <parley-app> answers the address change with select() and followView().
   */
  open(id: string): void {
    location.hash = `#/c/${id}`
  }

  /** On every (re)connect: after a gap anything may have changed, so reload what is on screen. */
  onSocketOpen(reconnect: boolean): void {
    this.heard = true
    for (const wake of this.waitingForOpen.splice(0)) wake()
    this.thread.reconnected(reconnect)
    if (!reconnect) {
      if (!this.readUnheard) return
      this.readUnheard = false
      void this.lists.loadList(this.lists.view, false, true)
      void this.lists.loadUnread().catch(() => {})
      const selectedId = this.lists.selectedId
      if (selectedId && this.thread.threads.get(selectedId)?.messages.length) this.thread.resume(selectedId)
      if (selectedId) void this.thread.story.load(selectedId)
      return
    }
    const selectedId = this.lists.selectedId
    const selected = selectedId ? this.lists.get(selectedId) : undefined
    this.lists.reconnected()
    // A read of the list begun before the drop may be older than the gap: follow it with a new one.
    void this.lists.loadList(this.lists.view, false, true)
    void this.session.loadAgents().catch(() => {})
    void this.settings.loadEmailStatus()
    void this.lists.loadUnread().catch(() => {})
    if (selected) {
      void this.lists.fetch(selected.id).catch(() => {})
      this.thread.resume(selected.id)
      void this.visitor.loadVisitor(selected.visitor.id)
    }
  }

  /** The replies still waiting for an ack (the socket sends them again after every reconnect). */
  unsent(): ClientFrame[] {
    return this.thread.unsent()
  }
}
