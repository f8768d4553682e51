// The conversation lists: what we know of conversations, the list tabs (Unassigned, Mine, Others,
// All, Resolved) with their pages and live counts, my unread messages per conversation, and which
// conversation is selected. Socket frames reach it through the composition root (dashboard.ts).
import { query } from '../../shared/api.ts'
import type { ListView, Page } from '../../shared/types.ts'
import type { Conversation, Counts, Message, Visitor } from '../../../server/realtime/wire.ts'
import type { SessionStore } from './session.ts'
import type { SettingsStore } from './settings.ts'
import { Crossings, Store } from './store.ts'

const PAGE = 30

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

/**
 * One change to my unread counts: a visitor's message (`seq`), or a read's answer (`unread` left,
 * counted up to the conversation's seq `upTo`).
 */
type UnreadChange = { id: string; seq: number } | { id: string; unread: number; upTo: number }

export interface ListsDeps {
  session: SessionStore
  settings: SettingsStore
  /** Every newer picture of a conversation (the visitor card keeps its "earlier conversations" in step). */
  upserted?: (c: Conversation) => void
}

export class ListsStore extends Store {
  conversations = new Map<string, Conversation>()
  counts: Counts | null = null
  view: ListView = 'unassigned'
  /** Next keyset cursor per list; absent = the list's first page has not been loaded. */
  cursors = new Map<ListView, string | null>()
  listError: string | null = null
  /**
   * The list pages being read, one request per list at a time; the lists load independently (a
   * click on Resolved while Unassigned is still loading reads Resolved too).
   */
  private loading = new Map<ListView, Promise<void>>()
  selectedId: string | null = null
  /** My unread visitor messages per open conversation: stored on the server, kept live by frames. */
  unread = new Map<string, number>()
  /** Per conversation, the last seq its unread count accounts for: a message at or below it is counted already. */
  private unreadUpTo = new Map<string, number>()
  /** Per conversation, the seqs of the messages counted one by one since its count was last answered. */
  private countedSince = new Map<string, number[]>()
  /** The changes that cross a read of all my unread counts (played again over its answer). */
  private unreadCrossings = new Crossings<UnreadChange>()
  /** Counts frames that cross a read of the counts: that answer is not newer than them. */
  private countsCrossings = new Crossings<Counts>()
  /** Unassigned narrowed to the groups I am a member of (the list's toggle). */
  myGroupsOnly = false
  /** The last sequence number a read was sent for, per conversation, so one read goes out once. */
  private readSent = new Map<string, number>()

  constructor(private deps: ListsDeps) {
    super('lists')
    // Coming back to a tab that shows a thread is reading it.
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', () => this.selectedId && this.markRead(this.selectedId))
  }

  private get api() {
    return this.deps.session.api
  }

  private get meId(): string | null {
    return this.deps.session.me?.id ?? null
  }

  reset(): void {
    this.conversations.clear()
    this.cursors.clear()
    this.counts = null
    this.unread.clear()
    this.unreadUpTo.clear()
    this.countedSince.clear()
    this.readSent.clear()
    this.selectedId = null
    this.changed()
  }

  list(view: ListView = this.view): Conversation[] {
    const me = this.meId ?? ''
    const mine = view === 'unassigned' && this.myGroupsOnly ? this.deps.settings.myGroupIds() : null
    const items = [...this.conversations.values()].filter((c) =>
      view === 'all' ? c.status === 'open' : viewOf(c, me) === view && (!mine || (c.group !== null && mine.has(c.group.id))),
    )
    return items.sort(view === 'unassigned' ? byWaiting : view === 'resolved' ? byResolved : byLastMessage)
  }

  countOf(view: ListView): number | null {
    const c = this.counts
    const me = this.meId
    if (!c || !me) return null
    if (view === 'unassigned') {
      if (!this.myGroupsOnly) return c.unassigned
      // "My groups only": the ones waiting in my groups (counts carry them per group).
      const mine = this.deps.settings.myGroupIds()
      return Object.entries(c.unassignedByGroup ?? {}).reduce((n, [group, k]) => (mine.has(group) ? n + k : n), 0)
    }
    if (view === 'mine') return c.byAssignee[me] ?? 0
    if (view === 'others') return Object.entries(c.byAssignee).reduce((n, [id, k]) => (id === me ? n : n + k), 0)
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

  /** Whether the list on screen is being read. */
  get listLoading(): boolean {
    return this.loading.has(this.view)
  }

  /**
   * Reads a list's first page (or, `more`, its next one); a read of that list under way is waited
   * for instead, or, `fresh`, followed by a new one (it began before something we must see).
   */
  loadList(view: ListView = this.view, more = false, fresh = false): Promise<void> {
    const running = this.loading.get(view)
    if (running) return fresh ? running.then(() => this.loadList(view, more)) : running
    const cursor = more ? this.cursors.get(view) : undefined
    if (more && !cursor) return Promise.resolve()
    this.listError = null
    const read = this.readPage(view, cursor).finally(() => {
      this.loading.delete(view)
      this.changed()
    })
    this.loading.set(view, read)
    this.changed()
    return read
  }

  private async readPage(view: ListView, cursor: string | null | undefined): Promise<void> {
    const narrowed = view === 'unassigned' && this.myGroupsOnly
    try {
      const page = await this.api.get<Page<Conversation>>(`/api/conversations${query({ view, cursor, limit: PAGE, myGroups: narrowed ? 'true' : undefined })}`)
      for (const c of page.items) this.upsert(c)
      // Read before "My groups" was switched: its cursor belongs to the other list.
      if (view !== 'unassigned' || narrowed === this.myGroupsOnly) this.cursors.set(view, page.nextCursor)
    } catch (e) {
      this.listError = this.deps.session.errorText(e)
    }
  }

  async setMyGroupsOnly(on: boolean): Promise<void> {
    this.myGroupsOnly = on
    // The first page of Unassigned means another list now (after a read still under the old one).
    await this.loading.get('unassigned')
    this.cursors.delete('unassigned')
    this.changed()
    await this.loadList('unassigned')
  }

  async loadCounts(): Promise<void> {
    const { answer, crossed } = await this.countsCrossings.during(() => this.api.get<Counts>('/api/conversations/counts'))
    // A counts frame that came meanwhile may be newer, and any change after it sends another.
    if (crossed.length > 0) return
    this.counts = answer
    this.changed()
  }

  /** The 'counts' frame. */
  setCounts(counts: Counts): void {
    this.countsCrossings.note(counts)
    this.counts = counts
    this.changed()
  }

  /** The conversation if we know it (in a list, or opened by its address). */
  get(id: string): Conversation | undefined {
    return this.conversations.get(id)
  }

  /** Loads a conversation no list holds (opened by its address, a link or a search). */
  async fetch(id: string): Promise<Conversation> {
    const c = await this.api.get<Conversation>(`/api/conversations/${id}`)
    this.upsert(c)
    return this.conversations.get(id) ?? c
  }

  upsert(c: Conversation): void {
    const known = this.conversations.get(c.id)
    // Frames and responses can cross; never let an older picture replace a newer one.
    if (known && known.lastSeq > c.lastSeq) return
    this.conversations.set(c.id, c)
    // A resolved conversation asks for nobody's attention (the server counts open ones only).
    if (c.status === 'resolved') this.unread.delete(c.id)
    this.deps.upserted?.(c)
    this.changed()
  }

  /** Selects a conversation (the thread and the card show it). Loading it is the root's work (dashboard.ts). */
  setSelected(id: string | null): void {
    if (this.selectedId === id) return
    this.selectedId = id
    this.changed()
  }

  /**
   * Shows the list tab that holds this conversation (Resolved for a resolved one, Mine, Others,
   * Unassigned), so an address opened by a reload or a link never shows a thread the list
   * contradicts. Only when a conversation is opened: one that changes later stays where it is.
   */
  async followView(id: string, load = true): Promise<void> {
    if (!this.conversations.has(id)) {
      try {
        await this.fetch(id)
      } catch {
        return // the thread shows the error.
      }
    }
    const c = this.conversations.get(id)
    const me = this.meId
    if (!c || !me || this.selectedId !== id) return
    const view = viewOf(c, me)
    if (view === this.view || (this.view === 'all' && c.status === 'open')) return
    this.view = view
    this.changed()
    if (load && !this.cursors.has(view)) await this.loadList(view)
  }

  /** After a reconnect anything may have changed: forget all but the selected conversation (the root reloads). */
  reconnected(): void {
    const selected = this.selectedId ? this.conversations.get(this.selectedId) : undefined
    this.conversations.clear()
    if (selected) this.conversations.set(selected.id, selected)
    this.cursors.clear()
    this.changed()
  }

  /** The 'visitor' frame or an edit: lists show the visitor's name, so keep their copies in step. */
  visitorChanged(v: Visitor): void {
    let any = false
    for (const c of this.conversations.values()) {
      if (c.visitor.id === v.id && (c.visitor.name !== v.name || c.visitor.email !== v.email)) {
        this.conversations.set(c.id, { ...c, visitor: { ...c.visitor, name: v.name, email: v.email } })
        any = true
      }
    }
    if (any) this.changed()
  }

  // Unread -----------------------------------------------------------------------------------

  /**
   * Reads all my unread counts. Frames that crossed the read are played again over the answer: a
   * message the answer counted already (its seq at or below the count's `upTo`) is not counted
   * twice, and one it missed is not lost.
   */
  async loadUnread(): Promise<void> {
    const { answer, crossed } = await this.unreadCrossings.during(() =>
      this.api.get<{ unread: Record<string, number>; upTo?: Record<string, number> }>('/api/conversations/unread'),
    )
    this.unread = new Map(Object.entries(answer.unread))
    // A process of the previous version (during a rolling upgrade) answers without upTo: its counts
    // are taken as they are, and a crossing message is counted on top, as before upTo.
    this.unreadUpTo = new Map(Object.entries(answer.upTo ?? {}))
    this.countedSince.clear()
    for (const change of crossed) this.applyUnread(change)
    // Resolved meanwhile: it asks for nobody's attention.
    for (const id of this.unread.keys()) if (this.conversations.get(id)?.status === 'resolved') this.unread.delete(id)
    this.changed()
    // A thread opened before the answer came is read, whatever the answer says about it.
    if (this.selectedId) this.markRead(this.selectedId)
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
    if (!c || !this.meId || (typeof document !== 'undefined' && document.visibilityState !== 'visible')) return
    if ((this.readSent.get(id) ?? -1) >= c.lastSeq && !this.unread.has(id)) return
    this.readSent.set(id, c.lastSeq)
    this.unreadChanged({ id, unread: 0, upTo: c.lastSeq })
    this.changed()
    this.api.post<{ seq: number; unread: number; upTo: number }>(`/api/conversations/${id}/read`, { seq: c.lastSeq }).then(
      (r) => this.setUnread(id, r.unread, r.upTo),
      // Not stored: the next look at the thread sends it again.
      () => this.readSent.delete(id),
    )
  }

  /** The 'read' frame (my other tabs read it), or the server's answer to my read: `n` left, counted up to seq `upTo`. */
  setUnread(id: string, n: number, upTo: number): void {
    if (this.unreadChanged({ id, unread: n, upTo })) this.changed()
  }

  /** A change to my unread counts, noted for the reads under way; false when the counts have it already. */
  private unreadChanged(change: UnreadChange): boolean {
    this.unreadCrossings.note(change)
    return this.applyUnread(change)
  }

  private applyUnread(change: UnreadChange): boolean {
    const { id } = change
    const upTo = this.unreadUpTo.get(id) ?? -1
    const counted = this.countedSince.get(id) ?? []
    if ('unread' in change) {
      // An answer computed before messages we have counted since leaves those unread.
      const later = change.upTo < upTo ? counted.filter((seq) => seq > change.upTo) : []
      const n = change.unread + later.length
      if (n > 0) this.unread.set(id, n)
      else this.unread.delete(id)
      this.countedSince.set(id, later)
      this.unreadUpTo.set(id, Math.max(upTo, change.upTo))
      return true
    }
    if (change.seq <= upTo) return false
    this.unread.set(id, this.unreadOf(id) + 1)
    this.countedSince.set(id, [...counted, change.seq])
    this.unreadUpTo.set(id, change.seq)
    return true
  }

  /** A visitor's message arrived (`news`: not one we had already, e.g. resumed after a reconnect). */
  visitorMessage(message: Message, conversation: Conversation, news: boolean): void {
    if (!news || conversation.status !== 'open') return
    const id = message.conversationId
    if (this.selectedId === id) this.markRead(id)
    // markRead does nothing in a hidden tab: then the message waits, unread.
    if ((this.selectedId !== id || this.readSent.get(id) !== conversation.lastSeq) && this.unreadChanged({ id, seq: message.seq })) this.changed()
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
  async tag(id: string, tagId: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/tags`, { tagId }))
  }
  async untag(id: string, tagId: string): Promise<void> {
    this.upsert(await this.api.delete<Conversation>(`/api/conversations/${id}/tags/${tagId}`))
  }
  async transferToGroup(id: string, groupId: string): Promise<void> {
    this.upsert(await this.api.post<Conversation>(`/api/conversations/${id}/transfer`, { groupId }))
  }
}
