// The widget's connection to Parley: the visitor token, the widget settings, the socket (the
// shared reconnecting core) with resume, and the outbox. Everything the visitor writes goes into
// the outbox first (persisted in localStorage) and leaves it only when the server acknowledges the
// commit, so a message typed offline, or sent just before the network dropped, is resent after
// reconnect with the same client id and stored exactly once, in the order it was written.
import { againAfterSeconds, READ_RETRIES } from '../shared/retry.ts'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { Attachment, AuthorType, ClientFrame, Conversation, Message, ServerFrame } from '../../server/realtime/wire.ts'
import { ReconnectingSocket, clientId as newClientId } from '../shared/socket.ts'

/** Fired on window after the site calls history.pushState (browsers fire no event of their own). */
const NAVIGATE = 'parley:navigate'

/**
 * Single-page apps move between pages with history.pushState, which fires no event (popstate
 * only fires on back/forward). Wrap it once, as analytics scripts do, and tell the controller.
 */
function watchPushState(): void {
  const h = history as History & { __parleyWrapped?: boolean }
  if (h.__parleyWrapped) return
  h.__parleyWrapped = true
  const push = h.pushState
  h.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    const result = push.apply(this, args)
    dispatchEvent(new Event(NAVIGATE))
    return result
  }
}

export interface Appearance {
  color: string
  position: 'left' | 'right'
  greeting: string
  offlineMessage: string
}

/** What the chat view shows: stored messages, then the visitor's messages still on their way. */
export interface ChatItem {
  key: string
  seq: number | null
  author: AuthorType
  authorName: string | null
  body: string
  at: number
  /** Only for the visitor's own messages. */
  state: 'sending' | 'sent' | 'delivered' | 'failed' | null
  clientId: string | null
  /** An agent's files (downloaded with the visitor's token: downloadFile). */
  attachments: Attachment[]
}

interface Pending {
  clientId: string
  body: string
  at: number
  /** The widget's language when it was written (the server's search stems by it). */
  lang?: string
  failed?: boolean
}

export type Link = 'idle' | 'connecting' | 'open' | 'down'

export interface ChatCallbacks {
  /** A new agent message arrived while this page was open (not history). */
  received(m: Message): void
  /** The server committed one of the visitor's messages. */
  sent(m: { id: string; clientId: string; body: string; conversationId: string; seq: number }): void
  /** The widget settings arrived; `recording` holds the owner's recording switches. */
  configured?(config: { recording?: unknown }): void
  /** The widget's UI language now: sent with each message. */
  language?(): ClientLanguage
}

type ClientLanguage = NonNullable<Extract<ClientFrame, { type: 'message.send' }>['language']>

export class ContactError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

const DEFAULT_APPEARANCE: Appearance = { color: '#4f46e5', position: 'right', greeting: '', offlineMessage: '' }
/** An empty greeting or offline text from the settings means "use ours, in the visitor's language". */
const siteText = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/** localStorage that never throws (Safari private mode, disabled storage, full quota). */
function store(prefix: string) {
  return {
    get<T>(key: string): T | null {
      try {
        const raw = localStorage.getItem(prefix + key)
        return raw === null ? null : (JSON.parse(raw) as T)
      } catch {
        return null
      }
    },
    set(key: string, value: unknown): void {
      try {
        if (value === null || value === undefined) localStorage.removeItem(prefix + key)
        else localStorage.setItem(prefix + key, JSON.stringify(value))
      } catch {}
    },
  }
}

export class ChatController implements ReactiveController {
  appearance: Appearance = DEFAULT_APPEARANCE
  online = true
  /** Whether Parley can e-mail the visitor a reply (SMTP is set up): the offline form promises it only then. */
  canEmail = true
  configLoaded = false
  /**
   * Whether the last settings request was answered. When Parley was unreachable as the page
   * loaded, the widget shows its defaults (online, our colour); the next hello asks again.
   */
  private configFresh = false
  /** #16 ratings: whether a resolved conversation asks for a rating, and on which scale. */
  ratingMode: 'thumbs' | 'stars' | 'off' = 'off'
  /** Groups (#16): the owner lets the visitor choose one before the first message (prechat). */
  prechat = false
  groups: { key: string; name: string }[] = []
  /** The group this visitor was routed to (by the site or by their choice), kept per server. */
  group: string | null = null
  /** A parley('group') or pre-chat choice on its way to the server; null when none is. */
  private routing: Promise<unknown> | null = null
  link: Link = 'idle'
  conversation: Conversation | null = null
  /** The agent typing right now: their name, '' when unnamed, null when nobody types. */
  agentTyping: string | null = null
  /** Set after the first full load of the thread on this page; until then messages are history. */
  loaded = false
  /** A `resume` asked and its `resumed` not yet come: messages may arrive out of order meanwhile. */
  private catchingUp = false
  /**
   * The server said the visitor sends faster than its limit (`rate.limited`): until this time
   * (ms) messages wait in the outbox, then go out by themselves. 0: not slowed down.
   */
  slowedUntil = 0
  /**
   * Why the outbox waits: 'rate' (the visitor's own pace, `rate.limited`) or 'server' (the server
   * could not store it for a moment, `database.unavailable`: PostgreSQL restarting). Each says so
   * differently; either way the messages go out by themselves.
   */
  slowedFor: 'rate' | 'server' = 'rate'
  /** Refusals for `database.unavailable` in a row: each doubles the wait, up to a minute. */
  private serverRefusals = 0
  /** The settings asked again after a 503, and when next. */
  private configRetries = 0
  private configTimer: ReturnType<typeof setTimeout> | undefined
  /**
   * Blocking (#16): the server refused this visitor or their address (`visitor.blocked`). The
   * widget then shows nothing at all — no launcher, no message saying why. Remembered in this
   * browser so the next page does not flash the launcher; a later hello (unblocked) clears it.
   */
  blocked = false

  private readonly base: string
  private readonly storage: ReturnType<typeof store>
  private token: string | null
  private messages = new Map<number, Message>()
  private outbox: Pending[]
  /** Client ids this tab saw acknowledged (another tab's copy of the outbox may still list them). */
  private settled = new Set<string>()
  /** The last message the visitor has seen, per conversation (sequence numbers are per conversation). */
  private lastRead: { c: string; seq: number }
  private readonly socket: ReconnectingSocket
  private typingTimer: ReturnType<typeof setTimeout> | undefined
  private slowTimer: ReturnType<typeof setTimeout> | undefined
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined
  private typingSentAt = 0
  private deliveredSent = 0
  /** Visitor messages up to this seq have demonstrably reached an agent (see `stateOf`). */
  private seenByAgent = 0
  private visitorPromise: Promise<string> | null = null
  /** The visitor the last hello named: another one in a later hello means the token changed hands. */
  private helloId: string | null = null
  private stopped = true
  /** The page URL last reported with `page.view`. */
  private pageSent = ''
  /** Site calls (name, e-mail, identify…) run one after another, in the order the site made them. */
  private siteQueue: Promise<unknown> = Promise.resolve()

  constructor(
    private host: ReactiveControllerHost,
    server: string,
    private callbacks: ChatCallbacks,
  ) {
    this.base = server.replace(/\/+$/, '')
    this.storage = store(`parley:${this.base}:`)
    this.token = this.storage.get<string>('token')
    this.group = this.storage.get<string>('group') ?? null
    this.outbox = (this.storage.get<Pending[]>('outbox') ?? []).filter((p) => p && typeof p.clientId === 'string' && typeof p.body === 'string')
    const read = this.storage.get<{ c: string; seq: number }>('read')
    this.lastRead = read && typeof read.seq === 'number' ? read : { c: '', seq: 0 }
    this.blocked = this.storage.get<boolean>('blocked') === true
    this.socket = new ReconnectingSocket({
      url: async () => `${this.base.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(await this.ensureVisitor())}`,
      greeting: 'hello',
      onOpen: (_reconnect, current, hello) => this.onHello(current, hello),
      pending: () => (this.slowedUntil ? [] : this.outbox.filter((p) => !p.failed).map((p) => this.messageFrame(p))),
      onFrame: (f) => this.onFrame(f),
      // 4003: blocked (#16); trying again would only be refused again.
      finalCodes: [4003],
      onState: (state, info) => {
        if (this.stopped) return
        if (info.code === 4003) return this.setBlocked(true)
        // Down stays down through the attempts to reconnect (each one is 'connecting' for a
        // moment): the widget's banner shows once, not blinking with every attempt.
        this.link = state === 'closed' || (state === 'connecting' && this.link === 'down') ? 'down' : state
        // A socket refused before `hello` may mean the token is gone (database reset).
        if (info.refused) void this.checkToken()
        this.changed()
      },
      pingMs: 25_000,
      pongMs: 10_000,
      // Full jitter: thousands of widgets that lost the server together come back spread over
      // the whole window, not in waves (a graceful restart's close hint spreads them first).
      backoff: { firstMs: 500, maxMs: 30_000, jitter: [0, 1] },
      followPage: true,
    })
    // Last: a host that is already connected calls hostConnected() from inside addController().
    host.addController(this)
  }

  hostConnected(): void {
    this.stopped = false
    addEventListener('popstate', this.onNavigate)
    addEventListener('hashchange', this.onNavigate)
    watchPushState()
    addEventListener(NAVIGATE, this.onPushState)
    addEventListener('pagehide', this.onPageHide)
    addEventListener('pageshow', this.onPageState)
    document.addEventListener('visibilitychange', this.onPageState)
    void this.loadConfig()
    // Connect at once, not at the first message: agents see who is on the site and where.
    this.socket.start()
  }

  hostDisconnected(): void {
    this.stopped = true
    removeEventListener('popstate', this.onNavigate)
    removeEventListener('hashchange', this.onNavigate)
    removeEventListener(NAVIGATE, this.onPushState)
    removeEventListener('pagehide', this.onPageHide)
    removeEventListener('pageshow', this.onPageState)
    document.removeEventListener('visibilitychange', this.onPageState)
    clearTimeout(this.slowTimer)
    clearTimeout(this.configTimer)
    this.slowedUntil = 0
    this.socket.stop()
  }

  /** The socket is open and the thread resumed: frames that create data go out now. */
  private get ready(): boolean {
    return this.socket.state === 'open'
  }

  // ---- what the view reads ----

  get items(): ChatItem[] {
    const stored = [...this.messages.values()].sort((a, b) => a.seq - b.seq)
    const items: ChatItem[] = stored.map((m) => ({
      key: m.id,
      seq: m.seq,
      author: m.authorType,
      authorName: m.authorName,
      body: m.body,
      at: Date.parse(m.createdAt),
      state: m.authorType === 'visitor' ? (m.seq <= this.seenByAgent ? 'delivered' : 'sent') : null,
      clientId: m.clientId,
      attachments: m.attachments ?? [],
    }))
    for (const p of this.outbox) {
      items.push({ key: p.clientId, seq: null, author: 'visitor', authorName: null, body: p.body, at: p.at, state: p.failed ? 'failed' : 'sending', clientId: p.clientId, attachments: [] })
    }
    return items
  }

  get unread(): number {
    const from = this.lastRead.c === this.conversation?.id ? this.lastRead.seq : 0
    let n = 0
    for (const m of this.messages.values()) if (m.authorType === 'agent' && m.seq > from) n++
    return n
  }

  /** The agent to show in the header: whoever answered last, else the assignee. */
  get agentName(): string | null {
    let name: string | null = null
    for (const m of [...this.messages.values()].sort((a, b) => a.seq - b.seq)) if (m.authorType === 'agent' && m.authorName) name = m.authorName
    return name ?? this.conversation?.assignee?.name ?? null
  }

  get hasThread(): boolean {
    return this.messages.size > 0 || this.outbox.length > 0
  }

  // ---- commands from the view ----

  send(body: string): void {
    const text = body.trim()
    if (!text) return
    const p: Pending = { clientId: newClientId(), body: text, at: Date.now(), lang: this.callbacks.language?.() }
    this.outbox.push(p)
    this.saveOutbox()
    this.stopTyping()
    // A group chosen a moment ago must be on the server before the message opens a conversation.
    const go = () => {
      if (this.ready) this.transmit(p)
      else this.socket.connect()
    }
    if (this.routing) void this.routing.then(go)
    else go()
    this.changed()
  }

  retry(clientId: string): void {
    const p = this.outbox.find((x) => x.clientId === clientId)
    if (!p) return
    delete p.failed
    this.saveOutbox()
    if (this.ready) this.transmit(p)
    this.changed()
  }

  /** Called on every keystroke in the composer; sends at most one `typing` frame every 3 s. */
  typing(active: boolean): void {
    if (!active) return this.stopTyping()
    const id = this.conversation?.id
    if (!id || !this.ready) return
    clearTimeout(this.typingTimer)
    this.typingTimer = setTimeout(() => this.stopTyping(), 4000)
    if (Date.now() - this.typingSentAt > 3000) {
      this.typingSentAt = Date.now()
      this.frame({ type: 'typing', conversationId: id, typing: true })
    }
  }

  /** The visitor has seen everything up to now (panel open, tab visible). */
  markRead(): void {
    const c = this.conversation?.id
    if (!c) return
    const max = this.lastSeq()
    if (c !== this.lastRead.c || max > this.lastRead.seq) {
      this.lastRead = { c, seq: max }
      this.storage.set('read', this.lastRead)
      this.changed()
    }
  }

  /** Re-reads the widget settings (whether an agent is online changes over time). */
  async loadConfig(): Promise<void> {
    try {
      const res = await fetch(`${this.base}/api/widget/config`)
      if (res.status === 503 && this.configRetries < READ_RETRIES) {
        // The server's database is away for a moment: keep the defaults for now (the launcher
        // does not wait) and ask again after its Retry-After, doubling.
        const ms = againAfterSeconds(Number(res.headers.get('retry-after')), this.configRetries++) * 1000
        clearTimeout(this.configTimer)
        this.configTimer = setTimeout(() => void this.loadConfig(), ms)
      }
      if (!res.ok) throw new Error(String(res.status))
      this.configRetries = 0
      this.configFresh = true
      const body = (await res.json()) as { appearance?: Partial<Appearance>; online?: boolean; canEmail?: boolean }
      const a = body.appearance ?? {}
      this.appearance = {
        color: typeof a.color === 'string' && /^#[0-9a-f]{3,8}$/i.test(a.color) ? a.color : DEFAULT_APPEARANCE.color,
        position: a.position === 'left' ? 'left' : 'right',
        greeting: siteText(a.greeting),
        offlineMessage: siteText(a.offlineMessage),
      }
      this.online = body.online !== false
      this.canEmail = body.canEmail !== false
      const g = (body as { groups?: { prechat?: unknown; groups?: unknown } }).groups
      this.groups = Array.isArray(g?.groups)
        ? (g.groups as { key?: unknown; name?: unknown }[]).filter((x) => typeof x.key === 'string' && typeof x.name === 'string').map((x) => ({ key: x.key as string, name: x.name as string }))
        : []
      this.prechat = g?.prechat === true && this.groups.length > 0
      this.callbacks.configured?.(body as { recording?: unknown })
      // #16 ratings
      const rating = await fetch(`${this.base}/api/widget/rating-settings`).then((r) => (r.ok ? r.json() : null)).catch(() => null)
      const mode = (rating as { mode?: string } | null)?.mode
      this.ratingMode = mode === 'thumbs' || mode === 'stars' ? mode : 'off'
    } catch {
      // Unreachable server: keep the defaults; the chat queues messages until it is back.
    }
    this.configLoaded = true
    this.changed()
  }

  /** parley('name' | 'email' | 'phone' | 'variables', …): what the site knows about the visitor. */
  siteInfo(info: { name?: string | null; email?: string | null; phone?: string | null; variables?: object }): Promise<void> {
    return this.siteCall('me', info).then(() => {})
  }

  /**
   * parley('identify', { id, hash, … }): a signed-in user of the site. The server may move this
   * browser's token to that user (their history from other devices, or another user signing in
   * here): then everything shown so far belonged to someone else, so start over.
   */
  identify(input: { id: string; hash: string; [k: string]: unknown }): Promise<void> {
    return this.siteCall('identify', input).then((r) => {
      if ((r as { switched?: boolean } | null)?.switched) this.restart()
    })
  }

  /**
   * parley('group', key), or the visitor's pre-chat choice: the visitor's new conversations start
   * in that group (null: in none). A message sent meanwhile waits for it (send()).
   */
  route(key: string | null): Promise<void> {
    const p = this.siteCall('group', { key }).then((r) => {
      if (r === null) return
      this.group = key
      this.storage.set('group', key)
      this.changed()
    })
    this.routing = p
    void p.finally(() => {
      if (this.routing === p) this.routing = null
    })
    return p
  }

  /** The pre-chat choice is asked for: the owner turned it on, nothing routed this visitor, no conversation yet. */
  get asksForGroup(): boolean {
    return this.prechat && this.group === null && !this.hasThread && !this.conversation
  }

  private siteCall(path: string, body: object): Promise<unknown> {
    const run = async () => {
      try {
        const token = await this.ensureVisitor()
        const res = await fetch(`${this.base}/api/widget/${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        const data = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
        if (res.ok) return data
        console.warn(`[parley] ${path}: ${data?.error?.message ?? res.status}`)
      } catch (error) {
        console.warn(`[parley] ${path} failed`, error)
      }
      return null
    }
    const p = this.siteQueue.then(run)
    this.siteQueue = p
    return p
  }

  private restart(): void {
    this.socket.stop()
    this.forget()
    this.link = 'idle'
    this.changed()
    this.socket.start()
  }

  /** What this tab shows of the visitor its token named: gone when the token names someone else. */
  private forget(): void {
    this.conversation = null
    this.messages.clear()
    this.seenByAgent = this.deliveredSent = 0
    this.loaded = this.catchingUp = false
    this.pageSent = ''
  }

  /** The offline form: stores the e-mail and name and opens a conversation with the message. */
  async contact(form: { email: string; name: string; body: string; clientId: string }): Promise<void> {
    const token = await this.ensureVisitor()
    const res = await fetch(`${this.base}/api/widget/contact`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: form.email, ...(form.name ? { name: form.name } : {}), body: form.body, clientId: form.clientId }),
    })
    const data = (await res.json().catch(() => null)) as
      | { message: Message; conversation: Conversation }
      | { error?: { code?: string; message?: string } }
      | null
    if (!res.ok || !data || !('message' in data)) {
      const err = data && 'error' in data ? data.error : undefined
      throw new ContactError(err?.code ?? `http.${res.status}`, err?.message ?? res.statusText)
    }
    this.conversation = data.conversation
    this.addMessage(data.message, false)
    this.markRead()
    this.changed()
    this.socket.connect()
  }

  /** The address a transcript would go to: known for this visitor, and only when Parley can e-mail. */
  get transcriptTo(): string | null {
    return this.canEmail && this.conversation?.visitor.email ? this.conversation.visitor.email : null
  }

  /** E-mails the visitor this conversation at the address Parley knows for them; resolves with it. */
  async transcript(language: string): Promise<string> {
    const c = this.conversation
    const token = this.token
    if (!c || !token) throw new ContactError('transcript.none', 'no conversation yet')
    const res = await fetch(`${this.base}/api/widget/conversations/${c.id}/transcript`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ language }),
    })
    const data = (await res.json().catch(() => null)) as { to?: string; error?: { code?: string; message?: string } } | null
    if (!res.ok || !data?.to) throw new ContactError(data?.error?.code ?? `http.${res.status}`, data?.error?.message ?? res.statusText)
    return data.to
  }

  /**
   * #16 ratings: rates the resolved conversation (a second rating replaces the first). `keepalive`:
   * the page is going away, and the request must outlive it.
   */
  async rate(score: number, comment: string, keepalive = false): Promise<void> {
    const c = this.conversation
    const token = this.token
    if (!c || !token) throw new ContactError('rating.none', 'no conversation yet')
    const res = await fetch(`${this.base}/api/widget/conversations/${c.id}/rating`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ score, comment }),
      keepalive,
    })
    const data = (await res.json().catch(() => null)) as { scale?: 'thumbs' | 'stars'; score?: number; error?: { code?: string; message?: string } } | null
    if (!res.ok || !data?.scale || data.score === undefined) throw new ContactError(data?.error?.code ?? `http.${res.status}`, data?.error?.message ?? res.statusText)
    // The conversation frame that follows says the same; this shows it without waiting for it.
    if (this.conversation?.id === c.id) this.conversation = { ...this.conversation, rating: { scale: data.scale, score: data.score } }
    this.changed()
  }

  /**
   * A file of this conversation, fetched with the visitor's token (the file has no public URL).
   * The view makes a blob: URL of it for a thumbnail or a download.
   */
  async downloadFile(attachmentId: string): Promise<Blob> {
    const c = this.conversation
    const token = this.token
    if (!c || !token) throw new Error('no conversation')
    const res = await fetch(`${this.base}/api/widget/conversations/${c.id}/attachments/${encodeURIComponent(attachmentId)}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    if (!res.ok) throw new Error(`download answered ${res.status}`)
    return res.blob()
  }

  // ---- visitor and socket ----

  /** The visitor's token, made on first use (the recorder authenticates its uploads with it). */
  visitorToken(): Promise<string> {
    return this.ensureVisitor()
  }

  private ensureVisitor(): Promise<string> {
    if (this.token) return Promise.resolve(this.token)
    this.visitorPromise ??= (async () => {
      try {
        const res = await fetch(`${this.base}/api/widget/visitors`, { method: 'POST' })
        if (res.status === 403) this.setBlocked(true)
        // As for a refused socket (checkToken): the database is away, try again within seconds.
        if (res.status === 503) this.socket.holdBackoffAt(AWAY_RETRY_MS)
        if (!res.ok) throw new Error(`visitor: ${res.status}`)
        const body = (await res.json()) as { token: string }
        this.token = body.token
        this.storage.set('token', body.token)
        return body.token
      } finally {
        this.visitorPromise = null
      }
    })()
    return this.visitorPromise
  }

  /**
   * The server greeted this socket: find the visitor's conversation, report the page, resume. The
   * hello names the visitor's newest conversation (null: none), so a widget that knows of none
   * asks for the list only when there is one — after a restart every widget on every open page
   * says hello again, and most of their visitors never wrote.
   */
  private async onHello(current: () => boolean, hello?: ServerFrame): Promise<void> {
    if (this.blocked) this.setBlocked(false)
    if (!this.configFresh) void this.loadConfig()
    // Another user signed in on this browser in another tab (identify moved the token): the
    // server closed this socket, and it is back as them. What it showed was the one before's.
    const who = hello?.type === 'hello' ? hello.id : undefined
    if (who !== undefined && this.helloId !== null && who !== this.helloId) {
      this.forget()
      this.changed()
    }
    if (who !== undefined) this.helloId = who
    const newest = hello?.type === 'hello' ? hello.conversationId : undefined
    if (!this.conversation && newest !== null) {
      try {
        const res = await readAgain(`${this.base}/api/widget/conversations`, { headers: { authorization: `Bearer ${this.token}` } })
        if (res.ok) {
          const list = (await res.json()) as Conversation[]
          if (list[0]) this.conversation = list[0]
        }
      } catch {}
    }
    if (!current()) return
    // A socket that opens in a background tab starts out hidden for the server too.
    if (document.visibilityState === 'hidden') this.frame({ type: 'page.state', state: 'hidden' })
    this.reportPage()
    // Frames on one socket are handled in order: what we missed arrives before the outbox's acks.
    if (this.conversation) this.resume(this.conversation.id, this.lastSeq())
    else this.loaded = true
    // The socket sends the outbox (`pending`) once this returns.
    this.adoptStored()
  }

  /** Messages another tab of this visitor queued and could not send (it was closed offline). */
  private adoptStored(): void {
    const mine = new Set(this.outbox.map((p) => p.clientId))
    for (const p of this.storage.get<Pending[]>('outbox') ?? []) {
      if (!p || typeof p.clientId !== 'string' || typeof p.body !== 'string' || typeof p.at !== 'number') continue
      if (mine.has(p.clientId) || this.settled.has(p.clientId)) continue
      this.outbox.push({ clientId: p.clientId, body: p.body, at: p.at, lang: typeof p.lang === 'string' ? p.lang : undefined })
    }
    this.outbox.sort((a, b) => a.at - b.at)
  }

  /**
   * The page's state for "left the site": a socket that goes away after the page said 'closing'
   * (pagehide) or 'hidden' is a closed tab, and the server counts the visitor as gone after a
   * shorter grace period than for a dropped connection (a reload reconnects well within either).
   */
  private onPageHide = () => {
    this.socket.send({ type: 'page.state', state: 'closing' })
  }
  private onPageState = () => {
    this.socket.send({ type: 'page.state', state: document.visibilityState === 'hidden' ? 'hidden' : 'visible' })
  }

  /** Browsing history for the visitor card: once per page (and per in-page navigation). */
  private reportPage(): void {
    const url = location.href.slice(0, 2048)
    if (url === this.pageSent || !this.socket.connected) return
    this.pageSent = url
    this.frame({ type: 'page.view', url, title: document.title.slice(0, 1000), referrer: document.referrer ? document.referrer.slice(0, 2048) : null })
  }

  private onNavigate = () => this.reportPage()
  // Routers usually set document.title right after pushState, in the same task: report after it.
  private onPushState = () => setTimeout(() => this.reportPage(), 0)

  private transmit(p: Pending): void {
    if (!this.slowedUntil) this.frame(this.messageFrame(p))
  }

  /**
   * Holds the outbox for `seconds` (the server's retryAfter), then sends what it holds, in
   * order. The refused message was not stored, so nothing is lost and nothing is doubled.
   */
  private slowDown(seconds: number, why: 'rate' | 'server' = 'rate'): void {
    clearTimeout(this.slowTimer)
    const ms = Math.max(1, Math.min(seconds, 600)) * 1000
    this.slowedUntil = Date.now() + ms
    this.slowedFor = why
    this.slowTimer = setTimeout(() => {
      this.slowedUntil = 0
      if (this.ready) for (const p of this.outbox) if (!p.failed) this.transmit(p)
      this.changed()
    }, ms)
  }

  private messageFrame(p: Pending): ClientFrame {
    const frame: ClientFrame = { type: 'message.send', clientId: p.clientId, conversationId: this.conversation?.id ?? null, body: p.body }
    if (p.lang) frame.language = p.lang as ClientLanguage
    return frame
  }

  private frame(f: ClientFrame): void {
    this.socket.send(f)
  }

  private onFrame(f: ServerFrame): void {
    if (f.type === 'error' && f.code === 'visitor.blocked') return this.setBlocked(true)
    switch (f.type) {
      case 'message':
        if (this.conversation && this.conversation.id !== f.conversation.id) {
          // The visitor's latest conversation changed (another tab, an agent's e-mail thread):
          // show that one, from its start.
          this.conversation = f.conversation
          this.messages.clear()
          this.seenByAgent = this.deliveredSent = 0
          this.loaded = false
          this.resume(f.conversation.id, 0)
          break
        }
        this.conversation = f.conversation
        // A message past the next number means frames were missed (the server closes a socket
        // rather than skip frames, so this is a safety net): ask for what is missing.
        if (this.loaded && !this.catchingUp && f.message.seq > this.lastSeq() + 1) this.resume(f.conversation.id, this.lastSeq())
        this.addMessage(f.message, this.loaded)
        break
      case 'message.updated':
        if (this.messages.has(f.message.seq)) this.messages.set(f.message.seq, f.message)
        break
      case 'conversation':
        if (!this.conversation || this.conversation.id === f.conversation.id) {
          this.conversation = f.conversation
          if (f.change === 'assigned') this.seenByAgent = Math.max(this.seenByAgent, f.conversation.lastSeq)
        }
        break
      case 'ack':
        this.settle(f.clientId, f.messageId, f.conversationId, f.seq, f.body)
        if (this.conversation?.id !== f.conversationId) void this.refreshConversation(f.conversationId)
        break
      case 'resumed':
        this.catchingUp = false
        this.loaded = true
        this.sendDelivered()
        break
      case 'typing':
        if (f.from === 'agent') {
          clearTimeout(this.agentTypingTimer)
          this.agentTyping = f.typing ? (f.agentName ?? '') : null
          if (f.typing) {
            this.seenByAgent = Math.max(this.seenByAgent, this.lastSeq())
            // A dashboard that closes mid-word never says it stopped.
            this.agentTypingTimer = setTimeout(() => {
              this.agentTyping = null
              this.changed()
            }, 8000)
          }
        }
        break
      case 'error': {
        const p = f.ref ? this.outbox.find((x) => x.clientId === f.ref) : undefined
        if (!p) break
        if (f.code === 'rate.limited') {
          this.slowDown(f.retryAfter ?? 5)
        } else if (f.code === 'database.unavailable') {
          // Not stored, and not the message's fault: it waits and goes again by itself (the same
          // client id is stored once), later each time the server is still away. The other
          // messages refused with it wait for the same moment.
          if (!this.slowedUntil || this.slowedFor !== 'server') {
            this.slowDown(againAfterSeconds(f.retryAfter, this.serverRefusals, 60), 'server')
            this.serverRefusals = Math.min(this.serverRefusals + 1, 6)
          }
        } else if (f.code === 'conversation.not_found' && this.conversation) {
          // The conversation we knew is gone (a restored database): start a new one.
          this.conversation = null
          this.messages.clear()
          this.transmit(p)
        } else {
          p.failed = true
          this.saveOutbox()
        }
        break
      }
    }
    this.changed()
  }

  private addMessage(m: Message, live: boolean): void {
    const known = this.messages.has(m.seq)
    this.messages.set(m.seq, m)
    if (m.authorType === 'visitor' && m.clientId) this.settle(m.clientId, m.id, m.conversationId, m.seq, m.body)
    if (m.authorType === 'agent') {
      this.seenByAgent = Math.max(this.seenByAgent, m.seq)
      this.agentTyping = null
      if (this.loaded) this.sendDelivered()
      if (live && !known) this.callbacks.received(m)
    }
  }

  /** The server has the visitor's message: it leaves the outbox (by its ack or its echo, whichever comes first). */
  /** stored: the text as the server stored it, when that differs from what was sent (masked). */
  private settle(clientId: string, id: string, conversationId: string, seq: number, stored: string | undefined): void {
    const i = this.outbox.findIndex((p) => p.clientId === clientId)
    const p = this.outbox[i]
    if (!p) return
    this.outbox.splice(i, 1)
    this.serverRefusals = 0
    this.settled.add(clientId)
    this.saveOutbox()
    // The stored text, card numbers masked, never what was typed: the page's scripts (analytics,
    // tag managers) get what the dashboard sees.
    this.callbacks.sent({ id, clientId, body: stored ?? p.body, conversationId, seq })
  }

  private async refreshConversation(id: string): Promise<void> {
    try {
      const res = await readAgain(`${this.base}/api/widget/conversations`, { headers: { authorization: `Bearer ${this.token}` } })
      const list = res.ok ? ((await res.json()) as Conversation[]) : []
      this.conversation = list.find((c) => c.id === id) ?? this.conversation
      this.changed()
    } catch {}
  }

  private sendDelivered(): void {
    let max = 0
    for (const m of this.messages.values()) if (m.authorType === 'agent' && m.seq > max) max = m.seq
    if (this.conversation && max > this.deliveredSent && this.ready) {
      this.deliveredSent = max
      this.frame({ type: 'delivered', conversationId: this.conversation.id, seq: max })
    }
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer)
    if (this.typingSentAt && this.conversation) this.frame({ type: 'typing', conversationId: this.conversation.id, typing: false })
    this.typingSentAt = 0
  }

  /** Asks for the conversation's messages after `afterSeq`; `resumed` follows them. */
  private resume(conversationId: string, afterSeq: number): void {
    this.catchingUp = true
    this.frame({ type: 'resume', conversationId, afterSeq })
  }

  private lastSeq(): number {
    let max = 0
    for (const seq of this.messages.keys()) if (seq > max) max = seq
    return max
  }

  /**
   * Other tabs of the same visitor share the stored outbox: keep what they queued (unless this tab
   * saw it acknowledged) beside our own, so closing one tab offline never drops another's message.
   * A tab that loads later resends them all; the server stores each client id once.
   */
  private saveOutbox(): void {
    const mine = new Set(this.outbox.map((p) => p.clientId))
    const theirs = (this.storage.get<Pending[]>('outbox') ?? []).filter(
      (p) => p && typeof p.clientId === 'string' && !mine.has(p.clientId) && !this.settled.has(p.clientId),
    )
    const all = [...theirs, ...this.outbox].sort((a, b) => a.at - b.at)
    this.storage.set('outbox', all.length ? all : null)
  }

  /** The token may be gone (database reset): then start afresh with a new visitor. */
  private async checkToken(): Promise<void> {
    const token = this.token
    if (!token) return
    try {
      const res = await fetch(`${this.base}/api/widget/me`, { headers: { authorization: `Bearer ${token}` } })
      if (res.status === 403) this.setBlocked(true)
      // The server is there but its database is not (a PostgreSQL restart): try again within
      // seconds, not after a back-off grown to half a minute while it was away.
      if (res.status === 503) this.socket.holdBackoffAt(AWAY_RETRY_MS)
      if (res.status === 401 && this.token === token) {
        this.token = null
        this.storage.set('token', null)
        this.conversation = null
        this.messages.clear()
        this.seenByAgent = this.deliveredSent = 0
        this.changed()
      }
    } catch {}
  }

  private setBlocked(blocked: boolean): void {
    this.blocked = blocked
    this.storage.set('blocked', blocked ? true : null)
    // Nothing is tried again on this page; the next page load asks once more.
    if (blocked) this.socket.stop()
    this.changed()
  }

  private changed(): void {
    this.host.requestUpdate()
  }
}

/** While the server's database is away, the longest wait between the socket's attempts. */
const AWAY_RETRY_MS = 8_000

/**
 * A read of the widget's API, asked again while the server answers 503 (its database away for a
 * moment, PostgreSQL restarting) after its Retry-After, doubling, 4 times (1 + 2 + 4 + 8 s), so a
 * page loaded in those seconds still finds the visitor's conversation. The last answer is returned.
 */
async function readAgain(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, init)
    if (res.status !== 503 || attempt >= READ_RETRIES) return res
    await res.body?.cancel()
    await new Promise((done) => setTimeout(done, againAfterSeconds(Number(res.headers.get('retry-after')), attempt) * 1000))
  }
}
