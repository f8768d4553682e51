// What the thread shows besides messages: the conversation's system events ("Alex took the
// conversation", "Resolved by Jana") and the colleagues who have it open or are typing in it right
// now (collision). Kept apart from the store's messages so the store only forwards frames and
// moments (a thread opened, the socket reconnected) to it.
import type { ApiClient } from '../../shared/api.ts'
import type { ConversationEvent, ServerFrame } from '../../../server/realtime/wire.ts'

/** A colleague typing counts as typing for this long after their last typing frame. */
const TYPING_MS = 6000

export interface Colleague {
  id: string
  name: string
  typing: boolean
}

interface Host {
  readonly api: ApiClient
  readonly me: { id: string } | null
  readonly selectedId: string | null
  /** Sends a frame if the socket is connected (dropped otherwise: viewing is said again on reconnect). */
  sendFrame(frame: { type: 'viewing'; conversationId: string | null; hello?: boolean }): void
  changed(): void
}

const order = (a: ConversationEvent, b: ConversationEvent) =>
  a.afterSeq - b.afterSeq || Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id)

export class ThreadStory {
  /** System events per conversation whose thread was opened, in thread order. */
  private events = new Map<string, ConversationEvent[]>()
  /** Per conversation: colleagues viewing it, and until when each counts as typing. */
  private colleagues = new Map<string, Map<string, { name: string; viewing: boolean; typingUntil: number }>>()
  private timer: ReturnType<typeof setTimeout> | null = null
  /** What this dashboard last told the server it shows. */
  private viewingSent: string | null = null

  constructor(private host: Host) {}

  eventsOf(conversationId: string): ConversationEvent[] {
    return this.events.get(conversationId) ?? []
  }

  /** Colleagues in this conversation now, those typing first. */
  colleaguesIn(conversationId: string): Colleague[] {
    const now = Date.now()
    const out: Colleague[] = []
    for (const [id, c] of this.colleagues.get(conversationId) ?? []) {
      const typing = c.typingUntil > now
      if (c.viewing || typing) out.push({ id, name: c.name, typing })
    }
    return out.sort((a, b) => Number(b.typing) - Number(a.typing) || a.name.localeCompare(b.name))
  }

  async load(conversationId: string): Promise<void> {
    // From now on live events of this conversation are kept (also while the list is on its way).
    if (!this.events.has(conversationId)) this.events.set(conversationId, [])
    try {
      const list = await this.host.api.get<ConversationEvent[]>(`/api/conversations/${conversationId}/events`)
      this.add(conversationId, list)
    } catch {
      // The messages say what matters; the history lines come with the next live event or reload.
    }
  }

  /** The agent opened a conversation (or none): colleagues are told, and answer if they have it open too. */
  showing(conversationId: string | null): void {
    if (conversationId === this.viewingSent) return
    this.viewingSent = conversationId
    this.host.sendFrame({ type: 'viewing', conversationId, hello: true })
  }

  /** The socket (re)connected: it is a new connection for the server, so say again what is on screen. */
  reconnected(reload: boolean): void {
    this.colleagues.clear()
    const id = this.host.selectedId
    this.viewingSent = null
    this.showing(id)
    if (reload && id) void this.load(id)
    this.host.changed()
  }

  clear(): void {
    this.events.clear()
    this.colleagues.clear()
    this.viewingSent = null
  }

  /** Takes the frames it knows; true when it took this one. */
  handleFrame(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'conversation.event':
        // Kept only for threads that were opened: the others load their history when opened.
        if (this.events.has(frame.event.conversationId)) this.add(frame.event.conversationId, [frame.event])
        return true
      case 'viewing': {
        if (frame.agentId === this.host.me?.id) return true
        const c = this.colleague(frame.conversationId, frame.agentId, frame.agentName)
        c.viewing = frame.viewing
        if (!frame.viewing) c.typingUntil = 0
        // A colleague just opened what I have open: they learn I am here too.
        if (frame.viewing && frame.hello && this.host.selectedId === frame.conversationId) {
          this.host.sendFrame({ type: 'viewing', conversationId: frame.conversationId, hello: false })
        }
        this.host.changed()
        return true
      }
      case 'typing': {
        if (frame.from !== 'agent' || !frame.agentId) return false
        if (frame.agentId === this.host.me?.id) return true
        const c = this.colleague(frame.conversationId, frame.agentId, frame.agentName ?? '')
        c.typingUntil = frame.typing ? Date.now() + TYPING_MS : 0
        if (frame.typing) this.expireLater()
        this.host.changed()
        return true
      }
      case 'presence':
        // A colleague with no dashboard left views nothing (also when their process went away).
        if (!frame.presence.connected) {
          for (const m of this.colleagues.values()) m.delete(frame.presence.agentId)
          this.host.changed()
        }
        return false
      default:
        return false
    }
  }

  private colleague(conversationId: string, agentId: string, name: string) {
    let m = this.colleagues.get(conversationId)
    if (!m) this.colleagues.set(conversationId, (m = new Map()))
    let c = m.get(agentId)
    if (!c) m.set(agentId, (c = { name, viewing: false, typingUntil: 0 }))
    if (name) c.name = name
    return c
  }

  private add(conversationId: string, list: ConversationEvent[]): void {
    const known = this.events.get(conversationId) ?? []
    const ids = new Set(known.map((e) => e.id))
    const next = [...known, ...list.filter((e) => !ids.has(e.id))].sort(order)
    this.events.set(conversationId, next)
    this.host.changed()
  }

  /** A colleague who stops typing without saying so (their page closed mid-word) stops showing. */
  private expireLater(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.host.changed()
    }, TYPING_MS + 100)
  }
}
