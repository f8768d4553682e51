// The visitor card's data: each opened visitor, their browsing history and all their
// conversations, and the attribution the card must show. Kept live by 'visitor' and
// 'visitor.presence' frames and by every newer picture of one of their conversations.
import { query } from '../../shared/api.ts'
import type { PageView } from '../../shared/types.ts'
import type { Conversation, Visitor } from '../../../server/realtime/wire.ts'
import type { SessionStore } from './session.ts'
import { Crossings, Store } from './store.ts'

/** Page views shown in the visitor card's browsing history. */
export const HISTORY = 20

/** Something the visitor card loads on its own (browsing history, earlier conversations). */
export interface Loaded<T> {
  items: T[]
  loading: boolean
  error: string | null
}

const byCreated = (a: Conversation, b: Conversation) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id)

export interface VisitorDeps {
  session: SessionStore
  /** The conversation on screen (the lists store holds the selection). */
  selectedId: () => string | null
  /** The visitor whose card is on screen (the selected conversation's), if any. */
  shownVisitorId: () => string | null
  /** A newer picture of a visitor (the lists show their name). */
  applied?: (v: Visitor) => void
}

export class VisitorStore extends Store {
  visitors = new Map<string, Visitor>()
  visitorErrors = new Map<string, string>()
  /** Browsing history per visitor (newest first), for visitors whose card has been opened. */
  visitorPages = new Map<string, Loaded<PageView>>()
  /** All conversations of a visitor (newest first), for visitors whose card has been opened. */
  visitorConversations = new Map<string, Loaded<Conversation>>()
  /** Attributions the card must show (the GeoLite2 licence), loaded once. */
  meta: { geoAttribution: string } | null = null
  private pagesInFlight = new Map<string, Promise<void>>()
  private pagesAgain = new Set<string>()
  /**
   * The frames that cross a read of a visitor's card, played again over its answer, which may be
   * older than they are (a visitor who left while the card loaded stays gone).
   */
  private visitorCrossings = new Crossings<{ visitorId: string; change: (v: Visitor) => Visitor }>()
  /** The pictures of conversations that cross a read of a visitor's conversations (newer than its answer). */
  private conversationCrossings = new Crossings<Conversation>()

  constructor(private deps: VisitorDeps) {
    super('visitor')
  }

  private get api() {
    return this.deps.session.api
  }

  reset(): void {
    this.visitors.clear()
    this.visitorPages.clear()
    this.visitorConversations.clear()
    this.changed()
  }

  /** The visitor card: the visitor, their browsing history and conversations, and the attribution. */
  async loadVisitor(id: string): Promise<void> {
    const card = (async () => {
      try {
        const { answer, crossed } = await this.visitorCrossings.during(() => this.api.get<Visitor>(`/api/visitors/${id}`))
        this.visitors.set(id, crossed.reduce((v, c) => (c.visitorId === id ? c.change(v) : v), answer))
        this.visitorErrors.delete(id)
      } catch (e) {
        this.visitorErrors.set(id, this.deps.session.errorText(e))
      }
      this.changed()
    })()
    await Promise.all([card, this.loadPages(id), this.loadVisitorConversations(id), this.loadMeta()])
  }

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
          this.visitorPages.set(id, { items: known?.items ?? [], loading: false, error: this.deps.session.errorText(e) })
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
      const { answer, crossed } = await this.conversationCrossings.during(() => this.api.get<Conversation[]>(`/api/visitors/${id}/conversations`))
      const byId = new Map(answer.map((c) => [c.id, c]))
      for (const c of crossed) if (c.visitor.id === id) byId.set(c.id, c)
      this.visitorConversations.set(id, { items: [...byId.values()].sort(byCreated), loading: false, error: null })
    } catch (e) {
      this.visitorConversations.set(id, { items: known?.items ?? [], loading: false, error: this.deps.session.errorText(e) })
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
    this.apply(v)
    return v
  }

  /** The 'visitor' frame, or the answer to an edit. */
  apply(v: Visitor): void {
    this.visitorCrossings.note({ visitorId: v.id, change: () => v })
    const before = this.visitors.get(v.id)
    this.visitors.set(v.id, v)
    // A page view moves the current page and the last-seen time; edits do not. Refresh the
    // history of the card on screen, and forget it for others (reloaded when their card opens).
    const moved = !before || before.lastSeenAt !== v.lastSeenAt || before.currentPage?.url !== v.currentPage?.url
    if (moved && this.visitorPages.has(v.id)) {
      if (this.deps.shownVisitorId() === v.id) void this.loadPages(v.id)
      else this.visitorPages.delete(v.id)
    }
    this.deps.applied?.(v)
    this.changed()
  }

  /** The 'visitor.presence' frame: a visitor came or left. */
  presence(visitorId: string, online: boolean): void {
    const seen = (v: Visitor): Visitor => ({ ...v, online, lastSeenAt: online ? v.lastSeenAt : new Date().toISOString() })
    this.visitorCrossings.note({ visitorId, change: seen })
    const v = this.visitors.get(visitorId)
    if (!v) return
    this.visitors.set(v.id, seen(v))
    this.changed()
  }

  /**
   * A newer picture of a conversation: the card's "earlier conversations" of its visitor follow
   * it. The card leaves out the conversation on screen, so a new message there changes nothing
   * it shows (no change event, no re-render of the card).
   */
  conversationChanged(c: Conversation): void {
    this.conversationCrossings.note(c)
    const list = this.visitorConversations.get(c.visitor.id)
    if (!list) return
    list.items = [c, ...list.items.filter((x) => x.id !== c.id)].sort(byCreated)
    if (c.id !== this.deps.selectedId()) this.changed()
  }
}
