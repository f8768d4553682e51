import { LitElement, html, nothing } from 'lit'
import { ContextProvider } from '@lit/context'
import { tokens, controls } from '../../shared/tokens.ts'
import { SocketController, wsUrl } from '../../shared/socket.ts'
import type { Agent } from '../../shared/types.ts'
import { contexts, StoresController } from '../context.ts'
import { Dashboard, SessionEndedEvent } from '../stores/dashboard.ts'
import type { StoreName } from '../stores/store.ts'
import { NotifierController } from '../notifier.ts'
import { isOwner } from '../permissions.ts'
import { chatIcon, logoIcon, mailIcon, messengerIcon, plugIcon, usersIcon, widgetIcon, tagIcon, groupIcon } from '../icons.ts'
import { SignedInEvent } from '../login/login.ts'
import { NotificationPrefsEvent, SignOutEvent } from '../account-menu/account-menu.ts'
import { ToggleVisitorPanelEvent } from '../thread/thread.ts'
import { appStyles } from './app.styles.ts'
import '../login/login.ts'
import '../setup/setup.ts'
import '../conversation-list/conversation-list.ts'
import '../thread/thread.ts'
import '../visitor-panel/visitor-panel.ts'
import '../status-switch/status-switch.ts'
import '../account-menu/account-menu.ts'
import '../agents-page/agents-page.ts'
import '../widget-settings/widget-settings.ts'
import '../email-settings/email-settings.ts'
import '../messenger-settings/messenger-settings.ts'
import '../tags-settings/tags-settings.ts'
import '../groups-settings/groups-settings.ts'
import '../messenger-banner/messenger-banner.ts'
import '../integrations-page/integrations-page.ts'
import '../account-page/account-page.ts'
import '../audit-page/audit-page.ts'
// #16 canned responses, mentions
import '../canned-settings/canned-settings.ts'
import '../mention-toasts/mention-toasts.ts'
import { cannedIcon } from '../canned-settings/canned-icon.ts'
import { blockIcon } from '../blocking-settings/blocking-settings.ts'
import { SearchStore, parseSearchRoute, searchContext } from '../stores/search.ts' // #16 search

declare global {
  interface HTMLElementTagNameMap {
    'parley-app': ParleyApp
  }
}

type Screen = 'loading' | 'setup' | 'login' | 'ready' | 'error'
type Route =
  | { page: 'inbox'; id: string | null }
  | { page: 'agents' }
  | { page: 'widget' }
  | { page: 'email' }
  | { page: 'messenger' }
  | { page: 'integrations' }
  | { page: 'account' }
  | { page: 'audit' }
  | { page: 'canned' }
  | { page: 'blocking' }
  | { page: 'tags' }
  | { page: 'groups' }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '')
  const m = /^\/c\/([0-9a-f-]{36})$/i.exec(path)
  if (m) return { page: 'inbox', id: m[1]!.toLowerCase() }
  // #16: a search (#/search?…) and a result opened from it (#/search/c/<id>?…) are the inbox too
  const search = parseSearchRoute(hash)
  if (search) return { page: 'inbox', id: search.id }
  if (path === '/agents') return { page: 'agents' }
  if (path === '/widget') return { page: 'widget' }
  if (path === '/email') return { page: 'email' }
  if (path === '/messenger') return { page: 'messenger' }
  if (path === '/integrations') return { page: 'integrations' }
  if (path === '/account') return { page: 'account' }
  if (path === '/audit') return { page: 'audit' }
  if (path === '/canned') return { page: 'canned' } // #16
  if (path === '/blocking') return { page: 'blocking' }
  if (path === '/tags') return { page: 'tags' }
  if (path === '/groups') return { page: 'groups' }
  return { page: 'inbox', id: null }
}

/**
 * The dashboard: decides between first-run setup, sign-in and the signed-in app; owns the
 * composition root (stores/dashboard.ts: the per-feature stores, each provided to the elements
 * under its own @lit/context, and the frame router), the agent socket and the notifier.
 */
export class ParleyApp extends LitElement {
  static override properties = {
    screen: { state: true },
    route: { state: true },
    panelOpen: { state: true },
    narrow: { state: true },
    notice: { state: true },
  }
  static override styles = [tokens, controls, appStyles]

  declare screen: Screen
  declare route: Route
  declare panelOpen: boolean
  declare narrow: boolean
  declare notice: string

  readonly dashboard = new Dashboard()
  private providers = (Object.keys(contexts) as StoreName[]).map(
    (name) => new ContextProvider(this, { context: contexts[name], initialValue: this.dashboard[name] as never }),
  )
  /** The app renders from the session (language, me, connection) and, from the lists, only the selection. */
  private storesCtl = new StoresController(this, ['session'])
  private shownSelection: string | null = null
  /** #16: the search (its filters live in the address); opening a result selects it like any conversation. */
  readonly search = new SearchStore({
    api: this.dashboard.api,
    t: (key, params) => this.dashboard.session.t(key, params),
    open: (id) => {
      if (id !== this.dashboard.lists.selectedId) void this.dashboard.select(id)
    },
  })
  private searchProvider = new ContextProvider(this, { context: searchContext, initialValue: this.search })
  readonly notifier = new NotifierController(this)
  private socketCtl = new SocketController(
    this,
    {
      url: () => wsUrl('/ws/agent'),
      onFrame: (f) => this.dashboard.handleFrame(f),
      onState: (state, info) => {
        this.dashboard.session.setConnection(state)
        if (state === 'closed') this.dashboard.socketClosed()
        // A refused handshake looks like any other drop; ask the API whether we are still signed in.
        if (state === 'closed' && info.attempt >= 1 && this.screen === 'ready') void this.checkSession()
      },
      onOpen: (reconnect) => this.dashboard.onSocketOpen(reconnect),
      pending: () => this.dashboard.unsent(),
      finalCodes: [4001],
      pingMs: 25_000,
    },
    false,
  )
  private narrowQuery = typeof matchMedia === 'function' ? matchMedia('(max-width: 700px)') : null

  constructor() {
    super()
    this.screen = 'loading'
    this.route = parseRoute(location.hash)
    this.panelOpen = true
    this.narrow = this.narrowQuery?.matches ?? false
    this.notice = ''
    this.storesCtl.attach('session', this.dashboard.session)
    this.dashboard.lists.onChange(() => {
      if (this.dashboard.lists.selectedId !== this.shownSelection) this.requestUpdate()
    })
    this.notifier.attach(this.dashboard)
    this.dashboard.socket = this.socketCtl.socket
    // The server answers but its database is away: its socket, refused meanwhile, tries again
    // within 3 s rather than after a back-off grown to 10 s.
    this.dashboard.api.onUnavailable = () => this.socketCtl.socket.holdBackoffAt(3_000)
    this.dashboard.api.onUnauthorized = () => {
      if (this.screen === 'ready') this.toLogin(this.session.t('session.expired'))
    }
    this.dashboard.addEventListener(SessionEndedEvent.type, () => this.toLogin(this.session.t('session.ended')))
    this.addEventListener(SignedInEvent.type, (e) => void this.enter(e.agent, e.csrfToken))
    this.addEventListener(SignOutEvent.type, () => void this.signOut())
    this.addEventListener(ToggleVisitorPanelEvent.type, () => {
      this.panelOpen = !this.panelOpen
      // Opened as a drawer over the thread: focus goes into it, as into any dialog-like layer.
      if (this.panelOpen && this.drawerMode()) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('parley-visitor-panel')?.focus())
    })
    this.addEventListener(NotificationPrefsEvent.type, (e) => {
      if (e.change.sound !== undefined) this.notifier.soundOn = e.change.sound
      if (e.change.askPermission) void this.notifier.requestPermission()
    })
  }

  /** Up to 1100 px the visitor panel is a drawer over the thread (app.styles.ts). */
  private drawerQuery = typeof matchMedia === 'function' ? matchMedia('(max-width: 1100px)') : null
  private drawerMode = () => this.drawerQuery?.matches ?? false

  /** Escape in the drawer closes it and gives focus back to the thread's toggle — unless a field,
   *  menu or dialog inside it took the key for itself (they prevent its default). */
  private onDrawerKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !this.panelOpen || !this.drawerMode()) return
    const path = e.composedPath()
    if (!path.some((n) => (n as Element).localName === 'parley-visitor-panel') || path.some((n) => (n as Element).localName === 'dialog')) return
    this.panelOpen = false
    void this.updateComplete.then(() => this.renderRoot.querySelector('parley-thread')?.renderRoot.querySelector<HTMLElement>('.panel-toggle')?.focus())
  }

  override connectedCallback(): void {
    super.connectedCallback()
    addEventListener('keydown', this.onDrawerKey)
    addEventListener('hashchange', this.onHash)
    this.narrowQuery?.addEventListener('change', this.onNarrow)
    void this.boot()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener('keydown', this.onDrawerKey)
    removeEventListener('hashchange', this.onHash)
    this.narrowQuery?.removeEventListener('change', this.onNarrow)
  }

  private get session() {
    return this.dashboard.session
  }

  private onNarrow = () => (this.narrow = this.narrowQuery?.matches ?? false)

  // The navigation's words do not fit beside the status switch in every language at every width
  // (Spanish "Correo electrónico", "Integraciones" at 1280 px): then the links show their icons
  // alone, named by aria-label and title, rather than run under the switch.
  private navFit = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.fitNav()) : null
  private fittedNav: Element | null = null

  private fitNav() {
    const nav = this.renderRoot.querySelector('nav')
    if (!nav) return
    nav.classList.remove('compact')
    nav.classList.toggle('compact', nav.scrollWidth > nav.clientWidth + 1)
  }

  override updated(): void {
    const nav = this.renderRoot.querySelector('nav')
    if (nav && nav !== this.fittedNav) {
      if (this.fittedNav) this.navFit?.unobserve(this.fittedNav)
      this.navFit?.observe(nav)
      this.fittedNav = nav
    }
    this.fitNav()
  }

  private onHash = () => {
    this.route = parseRoute(location.hash)
    if (this.screen === 'ready') this.applyRoute()
  }

  private applyRoute() {
    const r = this.route
    // A search's address runs the search and opens its result in place: no switch to the result's list.
    if (this.search.route(location.hash)) {
      if (this.drawerMode()) this.panelOpen = false
      return
    }
    if (r.page === 'inbox' && r.id !== this.dashboard.lists.selectedId) {
      const id = r.id
      void this.dashboard.select(id)
      if (id) void this.dashboard.lists.followView(id)
    }
    if (r.page === 'inbox' && this.drawerMode()) this.panelOpen = false
  }

  private async boot() {
    try {
      const me = await this.dashboard.api.get<{ agent: Agent; csrfToken: string } | { agent: null; csrfToken: null }>('/api/auth/session')
      if (me.agent) return await this.enter(me.agent, me.csrfToken)
    } catch {
      this.screen = 'error'
      return
    }
    try {
      const setup = await this.dashboard.api.get<{ needed: boolean }>('/api/setup')
      this.screen = setup.needed ? 'setup' : 'login'
    } catch {
      this.screen = 'error'
    }
  }

  private async enter(agent: Agent, csrfToken: string) {
    this.dashboard.signedIn(agent, csrfToken)
    this.notice = ''
    this.screen = 'ready'
    this.socketCtl.socket.start()
    // Read once the socket is open, so nothing written between the reads and the socket is missed.
    await this.dashboard.untilHeard()
    // Before the first list loads, so a reload on a resolved conversation loads Resolved, not Open.
    const r = this.route
    if (r.page === 'inbox' && r.id && !parseSearchRoute(location.hash)) {
      await this.dashboard.select(r.id)
      await this.dashboard.lists.followView(r.id, false)
    }
    this.applyRoute()
    await this.dashboard.loadInbox()
  }

  private async checkSession() {
    try {
      await this.dashboard.api.get('/api/auth/me')
    } catch {
      // onUnauthorized has already switched to the sign-in screen on a 401.
    }
  }

  private toLogin(notice = '') {
    this.socketCtl.socket.stop()
    this.dashboard.signedOut()
    this.search.reset() // #16
    this.notice = notice
    this.screen = 'login'
  }

  private async signOut() {
    try {
      await this.dashboard.api.post('/api/auth/logout')
    } catch {
      // Signed out on the server or not, this tab forgets the session.
    }
    this.toLogin()
    history.replaceState(null, '', location.pathname)
    this.route = { page: 'inbox', id: null }
  }

  /**
   * The skip link: past the navigation (ten links for the owner), the status and the account menu,
   * to the page itself. The address is the route, so the link moves focus rather than going anywhere.
   */
  private skipToMain(e: Event) {
    e.preventDefault()
    const main = this.renderRoot.querySelector<HTMLElement>('main')
    if (!main) return
    main.tabIndex = -1
    main.focus()
  }

  private nav() {
    const t = this.session.t
    const me = this.session.me
    const r = this.route
    const link = (href: string, active: boolean, icon: unknown, label: string) =>
      html`<a href=${href} aria-current=${active ? 'page' : 'false'} title=${label} aria-label=${label}>${icon}<span>${label}</span></a>`
    return html`<header class="top">
      <a class="skip" href="#/" data-action="skip" @click=${this.skipToMain}>${t('nav.skip')}</a>
      <a class="brand" href="#/" aria-label="Parley">${logoIcon(24)}<span>Parley</span></a>
      <nav aria-label=${t('nav.label')}>
        ${link('#/', r.page === 'inbox', chatIcon(), t('nav.conversations'))}
        ${isOwner(me) ? link('#/agents', r.page === 'agents', usersIcon(), t('nav.agents')) : nothing}
        ${isOwner(me) ? link('#/widget', r.page === 'widget', widgetIcon(), t('nav.widget')) : nothing}
        ${isOwner(me) ? link('#/email', r.page === 'email', mailIcon(), t('nav.email')) : nothing}
        ${isOwner(me) ? link('#/messenger', r.page === 'messenger', messengerIcon(), t('channel.messenger')) : nothing}
        ${isOwner(me) ? link('#/integrations', r.page === 'integrations', plugIcon(), t('nav.integrations')) : nothing}
        ${link('#/canned', r.page === 'canned', cannedIcon(), t('nav.canned'))}
        ${isOwner(me) ? link('#/blocking', r.page === 'blocking', blockIcon(), t('nav.blocking')) : nothing}
        ${isOwner(me) ? link('#/tags', r.page === 'tags', tagIcon(), t('nav.tags')) : nothing}
        ${isOwner(me) ? link('#/groups', r.page === 'groups', groupIcon(), t('nav.groups')) : nothing}
      </nav>
      <parley-status-switch></parley-status-switch>
      <parley-account-menu .soundOn=${this.notifier.soundOn} permission=${this.notifier.permission}></parley-account-menu>
    </header>`
  }

  private page() {
    const r = this.route
    const me = this.session.me
    if (r.page === 'agents' && isOwner(me)) return html`<main class="page"><parley-agents-page></parley-agents-page></main>`
    if (r.page === 'widget' && isOwner(me)) return html`<main class="page"><parley-widget-settings></parley-widget-settings></main>`
    if (r.page === 'email' && isOwner(me)) return html`<main class="page"><parley-email-settings></parley-email-settings></main>`
    if (r.page === 'messenger' && isOwner(me)) return html`<main class="page"><parley-messenger-settings></parley-messenger-settings></main>`
    if (r.page === 'integrations' && isOwner(me)) return html`<main class="page"><parley-integrations-page></parley-integrations-page></main>`
    if (r.page === 'account') return html`<main class="page"><parley-account-page></parley-account-page></main>`
    if (r.page === 'tags' && isOwner(me)) return html`<main class="page"><parley-tags-settings></parley-tags-settings></main>`
    if (r.page === 'groups' && isOwner(me)) return html`<main class="page"><parley-groups-settings></parley-groups-settings></main>`
    if (r.page === 'audit' && isOwner(me)) return html`<main class="page"><parley-audit-page></parley-audit-page></main>`
    if (r.page === 'canned') return html`<main class="page"><parley-canned-settings></parley-canned-settings></main>` // #16
    if (r.page === 'blocking' && isOwner(me)) return html`<main class="page"><parley-blocking-settings></parley-blocking-settings></main>`
    const selected = this.shownSelection !== null
    const cls = ['inbox', this.panelOpen ? 'drawer' : 'no-panel', selected ? 'has-selection' : ''].join(' ')
    // Every other page opens with its own h1; the inbox's three columns have none to show.
    return html`<main class=${cls}>
      <h1 class="sr-only">${this.session.t('nav.conversations')}</h1>
      <parley-conversation-list></parley-conversation-list>
      <parley-thread ?narrow=${this.narrow} ?panel-open=${this.panelOpen}></parley-thread>
      <div class="scrim" @click=${() => (this.panelOpen = false)}></div>
      ${selected ? html`<parley-visitor-panel role="region" tabindex="-1" aria-label=${this.session.t('visitor.title')}></parley-visitor-panel>` : nothing}
    </main>`
  }

  override render() {
    const t = this.session.t
    this.shownSelection = this.dashboard.lists.selectedId
    switch (this.screen) {
      case 'loading':
        return html`<div class="center" aria-busy="true">${t('state.loading')}</div>`
      case 'error':
        return html`<div class="center" role="alert">
          <p>${t('error.network')}</p>
          <button class="btn" @click=${() => {
            this.screen = 'loading'
            void this.boot()
          }}>${t('action.retry')}</button>
        </div>`
      case 'setup':
        return html`<parley-setup></parley-setup>`
      case 'login':
        return html`<parley-login .notice=${this.notice}></parley-login>`
      case 'ready': {
        const c = this.session.connection
        return html`${this.nav()}
          ${c !== 'open' && this.session.everConnected ? html`<div class="banner" role="status">${c === 'connecting' ? t('conn.connecting') : t('conn.lost')}</div>` : nothing}
          <parley-messenger-banner></parley-messenger-banner>
          <parley-mention-toasts></parley-mention-toasts>
          ${this.page()}`
      }
    }
  }
}

customElements.define('parley-app', ParleyApp)
