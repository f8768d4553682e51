import { html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import type { ListView } from '../../shared/types.ts'
import type { Conversation } from '../../../server/realtime/wire.ts'
import { canResolve } from '../permissions.ts'
import { ago, dateTime, duration, avatarColor, initials } from '../format.ts'
import { checkIcon, clockIcon, emailIcon, messengerIcon, userIcon } from '../icons.ts'
import { ratingBadge } from '../rating-badge/rating-badge.ts' // #16
import { listStyles } from './conversation-list.styles.ts'
import { chipStyles, inlineTagChips } from '../tag-picker/chips.ts'
import { SearchConsumer, highlight, searchHash, type SearchResult } from '../stores/search.ts' // #16 search
import '../search-panel/search-panel.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-conversation-list': ParleyConversationList
  }
}

const OPEN_VIEWS: ListView[] = ['unassigned', 'mine', 'others', 'all']
/** How long "Resolved … Undo" stays after resolving from the list. */
const UNDO_MS = 6000

/** The name an agent sees for a visitor: their name, or "Visitor #12". */
export function visitorLabel(c: Pick<Conversation, 'visitor'>, t: (k: 'list.visitor', p: { number: number }) => string): string {
  return c.visitor.name?.trim() || t('list.visitor', { number: c.visitor.number })
}

export function channelIcon(channel: Conversation['channel'], t: (k: 'channel.email' | 'channel.messenger') => string) {
  if (channel === 'email') return html`<span class="channel" role="img" aria-label=${t('channel.email')} title=${t('channel.email')}>${emailIcon()}</span>`
  if (channel === 'messenger')
    return html`<span class="channel" role="img" aria-label=${t('channel.messenger')} title=${t('channel.messenger')}>${messengerIcon()}</span>`
  return nothing
}

/** A resolved conversation is nobody's unread work, whatever was counted before it was resolved. */
const unreadIn = (store: { unreadOf(id: string): number }, c: Conversation): number => (c.status === 'open' ? store.unreadOf(c.id) : 0)

/**
 * Open (Unassigned / Mine / Others, with live counts) and Resolved (keyset "load more").
 * Rows are links to #/c/<id>; arrow keys move between them.
 */
export class ParleyConversationList extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings', 'lists']
  static override properties = { busyIds: { state: true }, now: { state: true }, actionError: { state: true }, undo: { state: true } }
  static override styles = [tokens, controls, listStyles, chipStyles]

  declare busyIds: Set<string>
  declare now: number
  declare actionError: string
  /** The conversation just resolved from the list, which a click can still take back. */
  declare undo: { id: string; name: string } | null
  private undoTimer: ReturnType<typeof setTimeout> | null = null
  /** #16: while the address is a search, its results replace the Resolved list. */
  private search = new SearchConsumer(this)
  /** One search form for the Resolved list and the results, so what is typed or opened in it survives the switch. */
  private searchPanel = document.createElement('parley-search-panel')
  private ticker: ReturnType<typeof setInterval> | null = null

  constructor() {
    super()
    this.busyIds = new Set()
    this.now = Date.now()
    this.actionError = ''
    this.undo = null
  }

  /**
   * The search form moves between the Resolved list and the results (two templates): moving an
   * element takes focus from it, so running a search by Enter left the keyboard on the page's
   * body. Whatever had focus in the form gets it back.
   */
  protected override update(changed: PropertyValues): void {
    const focused = this.searchPanel.shadowRoot?.activeElement as HTMLElement | null | undefined
    super.update(changed)
    if (focused?.isConnected && this.searchPanel.shadowRoot?.activeElement !== focused) focused.focus()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    // Waiting times and "5 min ago" move on their own.
    this.ticker = setInterval(() => (this.now = Date.now()), 20_000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    if (this.ticker) clearInterval(this.ticker)
    if (this.undoTimer) clearTimeout(this.undoTimer)
  }

  private offerUndo(id: string, name: string) {
    if (this.undoTimer) clearTimeout(this.undoTimer)
    this.undo = { id, name }
    // Long enough to notice a slip of the mouse, short enough not to linger.
    this.undoTimer = setTimeout(() => (this.undo = null), UNDO_MS)
  }

  /** The offer stays while the pointer or the keyboard is on it (nobody loses it mid-reach), and runs again after. */
  private holdUndo = () => {
    if (this.undoTimer) clearTimeout(this.undoTimer)
    this.undoTimer = null
  }

  private releaseUndo = (e: Event) => {
    const into = (e as FocusEvent).relatedTarget as Node | null
    if (into && (e.currentTarget as HTMLElement).contains(into)) return
    if (this.undo && !this.undoTimer) this.undoTimer = setTimeout(() => (this.undo = null), UNDO_MS)
  }

  private async takeBack() {
    const u = this.undo
    if (!u) return
    this.undo = null
    try {
      await this.lists.reopen(u.id)
    } catch (err) {
      this.actionError = this.session.errorText(err)
    }
  }

  private pick(view: ListView) {
    // Another tab leaves the search (its address); Resolved stays on it.
    if (this.search.value?.active && view !== 'resolved') location.hash = '#/'
    void this.lists.setView(view)
  }

  private async resolve(e: Event, c: Conversation) {
    e.preventDefault()
    e.stopPropagation()
    this.busyIds = new Set(this.busyIds).add(c.id)
    this.actionError = ''
    try {
      await this.lists.resolve(c.id)
      this.offerUndo(c.id, visitorLabel(c, this.session.t))
    } catch (err) {
      this.actionError = this.session.errorText(err)
    } finally {
      const next = new Set(this.busyIds)
      next.delete(c.id)
      this.busyIds = next
    }
  }

  private onKeydown(e: KeyboardEvent) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const links = [...this.renderRoot.querySelectorAll<HTMLAnchorElement>('.row a')]
    const i = links.indexOf(this.renderRoot.querySelector<HTMLAnchorElement>('.row a:focus') ?? (null as never))
    const next = links[e.key === 'ArrowDown' ? Math.min(links.length - 1, i + 1) : Math.max(0, i - 1)]
    if (next) {
      e.preventDefault()
      next.focus()
    }
  }

  private onTabKeydown(e: KeyboardEvent, views: ListView[]) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const i = views.indexOf(this.search.value?.active ? 'resolved' : this.lists.view)
    const next = views[(i + (e.key === 'ArrowRight' ? 1 : views.length - 1)) % views.length]!
    e.preventDefault()
    this.pick(next)
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-view=${next}]`)?.focus())
  }

  /** found: a search result (#16): its link keeps the search in the address, and the matching message shows under the preview. */
  private row(c: Conversation, found?: { href: string; match: SearchResult['match']; q: string }) {
    const { t, lang, me } = this.session
    const name = visitorLabel(c, t)
    const selected = this.lists.selectedId === c.id
    const waitedMs = c.status === 'open' && c.waitingSince ? this.now - Date.parse(c.waitingSince) : null
    const waiting = waitedMs === null ? null : duration(waitedMs, lang)
    const warnMs = this.settings.waitWarnMinutes * 60_000
    // Colour alone says nothing to a screen reader: the title and a hidden word say it too.
    const urgency = waitedMs === null || waitedMs < warnMs ? 'calm' : waitedMs < 2 * warnMs ? 'long' : 'urgent'
    const waitingText = urgency === 'urgent' ? t('list.waitingTooLong') : urgency === 'long' ? t('list.waitingLong') : t('list.waitingTitle')
    const mayResolve = c.status === 'open' && me !== null && canResolve(me, c)
    const fromAgent = c.lastMessage.author === 'agent'
    // A reply written outside Parley (Meta's inbox) has no agent: it is an answer, but nobody's to name.
    const by = c.lastMessage.agent
    const unread = unreadIn(this.lists, c)
    const prefix = !fromAgent || !by ? '' : by.id === me?.id ? t('list.youPrefix') : t('list.agentPrefix', { name: by.name })
    return html`<li class="row ${unread ? 'unread' : ''}" aria-current=${selected ? 'true' : 'false'} data-conversation=${c.id}>
      <a href=${found?.href ?? `#/c/${c.id}`}>
        <span class="avatar" aria-hidden="true" style=${`background:${avatarColor(c.visitor.id)}`}>${c.visitor.name ? initials(c.visitor.name) : '#'}</span>
        <span class="name">${channelIcon(c.channel, t)}<span>${name}</span>${ratingBadge(c.rating, t)}</span>
        <span class="time" title=${dateTime(c.lastMessage.at, lang)}>${ago(c.lastMessage.at, lang, this.now)}${unread
          ? html`<span class="badge" data-unread=${unread}><span aria-hidden="true">${unread}</span><span class="sr-only">${t('list.unread', { n: unread })}</span></span>`
          : nothing}</span>
        ${found?.match
          ? html`<span class="preview snippet" data-snippet=${found.match.seq}><span class="sr-only">${t('search.match')}: </span>${highlight(found.match.snippet, found.q).map((p) =>
              p.hit ? html`<mark>${p.text}</mark>` : p.text,
            )}</span>`
          : html`<span class="preview ${fromAgent ? '' : 'unanswered'}">${prefix}<bdi>${c.lastMessage.preview}</bdi></span>`}
        <span class="meta">
          ${waiting
            ? html`<span class="waiting ${urgency}" data-urgency=${urgency} title=${waitingText}>${clockIcon(12)} ${waiting}${urgency !== 'calm'
                ? html`<span class="sr-only">, ${waitingText}</span>`
                : nothing}</span>`
            : nothing}
          ${c.assignee
            ? html`<span class="assignee">${userIcon(12)}<span>${c.assignee.id === me?.id ? t('list.you') : c.assignee.name}</span></span>`
            : c.status === 'open'
              ? html`<span class="assignee"><span>${t('list.nobody')}</span></span>`
              : nothing}
          ${c.group ? html`<span class="group" data-group>${c.group.name}</span>` : nothing}
        </span>
        ${inlineTagChips(c.tags)}
      </a>
      ${mayResolve
        ? html`<button class="btn small resolve" data-action="resolve" ?disabled=${this.busyIds.has(c.id)} @click=${(e: Event) => this.resolve(e, c)}
            aria-label=${`${t('action.resolve')}: ${name}`}>${checkIcon(12)} ${t('action.resolve')}</button>`
        : nothing}
    </li>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.session.t
    if (this.search.value?.active) return this.renderSearch()
    const view = this.lists.view
    const open = view !== 'resolved'
    const items = this.lists.list(view)
    const empty = {
      unassigned: t('list.empty.unassigned'),
      mine: t('list.empty.mine'),
      others: t('list.empty.others'),
      all: t('list.empty.all'),
      resolved: t('list.empty.resolved'),
    }[view]
    const narrowed = view === 'unassigned' && this.lists.myGroupsOnly
    // Not read yet (signing in waits for the socket first) is not empty.
    const reading = this.lists.listLoading || !this.lists.cursors.has(view)
    return html`
      ${this.tabs(open)}
      ${open
        ? html`<div class="subtabs" role="tablist" aria-label=${t('list.open')} @keydown=${(e: KeyboardEvent) => this.onTabKeydown(e, OPEN_VIEWS)}>
            ${OPEN_VIEWS.map((v) => {
              const n = this.lists.countOf(v)
              return html`<button class="subtab" role="tab" data-view=${v} aria-selected=${v === view ? 'true' : 'false'} tabindex=${v === view ? 0 : -1}
                @click=${() => this.pick(v)}>
                ${t(`list.${v}`)} <span class="count ${v === 'unassigned' && n ? 'attention' : ''}" data-count=${v}>${n ?? '–'}</span>
              </button>`
            })}
          </div>`
        : nothing}
      ${view === 'unassigned' && this.settings.myGroupIds().size > 0
        ? html`<label class="my-groups"><input type="checkbox" data-action="my-groups" .checked=${this.lists.myGroupsOnly}
            @change=${(e: Event) => void this.lists.setMyGroupsOnly((e.target as HTMLInputElement).checked)} /> ${t('list.myGroups')}</label>`
        : nothing}
      ${this.actionError ? html`<p class="state error" role="alert">${this.actionError}</p>` : nothing}
      <div class="undo-slot" role="status">${this.undo
        ? html`<p class="undo" @mouseenter=${this.holdUndo} @focusin=${this.holdUndo} @mouseleave=${this.releaseUndo} @focusout=${this.releaseUndo}><span>${t('list.resolvedUndo', { name: this.undo.name })}</span>
            <button class="btn small" data-action="undo" @click=${this.takeBack}>${t('action.undo')}</button></p>`
        : nothing}</div>
      <div class="scroll">
      ${open ? nothing : this.searchPanel}
      <ul class="rows" role="list" aria-busy=${reading ? 'true' : 'false'} @keydown=${this.onKeydown}>
        ${repeat(items, (c) => c.id, (c) => this.row(c))}
      </ul>
      ${items.length === 0 && !reading && !this.lists.listError ? html`<p class="empty">${narrowed ? t('list.empty.myGroups') : empty}</p>` : nothing}
      ${items.length === 0 && !reading && view === 'unassigned' && !narrowed && this.lists.countOf('all') === 0 && this.session.me?.role === 'owner'
        ? html`<p class="first-steps" data-first-steps>${t('list.firstSteps')}<br />
            <a href="/demo" target="_blank" rel="noopener">${t('list.firstStepsDemo')}</a> · <a href="#/widget">${t('list.firstStepsWidget')}</a></p>`
        : nothing}
      ${this.lists.listError ? html`<p class="state error" role="alert">${this.lists.listError} <button class="btn small" @click=${() => this.lists.loadList(view)}>${t('action.retry')}</button></p>` : nothing}
      ${reading && items.length === 0 && !this.lists.listError ? html`<p class="state">${t('state.loading')}</p>` : nothing}
      ${this.lists.hasMore(view)
        ? html`<div class="more"><button class="btn" ?disabled=${this.lists.listLoading} @click=${() => this.lists.loadList(view, true)}>${t('list.loadMore')}</button></div>`
        : nothing}
      </div>
    `
  }

  private tabs(open: boolean) {
    const t = this.session.t
    const total = this.lists.unreadTotal
    return html`<div class="tabs" role="tablist" aria-label=${t('list.label')} @keydown=${(e: KeyboardEvent) => this.onTabKeydown(e, ['unassigned', 'resolved'])}>
        <button class="tab" role="tab" data-view="open" aria-selected=${open ? 'true' : 'false'} tabindex=${open ? 0 : -1}
          @click=${() => this.pick('unassigned')}>${t('list.open')}${total
            ? html`<span class="badge" data-unread-total=${total}><span aria-hidden="true">${total}</span><span class="sr-only">${t('list.unread', { n: total })}</span></span>`
            : nothing}</button>
        <button class="tab" role="tab" data-view="resolved" aria-selected=${open ? 'false' : 'true'} tabindex=${open ? -1 : 0}
          @click=${() => this.pick('resolved')}>${t('list.resolved')}</button>
      </div>`
  }

  /** #16: a search's results, in the same rows as the lists, under the search form on the Resolved tab. */
  private renderSearch() {
    const t = this.session.t
    const sr = this.search.value!
    // The list's copy is kept live by the socket (tags, assignee, status): show that one when it is as new.
    const items = sr.results.map((r) => {
      const known = this.lists.conversations.get(r.id)
      return { c: known && known.lastSeq >= r.lastSeq ? known : r, r }
    })
    const problem = sr.problem && !sr.problem.field ? sr.problem : null
    return html`
      ${this.tabs(false)}
      ${this.actionError ? html`<p class="state error" role="alert">${this.actionError}</p>` : nothing}
      <div class="undo-slot" role="status">${this.undo
        ? html`<p class="undo" @mouseenter=${this.holdUndo} @focusin=${this.holdUndo} @mouseleave=${this.releaseUndo} @focusout=${this.releaseUndo}><span>${t('list.resolvedUndo', { name: this.undo.name })}</span>
            <button class="btn small" data-action="undo" @click=${this.takeBack}>${t('action.undo')}</button></p>`
        : nothing}</div>
      <div class="scroll">
        ${this.searchPanel}
        <ul class="rows" role="list" aria-label=${t('search.results')} aria-busy=${sr.loading ? 'true' : 'false'} data-search-results @keydown=${this.onKeydown}>
          ${repeat(items, (x) => x.c.id, (x) => this.row(x.c, { href: searchHash(sr.filters, x.c.id), match: x.r.match, q: sr.filters.q }))}
        </ul>
        ${items.length === 0 && !sr.loading && !sr.problem ? html`<p class="empty" data-search-empty>${t('search.empty')}</p>` : nothing}
        ${problem ? html`<p class="state error" role="alert">${problem.text} <button class="btn small" @click=${() => sr.run()}>${t('action.retry')}</button></p>` : nothing}
        ${sr.loading && items.length === 0 ? html`<p class="state">${t('search.searching')}</p>` : nothing}
        ${sr.nextCursor
          ? html`<div class="more"><button class="btn" data-action="more-results" ?disabled=${sr.loading} @click=${() => sr.loadMore()}>${t('list.loadMore')}</button></div>`
          : nothing}
      </div>
    `
  }
}

customElements.define('parley-conversation-list', ParleyConversationList)
