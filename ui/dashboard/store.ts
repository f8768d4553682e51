// The dashboard's shared state: the signed-in agent, what we know of conversations, threads,
// counts, agents and visitors, kept current by socket frames. Elements read it through
// @lit/context and re-render on its `change` event (StoreController).
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { ApiClient, ApiError, query } from '../shared/api.ts'
import { clientId, type ReconnectingSocket, type SocketState } from '../shared/socket.ts'
import { isLanguage, pickLanguage, translator, type Language } from '../shared/i18n.ts'
import type { Agent, Group, ListView, Page, PageView, Tag } from '../shared/types.ts'
import type { AgentStatus, Attachment, ClientFrame, Conversation, Counts, Message, Note, ServerFrame, Visitor } from '../../server/realtime/wire.ts'
import { TeamTools } from './team-tools/team-tools.ts' // #16 notes, ratings, canned responses
import { CATALOGS, type Key } from './i18n/index.ts'
import { ThreadStory } from './thread/story.ts'

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

const PAGE = 30
/** Page views shown in the visitor card's browsing history. */
export const HISTORY = 20
const THREAD_PAGE = 100
const TYPING_MS = 6000

const byWaiting = (a: Conversation, b: Conversation) =>
  (a.waitingSince ? Date.parse(a.waitingSince) : Infinity) - (b.waitingSince ? Date.parse(b.waitingSince) : Infinity) ||
  a.id.localeCompare(b.id)
const byLastMessage = (a: Conversation, b: Conversation) =>
  Date.parse(b.lastMessage.at) - Date.parse(a.lastMessage.at) || b.id.localeCompare(a.id)
const byResolved = (a: Conversation, b: Conversation) =>
  Date.parse(b.resolvedAt ?? b.lastMessage.at) - Date.parse(a.resolvedAt ?? a.lastMessage.at) || b.id.localeCompare(a.id)

/** Which list a conversation belongs in, for this agent. */
export function viewOf(c: Conversation, meId: string): ListView {
  if (c.status === 'resolved') return 'resolved'
  if (!c.assignee) return 'unassigned'
  return c.assignee.id === meId ? 'mine' : 'others'
}

/** Something the visitor card loads on its own (browsing history, earlier conversations). */
export interface Loaded<T> {
  items: T[]
  loading: boolean
  error: string | null
}

export class StoreChangeEvent extends Event {
  static readonly type = 'parley-store-change'
  constructor() {
    super(StoreChangeEvent.type)
  }
}

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

export class DashboardStore extends EventTarget {
  readonly api: ApiClient
  me: Agent | null = null
  lang: Language
  t = translator(CATALOGS, 'en')

  conversations = new Map<string, Conversation>()
  counts: Counts | null = null
  view: ListView = 'unassigned'
  /** Next keyset cursor per list; absent = the list's first page has not been loaded. */
  cursors = new Map<ListView, string | null>()
  listLoading = false
  listError: string | null = null
  selectedId: string | null = null
  threads = new Map<string, Thread>()
  pending = new Map<string, PendingMessage>()
  typing = new Map<string, Typing>()
  agents: Agent[] = []
  visitors = new Map<string, Visitor>()
  visitorErrors = new Map<string, string>()
  /** Browsing history per visitor (newest first), for visitors whose card has been opened. */
  visitorPages = new Map<string, Loaded<PageView>>()
  /** All conversations of a visitor (newest first), for visitors whose card has been opened. */
  visitorConversations = new Map<string, Loaded<Conversation>>()
  /** Whether the e-mail channel can send (replies to visitors who left can then go by e-mail too). */
  emailOutbound = false
  /** Attributions the card must show (the GeoLite2 licence), loaded once. */
  meta: { geoAttribution: string } | null = null
  connection: SocketState = 'closed'
  /** Whether the socket has been open once this session (the first connect is not a "lost connection"). */
  everConnected = false
  socket: ReconnectingSocket | null = null
  /** My unread visitor messages per open conversation: stored on the server, kept live by 'read' frames. */
  unread = new Map<string, number>()
  /** The team's setting: an Unassigned row's wait turns amber after this many minutes, red after twice as long. */
  waitWarnMinutes = 2
  /** #16: private notes, ratings' comments, canned responses and mentions (team-tools/team-tools.ts). */
  readonly team: TeamTools = new TeamTools(this)

  private scheduled = false
  /** The last sequence number a read was sent for, per conversation, so one read goes out once. */
  private readSent = new Map<string, number>()
  private typingTimer: ReturnType<typeof setInterval> | null = null
  /** #15: the thread's system events and the colleagues in it (collision). */
  readonly story: ThreadStory

  constructor(api = new ApiClient()) {
    super()
    this.api = api
    const store = this
    this.story = new ThreadStory({
      api,
      get me() {
        return store.me
      },
      get selectedId() {
        return store.selectedId
      },
      sendFrame: (f) => void store.socket?.send(f),
      changed: () => store.changed(),
    })
    this.lang = pickLanguage(typeof navigator === 'undefined' ? [] : navigator.languages)
    this.t = translator(CATALOGS, this.lang)
    // Coming back to a tab that shows a thread is reading it.
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', () => this.selectedId && this.markRead(this.selectedId))
  }

  /** Coalesces many changes in one task into one re-render. */
  changed(): void {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.dispatchEvent(new StoreChangeEvent())
    })
  }

  setLanguage(lang: Language): void {
    this.lang = lang
    this.t = translator(CATALOGS, lang)
    document.documentElement.lang = lang
    this.changed()
  }

  /** Turns an error into a sentence in the agent's language. */
  errorText(e: unknown): string {
    if (e instanceof ApiError) {
      if (e.status === 0) return this.t('error.network')
      if (e.status === 403) return this.t('error.forbidden')
      if (e.status === 404) return this.t('error.notFound')
      if (e.status === 429) return this.t('error.throttled')
    }
    return this.t('error.generic')
  }

  // Session ----------------------------------------------------------------------------------

  signedIn(agent: Agent, csrfToken: string): void {
    this.me = agent
    this.api.csrfToken = csrfToken
    if (isLanguage(agent.language)) this.setLanguage(agent.language)
    void this.loadEmailStatus()
    this.changed()
  }

  async loadEmailStatus(): Promise<void> {
    try {
      const status = await this.api.get<{ outbound: boolean }>('/api/settings/email/status')
      this.emailOutbound = status.outbound
    } catch {
      this.emailOutbound = false
    }
    this.changed()
  }

  signedOut(): void {
    this.me = null
    this.api.csrfToken = ''
    this.conversations.clear()
    this.cursors.clear()
    this.threads.clear()
    this.pending.clear()
    this.typing.clear()
    this.story.clear()
    this.visitors.clear()
    this.visitorPages.clear()
    this.visitorConversations.clear()
    this.team.reset() // #16
    this.agents = []
    this.counts = null
    this.unread.clear()
    this.readSent.clear()
    this.selectedId = null
    this.everConnected = false
    this.changed()
  }

  async updateMe(patch: Partial<Pick<Agent, 'name' | 'language'>>): Promise<void> {
    if (!this.me) return
    const agent = await this.api.patch<Agent>(`/api/agents/${this.me.id}`, patch)
    this.me = { ...this.me, ...agent }
    if (isLanguage(agent.language)) this.setLanguage(agent.language)
    this.changed()
  }

  async setStatus(status: AgentStatus): Promise<void> {
    if (!this.me) return
    const previous = this.me.status
    this.me = { ...this.me, status }
    this.changed()
    try {
      await this.api.put('/api/agents/me/status', { status })
    } catch (e) {
      this.me = { ...this.me, status: previous }
      this.changed()
      throw e
    }
  }

  // Lists ------------------------------------------------------------------------------------

  list(view: ListView = this.view): Conversation[] {
    const me = this.me?.id ?? ''
    const mine = view === 'unassigned' && this.myGroupsOnly ? this.myGroupIds() : null
    const items = [...this.conversations.values()].filter((c) =>
      view === 'all' ? c.status === 'open' : viewOf(c, me) === view && (!mine || (c.group !== null && mine.has(c.group.id))),
    )
    return items.sort(view === 'unassigned' ? byWaiting : view === 'resolved' ? byResolved : byLastMessage)
  }

  countOf(view: ListView): number | null {
    const c = this.counts
    if (!c || !this.me) return null
    if (view === 'unassigned') return c.unassigned
    if (view === 'mine') return c.byAssignee[this.me.id] ?? 0
    if (view === 'others') return Object.entries(c.byAssignee).reduce((n, [id, k]) => (id === this.me!.id ? n : n + k), 0)
    if (view === 'all') return Object.values(c.byAssignee).reduce((n, k) => n + k, c.unassigned)
    return null
  }

  hasMore(view: ListView = this.view): boolean {
    return Boolean(this.cursors.get(view))
  }

  async setView(view: ListView): Promise<void> {
    this.view = view
    this.changed()
    if (!this.cursors.has(view)) await this.loadList(view)
  }

  async loadList(view: ListView = this.view, more = false): Promise<void> {
    if (this.listLoading) return
    const cursor = more ? this.cursors.get(view) : undefined
    if (more && !cursor) return
    this.listLoading = true
    this.listError = null
    this.changed()
    try {
      const myGroups = view === 'unassigned' && this.myGroupsOnly ? 'true' : undefined
      const page = await this.api.get<Page<Conversation>>(`/api/conversations${query({ view, cursor, limit: PAGE, myGroups })}`)
      for (const c of page.items) this.upsert(c)
      this.cursors.set(view, page.nextCursor)
    } catch (e) {
      this.listError = this.errorText(e)
    } finally {
      this.listLoading = false
      this.changed()
    }
  }

  async loadCounts(): Promise<void> {
    this.counts = await this.api.get<Counts>('/api/conversations/counts')
    this.changed()
  }

  // Unread -----------------------------------------------------------------------------------

  async loadUnread(): Promise<void> {
    const { unread } = await this.api.get<{ unread: Record<string, number> }>('/api/conversations/unread')
    this.unread = new Map(Object.entries(unread))
    this.changed()
    // A thread opened before the answer came is read, whatever the answer says about it.
    if (this.selectedId) this.markRead(this.selectedId)
  }

  async loadAttention(): Promise<void> {
    this.waitWarnMinutes = (await this.api.get<{ waitWarnMinutes: number }>('/api/settings/attention')).waitWarnMinutes
    this.changed()
  }

  async saveAttention(waitWarnMinutes: number): Promise<void> {
    this.waitWarnMinutes = (await this.api.put<{ waitWarnMinutes: number }>('/api/settings/attention', { waitWarnMinutes })).waitWarnMinutes
    this.changed()
  }

  unreadOf(id: string): number {
    return this.unread.get(id) ?? 0
  }

  /** All my unread visitor messages: the tab title and the Open tab show it. */
  get unreadTotal(): number {
    let n = 0
    for (const k of this.unread.values()) n += k
    return n
  }

  /** The agent sees this thread (selected in a visible tab): it is read up to its last message, on the server too. */
  markRead(id: string): void {
    const c = this.conversations.get(id)
    if (!c || !this.me || (typeof document !== 'undefined' && document.visibilityState !== 'visible')) return
    if ((this.readSent.get(id) ?? -1) >= c.lastSeq && !this.unread.has(id)) return
    this.readSent.set(id, c.lastSeq)
    this.unread.delete(id)
    this.changed()
    this.api.post<{ seq: number; unread: number }>(`/api/conversations/${id}/read`, { seq: c.lastSeq }).then(
      (r) => this.setUnread(id, r.unread),
      // Not stored: the next look at the thread sends it again.
      () => this.readSent.delete(id),
    )
  }

  private setUnread(id: string, n: number): void {
    if (n > 0) this.unread.set(id, n)
    else this.unread.delete(id)
    this.changed()
  }

  upsert(c: Conversation): void {
    const known = this.conversations.get(c.id)
    // Frames and responses can cross; never let an older picture replace a newer one.
    if (known && known.lastSeq > c.lastSeq) return
    this.conversations.set(c.id, c)
    // A resolved conversation asks for nobody's attention (the server counts open ones only).
    if (c.status === 'resolved') this.unread.delete(c.id)
    // Keep the visitor card's "earlier conversations" in step with what happens to them.
    const list = this.visitorConversations.get(c.visitor.id)
    if (list) list.items = [c, ...list.items.filter((x) => x.id !== c.id)].sort(byCreated)
    this.changed()
  }

  // Threads ----------------------------------------------------------------------------------

  async select(id: string | null): Promise<void> {
    this.selectedId = id
    this.story.showing(id)
    this.changed()
    if (!id) return
    if (!this.conversations.has(id)) {
      try {
        this.upsert(await this.api.get<Conversation>(`/api/conversations/${id}`))
      } catch (e) {
        this.threads.set(id, { messages: [], loading: false, error: this.errorText(e), hasEarlier: false })
        this.changed()
        return
      }
    }
    if (!this.threads.has(id)) await Promise.all([this.loadThread(id), this.story.load(id)])
    if (this.selectedId === id) this.markRead(id)
    const c = this.conversations.get(id)
    if (c) void this.loadVisitor(c.visitor.id)
  }

  /**
   * Shows the list tab that holds this conversation (Resolved for a resolved one, Mine, Others,
   * Unassigned), so an address opened by a reload or a link never shows a thread the list
   * contradicts. Only when a conversation is opened: one that changes later stays where it is.
   */
  async followView(id: string, load = true): Promise<void> {
    if (!this.conversations.has(id)) {
      try {
        this.upsert(await this.api.get<Conversation>(`/api/conversations/${id}`))
      } catch {
        return // select() shows the error in the thread.
      }
    }
    const c = this.conversations.get(id)
    if (!c || !this.me || this.selectedId !== id) return
    const view = viewOf(c, this.me.id)
    if (view === this.view || (this.view === 'all' && c.status === 'open')) return
    this.view = view
    this.changed()
    if (load && !this.cursors.has(view)) await this.loadList(view)
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
      this.threads.set(id, { messages: [], loading: false, error: this.errorText(e), hasEarlier: false })
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
      thread.error = this.errorText(e)
    }
    thread.loading = false
    this.changed()
  }

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
    this.socket?.send(this.sendFrame(p))
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
    this.socket?.send(this.sendFrame(p))
    this.changed()
  }

  discard(clientIdToDrop: string): void {
    this.pending.delete(clientIdToDrop)
    this.changed()
  }

  sendTyping(conversationId: string, typing: boolean): void {
    this.socket?.send({ type: 'typing', conversationId, typing })
  }

  typingIn(conversationId: string): Typing | null {
    const t = this.typing.get(conversationId)
    return t && t.until > Date.now() ? t : null
  }

  // Conversation actions -----------------------------------------------------------------------

  async take(id: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/take`))
  }
  async assign(id: string, agentId: string | null): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/assign`, { agentId }))
  }
  async resolve(id: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/resolve`))
  }
  async reopen(id: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/reopen`))
  }

  // Tags and groups (#16) ----------------------------------------------------------------------

  tags: Tag[] = []
  groups: Group[] = []
  /** Unassigned narrowed to the groups I am a member of (the list's toggle). */
  myGroupsOnly = false

  myGroupIds(): Set<string> {
    const me = this.me?.id
    return new Set(this.groups.filter((g) => me && g.memberIds.includes(me)).map((g) => g.id))
  }

  async loadTags(): Promise<void> {
    this.tags = (await this.api.get<{ tags: Tag[] }>('/api/tags')).tags
    this.changed()
  }

  async loadGroups(): Promise<void> {
    this.groups = (await this.api.get<{ groups: Group[] }>('/api/groups')).groups
    this.changed()
  }

  async setMyGroupsOnly(on: boolean): Promise<void> {
    this.myGroupsOnly = on
    // The first page of Unassigned means another list now.
    this.cursors.delete('unassigned')
    this.changed()
    await this.loadList('unassigned')
  }

  async tag(id: string, tagId: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/tags`, { tagId }))
  }
  async untag(id: string, tagId: string): Promise<void> {
    this.upsert(await this.api.delete<Conversation>(`/api/conversations/${id}/tags/${tagId}`))
  }
  async transferToGroup(id: string, groupId: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/transfer`, { groupId }))
  }

  // Agents and visitors ----------------------------------------------------------------------

  async loadAgents(): Promise<void> {
    this.agents = await this.api.get<Agent[]>('/api/agents')
    const me = this.agents.find((a) => a.id === this.me?.id)
    if (me && this.me) this.me = { ...this.me, ...me }
    this.changed()
  }

  /** The visitor card: the visitor, their browsing history and conversations, and the attribution. */
  async loadVisitor(id: string): Promise<void> {
    const card = (async () => {
      try {
        this.visitors.set(id, await this.api.get<Visitor>(`/api/visitors/${id}`))
        this.visitorErrors.delete(id)
      } catch (e) {
        this.visitorErrors.set(id, this.errorText(e))
      }
      this.changed()
    })()
    await Promise.all([card, this.loadPages(id), this.loadVisitorConversations(id), this.loadMeta()])
  }

  private pagesInFlight = new Map<string, Promise<void>>()
  private pagesAgain = new Set<string>()

  /** Loads the latest page views; a call during a load runs once more after it (page views come in bursts). */
  loadPages(id: string): Promise<void> {
    const running = this.pagesInFlight.get(id)
    if (running) {
      this.pagesAgain.add(id)
      return running
    }
    const p = (async () => {
      do {
        this.pagesAgain.delete(id)
        const known = this.visitorPages.get(id)
        this.visitorPages.set(id, { items: known?.items ?? [], loading: true, error: null })
        this.changed()
        try {
          const items = await this.api.get<PageView[]>(`/api/visitors/${id}/pages${query({ limit: HISTORY })}`)
          this.visitorPages.set(id, { items, loading: false, error: null })
        } catch (e) {
          this.visitorPages.set(id, { items: known?.items ?? [], loading: false, error: this.errorText(e) })
        }
        this.changed()
      } while (this.pagesAgain.has(id))
      this.pagesInFlight.delete(id)
    })()
    this.pagesInFlight.set(id, p)
    return p
  }

  async loadVisitorConversations(id: string): Promise<void> {
    const known = this.visitorConversations.get(id)
    this.visitorConversations.set(id, { items: known?.items ?? [], loading: true, error: null })
    this.changed()
    try {
      const items = await this.api.get<Conversation[]>(`/api/visitors/${id}/conversations`)
      this.visitorConversations.set(id, { items: items.sort(byCreated), loading: false, error: null })
    } catch (e) {
      this.visitorConversations.set(id, { items: known?.items ?? [], loading: false, error: this.errorText(e) })
    }
    this.changed()
  }

  async loadMeta(): Promise<void> {
    if (this.meta) return
    try {
      this.meta = await this.api.get<{ geoAttribution: string }>('/api/settings/meta')
      this.changed()
    } catch {
      // Retried with the next card; the card shows the location without the line meanwhile.
    }
  }

  async updateVisitor(id: string, patch: Partial<Pick<Visitor, 'name' | 'email' | 'phone' | 'note'>>): Promise<Visitor> {
    const v = await this.api.patch<Visitor>(`/api/visitors/${id}`, patch)
    this.applyVisitor(v)
    return v
  }

  private applyVisitor(v: Visitor): void {
    const before = this.visitors.get(v.id)
    this.visitors.set(v.id, v)
    // A page view moves the current page and the last-seen time; edits do not. Refresh the
    // history of the card on screen, and forget it for others (reloaded when their card opens).
    const moved = !before || before.lastSeenAt !== v.lastSeenAt || before.currentPage?.url !== v.currentPage?.url
    if (moved && this.visitorPages.has(v.id)) {
      const shown = this.selectedId ? this.conversations.get(this.selectedId)?.visitor.id === v.id : false
      if (shown) void this.loadPages(v.id)
      else this.visitorPages.delete(v.id)
    }
    // Lists show the visitor's name: keep their copies in step.
    for (const c of this.conversations.values()) {
      if (c.visitor.id === v.id) this.conversations.set(c.id, { ...c, visitor: { ...c.visitor, name: v.name, email: v.email } })
    }
    this.changed()
  }

  // Socket -----------------------------------------------------------------------------------

  /** On every (re)connect: after a gap anything may have changed, so reload what is on screen. */
  onSocketOpen(reconnect: boolean): void {
    this.story.reconnected(reconnect)
    if (!reconnect) return
    const selected = this.selectedId ? this.conversations.get(this.selectedId) : undefined
    this.conversations.clear()
    if (selected) this.conversations.set(selected.id, selected)
    this.cursors.clear()
    for (const id of [...this.threads.keys()]) if (id !== this.selectedId) this.threads.delete(id)
    void this.loadList(this.view)
    void this.loadAgents().catch(() => {})
    void this.loadEmailStatus()
    void this.loadUnread().catch(() => {})
    if (selected) {
      void this.api.get<Conversation>(`/api/conversations/${selected.id}`).then((c) => this.upsert(c), () => {})
      this.resume(selected.id)
      void this.loadVisitor(selected.visitor.id)
    }
  }

  private resume(conversationId: string): void {
    const thread = this.threads.get(conversationId)
    const last = thread?.messages[thread.messages.length - 1]?.seq ?? 0
    this.socket?.send({ type: 'resume', conversationId, afterSeq: last })
  }

  setConnection(state: SocketState): void {
    this.connection = state
    if (state === 'open') this.everConnected = true
    this.changed()
  }

  handleFrame(frame: ServerFrame): void {
    if (this.story.handleFrame(frame)) return
    switch (frame.type) {
      case 'counts':
        this.counts = frame.counts
        this.changed()
        return
      case 'message': {
        const { message, conversation } = frame
        this.upsert(conversation)
        const thread = this.threads.get(message.conversationId)
        // A message already in its thread (resumed after a reconnect) is not news. (The
        // conversation's lastSeq cannot tell: its 'created' frame may come before the message.)
        const news = !thread?.messages.some((m) => m.seq === message.seq)
        if (thread) {
          const last = thread.messages[thread.messages.length - 1]?.seq ?? 0
          thread.messages = merge(thread.messages, [message])
          // A gap means we missed frames (e.g. during a reconnect): ask for what is missing.
          if (message.seq > last + 1 && !thread.loading) this.socket?.send({ type: 'resume', conversationId: message.conversationId, afterSeq: last })
        }
        if (message.clientId && this.pending.has(message.clientId)) this.pending.delete(message.clientId)
        if (message.authorType === 'visitor') {
          this.typing.delete(message.conversationId)
          if (news && conversation.status === 'open') {
            if (this.selectedId === message.conversationId) this.markRead(message.conversationId)
            // markRead does nothing in a hidden tab: then the message waits, unread.
            if (this.selectedId !== message.conversationId || this.readSent.get(message.conversationId) !== conversation.lastSeq) {
              this.unread.set(message.conversationId, this.unreadOf(message.conversationId) + 1)
            }
          }
          this.dispatchEvent(new VisitorMessageEvent(message, conversation))
        }
        this.changed()
        return
      }
      case 'message.updated': {
        const thread = this.threads.get(frame.message.conversationId)
        if (thread) thread.messages = thread.messages.map((m) => (m.id === frame.message.id ? frame.message : m))
        this.changed()
        return
      }
      case 'conversation':
        this.upsert(frame.conversation)
        return
      // #16 notes and mentions
      case 'note':
      case 'mention':
        this.team.handleFrame(frame)
        if (frame.type === 'mention') this.dispatchEvent(new MentionEvent(frame.note, frame.conversation))
        return
      case 'read':
        this.setUnread(frame.conversationId, frame.unread)
        return
      case 'typing': {
        if (frame.from === 'agent' && frame.agentId === this.me?.id) return
        if (frame.typing) {
          this.typing.set(frame.conversationId, {
            who: frame.from,
            name: frame.from === 'agent' ? (frame.agentName ?? null) : null,
            until: Date.now() + TYPING_MS,
          })
          this.ensureTypingTimer()
        } else {
          this.typing.delete(frame.conversationId)
        }
        this.changed()
        return
      }
      case 'presence': {
        const p = frame.presence
        this.agents = this.agents.map((a) => (a.id === p.agentId ? { ...a, presence: p.presence, status: p.status } : a))
        if (this.me?.id === p.agentId) this.me = { ...this.me, presence: p.presence, status: p.status }
        this.changed()
        return
      }
      case 'visitor':
        this.applyVisitor(frame.visitor)
        return
      case 'visitor.presence': {
        // A visitor who has left types nothing more (a second guard beside the server's own
        // typing:false for a closed socket, for a process that went away with its sockets).
        if (!frame.online) {
          for (const [id, t] of this.typing) {
            if (t.who === 'visitor' && this.conversations.get(id)?.visitor.id === frame.visitorId) this.typing.delete(id)
          }
          this.changed()
        }
        const v = this.visitors.get(frame.visitorId)
        if (v) {
          this.visitors.set(v.id, { ...v, online: frame.online, lastSeenAt: frame.online ? v.lastSeenAt : new Date().toISOString() })
          this.changed()
        }
        return
      }
      case 'ack': {
        const p = this.pending.get(frame.clientId)
        if (!p) return
        this.pending.delete(frame.clientId)
        const thread = this.threads.get(frame.conversationId)
        // A duplicate is not broadcast again: fetch it if we do not have it yet.
        if (thread && !thread.messages.some((m) => m.id === frame.messageId)) {
          const last = thread.messages[thread.messages.length - 1]?.seq ?? 0
          this.socket?.send({ type: 'resume', conversationId: frame.conversationId, afterSeq: last })
        }
        this.changed()
        return
      }
      case 'error': {
        const p = frame.ref ? this.pending.get(frame.ref) : undefined
        if (p) {
          // The server refused this frame for good (no longer `unsent`); keep the text so the agent can retry or copy it.
          p.state = 'failed'
          p.error = frame.code === 'conversation.forbidden' || frame.code.endsWith('forbidden') ? this.t('error.forbidden') : this.t('thread.failed')
          this.changed()
        }
        return
      }
      case 'session.ended':
        this.dispatchEvent(new SessionEndedEvent(frame.reason))
        return
      default:
        return
    }
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

const byCreated = (a: Conversation, b: Conversation) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id)

/** Merges messages by id, ordered by sequence number. */
export function merge(a: Message[], b: Message[]): Message[] {
  const byId = new Map<string, Message>()
  for (const m of a) byId.set(m.id, m)
  for (const m of b) byId.set(m.id, m)
  return [...byId.values()].sort((x, y) => x.seq - y.seq)
}

/** Re-renders its host whenever the store changes. */
export class StoreController implements ReactiveController {
  private store: DashboardStore | null = null
  private listener = () => this.host.requestUpdate()

  constructor(private host: ReactiveControllerHost) {
    host.addController(this)
  }

  attach(store: DashboardStore | undefined): void {
    if (store === this.store) return
    this.store?.removeEventListener(StoreChangeEvent.type, this.listener)
    this.store = store ?? null
    this.store?.addEventListener(StoreChangeEvent.type, this.listener)
    this.host.requestUpdate()
  }

  hostConnected(): void {
    this.store?.addEventListener(StoreChangeEvent.type, this.listener)
  }

  hostDisconnected(): void {
    this.store?.removeEventListener(StoreChangeEvent.type, this.listener)
  }
}

export type { Key }
