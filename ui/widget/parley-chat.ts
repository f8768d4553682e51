// <parley-chat>: the visitor's side of Parley. A launcher button, and a chat panel with the
// agent's name, the messages, and a composer; when nobody is online, the contact form instead.
// The connection (token, socket, outbox, resume) lives in ChatController; this file is the view
// and the JS API that the loader forwards `parley(...)` calls to.
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { Message } from '../../server/realtime/wire.ts'
import { ChatController, ContactError, type ChatItem } from './chat.controller.ts'
import { STRINGS, browserLanguage, localeFor, supported, type Language, type Strings } from './i18n/index.ts'
import { Chime } from '../shared/chime.ts'
import { linkified } from '../shared/links.ts'
import { styles } from './parley-chat.styles.ts'
import './contact-form/parley-contact-form.ts'
import type { ParleyContactEvent, ParleyContactForm } from './contact-form/parley-contact-form.ts'
import { RecordingGate } from './recorder/gate.ts'
import './rating/parley-rating.ts' // #16 ratings
import type { ParleyRateEvent, ParleyRating } from './rating/parley-rating.ts'
import './chat-file/chat-file.ts'

/** The chime for the team's messages, its context made on the visitor's first click or key press in the widget. */
const chime = new Chime()
const unlockChime = () => chime.unlock()
/** The widget's chime is quieter than the dashboard's default (0–100). */
const CHIME_VOLUME = 40

export type ParleyEventName = 'message_received' | 'message_sent' | 'chat_opened' | 'chat_closed'

export interface ReceivedData {
  id: string
  conversationId: string
  body: string
  authorName: string | null
  createdAt: string
}
export interface SentData {
  id: string
  conversationId: string
  clientId: string
  body: string
}

/** Dispatched on <parley-chat> as `parley:message_received` etc.; `parley('on', …)` listens to them. */
export class ParleyChatEvent<T = unknown> extends Event {
  constructor(
    readonly name: ParleyEventName,
    readonly data: T,
  ) {
    super(`parley:${name}`)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat': ParleyChat
  }
  interface GlobalEventHandlersEventMap {
    'parley:message_received': ParleyChatEvent<ReceivedData>
    'parley:message_sent': ParleyChatEvent<SentData>
    'parley:chat_opened': ParleyChatEvent<undefined>
    'parley:chat_closed': ParleyChatEvent<undefined>
  }
}

const EVENTS: readonly ParleyEventName[] = ['message_received', 'message_sent', 'chat_opened', 'chat_closed']
const OPEN_KEY = 'parley:open'
/** Consecutive messages of one author within this gap share one bubble group. */
const GROUP_GAP = 5 * 60_000

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('')

/** White or near-black text, whichever reads better on the site's colour. */
function onColor(hex: string): string {
  let h = hex.slice(1)
  if (h.length < 6) h = [...h.slice(0, 3)].map((c) => c + c).join('')
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 ? '#111827' : '#ffffff'
}

const icon = {
  chat: html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16h0A2.5 2.5 0 0 1 4 13.5z" fill="currentColor"/></svg>`,
  down: html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 9l6 6 6-6" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  send: html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4.4 19.6 20.5 12 4.4 4.4l.9 6.2L14 12l-8.7 1.4z" fill="currentColor"/></svg>`,
  check: html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  checks: html`<svg viewBox="0 0 20 16" aria-hidden="true"><path d="M1.5 8.5l3 3 7-7M8.5 11.5l7-7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  clock: html`<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M8 5v3.2l2 1.3" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></svg>`,
}

export class ParleyChat extends LitElement {
  static override styles = styles
  static override properties = {
    server: { type: String },
    language: { type: String },
    open: { type: Boolean, reflect: true },
    announcement: { state: true },
    contactBusy: { state: true },
    contactFailed: { state: true },
    thanks: { state: true },
    transcriptState: { state: true },
    ratingState: { state: true },
    groupPick: { state: true },
    groupMissing: { state: true },
  }

  /** The Parley server's URL, e.g. https://chat.example.com. */
  declare server: string
  /** en, cs, de, es, hu or pl; from the browser when not set. */
  declare language: Language | ''
  declare open: boolean
  declare announcement: string
  declare contactBusy: boolean
  declare contactFailed: string
  /** The e-mail the contact form was sent from, for the thank-you note. */
  declare thanks: string
  /** The "e-mail me this conversation" button: idle, sending, sent (to that address) or failed. */
  declare transcriptState: { state: 'idle' | 'busy' | 'failed' } | { state: 'sent'; to: string }
  declare ratingState: 'idle' | 'busy' | 'failed'
  /** The pre-chat group choice (#16): the key picked, and whether sending without one was tried. */
  declare groupPick: string
  declare groupMissing: boolean

  private chat: ChatController | null = null
  private recording: RecordingGate | null = null
  private contactClientId = ''
  private renderedCount = 0
  /** Whether the message list was scrolled to its end just before this render (see willUpdate). */
  private atEnd = true
  /**
   * Whether the visitor is reading at the list's end, as of their last scroll. A file under an
   * agent's bubble (<parley-chat-file>, its own element) draws itself after the list has scrolled,
   * and a picture's thumbnail later still: the list grows under a visitor who was at the end, and
   * this keeps the newest message in view instead of half under the composer.
   */
  private following = true
  private followed: Element | null = null
  /** Where the widget itself last scrolled the list to: that scroll is not the visitor's. */
  private pinnedTop = -1
  private growth = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    const list = this.renderRoot?.querySelector<HTMLElement>('.scroll')
    if (list && this.following) this.pin(list)
  })
  private onListScroll = (e: Event) => {
    const list = e.currentTarget as HTMLElement
    // The event of the widget's own scroll comes a frame later, when a file may have grown the list.
    if (list.scrollTop === this.pinnedTop) return
    this.following = list.scrollHeight - list.scrollTop - list.clientHeight < 120
  }
  private pin(list: HTMLElement) {
    list.scrollTop = list.scrollHeight
    this.pinnedTop = list.scrollTop
    this.following = true
  }

  constructor() {
    super()
    this.server = ''
    this.language = ''
    this.open = false
    this.announcement = ''
    this.contactBusy = false
    this.contactFailed = ''
    this.thanks = ''
    this.transcriptState = { state: 'idle' }
    this.ratingState = 'idle'
    this.groupPick = ''
    this.groupMissing = false
  }

  get strings(): Strings {
    return STRINGS[this.lang2]
  }

  private get lang2(): Language {
    return supported(this.language) ?? browserLanguage(navigator.languages?.length ? navigator.languages : [navigator.language])
  }

  override connectedCallback(): void {
    super.connectedCallback()
    if (!this.chat) {
      const server = this.server || location.origin
      const recording = (this.recording = new RecordingGate(server.replace(/\/+$/, ''), () => this.chat!.visitorToken()))
      this.chat = new ChatController(this, server, {
        received: (m) => this.onReceived(m),
        sent: (m) => this.emit('message_sent', { id: m.id, conversationId: m.conversationId, clientId: m.clientId, body: m.body }),
        configured: (c) => recording.configure(c.recording),
        language: () => this.lang2,
      })
    }
    try {
      if (sessionStorage.getItem(OPEN_KEY) === '1') this.open = true
    } catch {}
    document.addEventListener('visibilitychange', this.onVisibility)
    addEventListener('pagehide', this.onPageHide)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    document.removeEventListener('visibilitychange', this.onVisibility)
    removeEventListener('pagehide', this.onPageHide)
    this.growth?.disconnect()
    this.followed = null
  }

  /** A rating chosen but never sent goes as the page goes (a request that outlives it). */
  private onPageHide = () => this.sendPendingRating(true)

  private onVisibility = () => this.requestUpdate()

  // ---- the JS API ----

  /** What `parley(cmd, ...args)` does once the widget has loaded. */
  command(cmd: unknown, ...args: unknown[]): void {
    if (typeof cmd === 'string' && this.recording?.command(cmd, args[0])) return
    switch (cmd) {
      case 'chat:open':
        return this.show()
      case 'chat:close':
        return this.hide()
      case 'chat:toggle':
        return this.open ? this.hide() : this.show()
      case 'language': {
        const lang = supported(typeof args[0] === 'string' ? args[0] : '')
        if (lang) this.language = lang
        else console.warn(`[parley] unsupported language ${JSON.stringify(args[0])}; use one of ${Object.keys(STRINGS).join(', ')}`)
        return
      }
      case 'name':
      case 'email':
      case 'phone': {
        const value = args[0]
        if (typeof value === 'string' || value === null) return void this.chat?.siteInfo({ [cmd]: value })
        console.warn(`[parley] parley('${cmd}', value): value is a string, or null to clear it`)
        return
      }
      case 'variables': {
        const value = args[0]
        if (value && typeof value === 'object' && !Array.isArray(value)) return void this.chat?.siteInfo({ variables: value })
        console.warn(`[parley] parley('variables', { key: { label, value } })`)
        return
      }
      case 'identify': {
        const value = args[0] as { id?: unknown; hash?: unknown } | null
        if (value && typeof value.id === 'string' && typeof value.hash === 'string') {
          return void this.chat?.identify(value as { id: string; hash: string })
        }
        console.warn(`[parley] parley('identify', { id, hash, name?, email?, phone?, variables? }): id and hash are strings`)
        return
      }
      case 'group': {
        const key = args[0]
        if (key === null || (typeof key === 'string' && /^[a-z0-9][a-z0-9_-]{0,39}$/.test(key))) return void this.chat?.route(key)
        console.warn(`[parley] parley('group', key): key is a group's key (lower-case letters, digits, - and _), or null`)
        return
      }
      case 'on': {
        const [name, fn] = args
        if (typeof name === 'string' && (EVENTS as string[]).includes(name) && typeof fn === 'function') return this.on(name as ParleyEventName, fn as (d: unknown) => void)
        console.warn(`[parley] parley('on', event, fn): event is one of ${EVENTS.join(', ')}`)
        return
      }
      default:
        console.warn(`[parley] unknown command ${JSON.stringify(cmd)}`)
    }
  }

  /** Calls `fn` with the event's data; a site callback that throws never breaks the chat. */
  on(name: ParleyEventName, fn: (data: unknown) => void): void {
    this.addEventListener(`parley:${name}`, (e: Event) => {
      try {
        fn((e as ParleyChatEvent).data)
      } catch (error) {
        console.error(`[parley] ${name} handler failed`, error)
      }
    })
  }

  show(): void {
    if (this.open) return
    this.open = true
    this.remember()
    void this.chat?.loadConfig()
    this.emit('chat_opened', undefined)
  }

  hide(): void {
    if (!this.open) return
    // Closing removes the focused element: give focus back to the launcher, not to <body>.
    const hadFocus = this.matches(':focus-within')
    this.open = false
    if (hadFocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus())
    this.remember()
    this.emit('chat_closed', undefined)
  }

  private remember() {
    try {
      sessionStorage.setItem(OPEN_KEY, this.open ? '1' : '0')
    } catch {}
  }

  private emit<T>(name: ParleyEventName, data: T) {
    this.dispatchEvent(new ParleyChatEvent(name, data))
  }

  private onReceived(m: Message) {
    chime.play(CHIME_VOLUME)
    const name = m.authorName ?? this.strings.team
    // Clear first so the same text twice is announced twice.
    this.announcement = ''
    void this.updateComplete.then(() => (this.announcement = this.strings.newMessage(name, m.body)))
    this.emit('message_received', { id: m.id, conversationId: m.conversationId, body: m.body, authorName: m.authorName, createdAt: m.createdAt })
  }

  // ---- view ----

  private get visible(): boolean {
    return this.open && document.visibilityState === 'visible'
  }

  private get showForm(): boolean {
    const c = this.chat!
    // The form asks for an address to answer by e-mail: only worth it when Parley can send one.
    return c.configLoaded && !c.online && !c.hasThread && c.canEmail
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && !this.open) {
      this.chat?.typing(false)
      // Closing the chat with a rating chosen and "Send rating" not pressed: it is the answer.
      this.sendPendingRating(false)
    }
    // Measured before the render: after it, a new message taller than the margin would make a
    // visitor who was reading at the end look scrolled up, and the list would not follow it.
    const list = this.renderRoot?.querySelector<HTMLElement>('.scroll')
    this.atEnd = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 120
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The site's colour through the CSSOM: a site whose Content-Security-Policy has no
    // 'unsafe-inline' in style-src blocks style attributes (the widget lost its colour), never this.
    const root = this.renderRoot.querySelector<HTMLElement>('.root')
    if (root && this.chat) {
      const accent = this.chat.appearance.color
      root.style.setProperty('--p-accent', accent)
      root.style.setProperty('--p-on-accent', onColor(accent))
    }
    if (this.visible) this.chat?.markRead()
    const messages = this.renderRoot.querySelector('.scroll .messages')
    if (messages !== this.followed) {
      this.growth?.disconnect()
      if (messages) this.growth?.observe(messages)
      this.followed = messages
    }
    if (changed.has('open') && this.open) {
      this.scrollToEnd(true)
      // Focus follows the panel when the visitor opened it (not when it was restored on load).
      if (changed.get('open') === false) this.focusFirst()
    }
    const count = this.chat ? this.chat.items.length + (this.chat.agentTyping !== null ? 1 : 0) : 0
    if (count !== this.renderedCount) {
      this.renderedCount = count
      this.scrollToEnd(false)
    }
  }

  private focusFirst() {
    const target = this.renderRoot.querySelector<HTMLElement>('parley-contact-form, textarea')
    target?.focus()
  }

  private scrollToEnd(force: boolean) {
    const list = this.renderRoot.querySelector<HTMLElement>('.scroll')
    if (!list) return
    if (force || this.atEnd || this.chat?.items.at(-1)?.author === 'visitor') this.pin(list)
  }

  private onKeydown(e: KeyboardEvent) {
    chime.unlock()
    if (e.key === 'Escape' && this.open) {
      e.stopPropagation()
      this.hide()
    }
  }

  private onComposerKey(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      this.submit()
    }
  }

  private onInput(e: Event) {
    const ta = e.target as HTMLTextAreaElement
    this.grow(ta)
    this.chat?.typing(ta.value.trim() !== '')
  }

  private grow(ta: HTMLTextAreaElement) {
    ta.style.height = 'auto'
    ta.style.height = `${Math.min(ta.scrollHeight, 120)}px`
  }

  private submit(e?: Event) {
    e?.preventDefault()
    const ta = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')
    if (!ta || !ta.value.trim()) return
    // The pre-chat group choice (#16): asked once, before the first message.
    if (this.chat?.asksForGroup) {
      if (!this.groupPick) {
        this.groupMissing = true
        return
      }
      void this.chat.route(this.groupPick)
    }
    this.chat?.send(ta.value)
    ta.value = ''
    this.grow(ta)
    ta.focus()
  }

  private async onContact(e: ParleyContactEvent) {
    const form = e.target as ParleyContactForm
    this.contactBusy = true
    this.contactFailed = ''
    // One id per message, kept across retries, so a double submit is stored once.
    this.contactClientId ||= crypto.randomUUID?.() ?? String(Date.now())
    try {
      await this.chat!.contact({ ...e.data, clientId: this.contactClientId })
      this.thanks = e.data.email
      this.contactClientId = ''
      await this.updateComplete
      this.focusFirst()
    } catch (error) {
      if (error instanceof ContactError && /email/i.test(error.code)) form.rejectEmail()
      else this.contactFailed = this.strings.submitFailed
    } finally {
      this.contactBusy = false
    }
  }

  override render() {
    const c = this.chat
    // Blocked (#16): no chat at all, and nothing that says why.
    if (!c || !c.configLoaded || c.blocked) return nothing
    const t = this.strings
    const unread = this.open ? 0 : c.unread
    const label = unread ? `${t.openChat}, ${t.unread(unread)}` : t.openChat
    // dir: the widget's six languages are written left to right, also on a right-to-left page
    // (`direction` is inherited through the shadow root and `all: initial` does not reset it).
    // Its colours are set in updated(), not in a style attribute.
    return html`<div
      class="root ${c.appearance.position}"
      lang=${this.lang2}
      dir="ltr"
      @keydown=${this.onKeydown}
      @pointerdown=${unlockChime}
    >
      ${this.open ? this.renderPanel() : nothing}
      <button
        class="launcher"
        type="button"
        aria-label=${this.open ? t.closeChat : label}
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        @click=${() => (this.open ? this.hide() : this.show())}
      >
        ${this.open ? icon.down : icon.chat}
        ${unread ? html`<span class="badge" aria-hidden="true">${unread > 9 ? '9+' : unread}</span>` : nothing}
      </button>
      <div class="sr-only" role="status" aria-live="polite">${this.announcement}</div>
    </div>`
  }

  private renderPanel() {
    const c = this.chat!
    const t = this.strings
    const agent = c.agentName
    const title = agent ?? t.title
    const status = c.online ? (agent ? t.online : t.replyTime) : t.away
    // Without a connection the team's last known status is not claimed as current: the dot is
    // grey and the banner says what is going on, thread or not.
    const down = c.link === 'down'
    return html`<section id="panel" class="panel" role="dialog" aria-labelledby="title">
      <header>
        <div class="avatar" aria-hidden="true">${agent ? initials(agent) : icon.chat}</div>
        <div class="who">
          <h2 id="title">${title}</h2>
          <p class="status"><span class="dot ${c.online && !down ? 'on' : 'off'}"></span>${status}</p>
        </div>
        <button class="icon-button" type="button" aria-label=${t.closeChat} @click=${() => this.hide()}>${icon.down}</button>
      </header>
      ${down
        ? html`<p class="banner" role="status">${t.reconnecting}</p>`
        : c.slowedUntil
          ? html`<p class="banner" role="status">${c.slowedFor === 'server' ? t.sendingSoon : t.slowDown}</p>`
          : nothing}
      ${this.showForm ? this.renderForm() : this.renderChat()}
    </section>`
  }

  private renderForm() {
    return html`<div class="scroll form">
      <parley-contact-form
        .strings=${this.strings}
        .intro=${this.chat!.appearance.offlineMessage}
        .failed=${this.contactFailed}
        ?busy=${this.contactBusy}
        @parley-contact=${this.onContact}
      ></parley-contact-form>
    </div>`
  }

  private async sendTranscript() {
    this.transcriptState = { state: 'busy' }
    try {
      this.transcriptState = { state: 'sent', to: await this.chat!.transcript(this.lang2) }
    } catch {
      this.transcriptState = { state: 'failed' }
    }
  }

  // #16 ratings
  private onRate = (e: ParleyRateEvent) => this.rate(e.currentTarget as ParleyRating, e.score, e.comment)

  private async rate(form: ParleyRating, score: number, comment: string) {
    this.ratingState = 'busy'
    try {
      await this.chat!.rate(score, comment)
      this.ratingState = 'idle'
      form.done()
    } catch {
      this.ratingState = 'failed'
    }
  }

  private sendPendingRating(leaving: boolean) {
    const form = this.renderRoot?.querySelector('parley-rating')
    const r = form?.pending()
    if (!form || !r || !this.chat) return
    if (leaving) void this.chat.rate(r.score, r.comment, true).catch(() => {})
    else void this.rate(form, r.score, r.comment)
  }

  private renderRating() {
    const c = this.chat!
    const conversation = c.conversation
    if (!conversation || conversation.status !== 'resolved' || c.ratingMode === 'off') return nothing
    const given = conversation.rating && conversation.rating.scale === c.ratingMode ? conversation.rating.score : null
    return html`<parley-rating
      .strings=${this.strings}
      .mode=${c.ratingMode}
      .given=${given}
      .state=${this.ratingState}
      @parley-rate=${this.onRate}
    ></parley-rating>`
  }

  private renderTranscript() {
    const c = this.chat!
    const t = this.strings
    const s = this.transcriptState
    if (s.state === 'sent') return html`<p class="note" role="status" data-state="transcript-sent">${t.transcriptSent(s.to)}</p>`
    if (!c.transcriptTo || c.items.length === 0) return nothing
    return html`<p class="note transcript">
      <button class="link" type="button" data-action="transcript" ?disabled=${s.state === 'busy'} @click=${this.sendTranscript}>${t.transcriptAsk}</button>
      ${s.state === 'failed' ? html`<span role="alert">${t.transcriptFailed}</span>` : nothing}
    </p>`
  }

  private renderChat() {
    const c = this.chat!
    const t = this.strings
    const items = c.items
    const typing = c.agentTyping
    return html`<div class="scroll" tabindex="0" aria-label=${t.messages} @scroll=${this.onListScroll}>
        <ol class="messages">
          <li class="row agent first last greeting">
            <div class="mini-avatar" aria-hidden="true">${icon.chat}</div>
            <div class="stack"><div class="bubble" dir="auto">${c.appearance.greeting || t.greeting}</div></div>
          </li>
          ${repeat(items, (m) => m.key, (m, i) => this.renderItem(m, items[i - 1], items[i + 1]))}
        </ol>
        ${this.thanks ? html`<p class="note">${t.thanks(this.thanks)}</p>` : nothing}
        ${c.conversation?.status === 'resolved' ? html`<p class="note" role="status" data-state="resolved">${t.resolvedNote}</p>` : nothing}
        ${this.renderRating()}
        ${this.renderTranscript()}
        ${c.configLoaded && !c.online && !c.canEmail ? html`<p class="note" data-state="offline-chat">${t.offlineInChat}</p>` : nothing}
        ${typing !== null
          ? html`<div class="typing">
              <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
              <span>${typing ? t.typing(typing) : t.someoneTyping}</span>
            </div>`
          : nothing}
      </div>
      ${c.asksForGroup
        ? html`<div class="prechat-group">
            <label for="parley-group">${t.groupChoose}</label>
            <select id="parley-group" data-prechat-group aria-describedby=${this.groupMissing ? 'parley-group-msg' : nothing}
              aria-invalid=${this.groupMissing ? 'true' : 'false'}
              @change=${(e: Event) => {
                this.groupPick = (e.target as HTMLSelectElement).value
                this.groupMissing = false
              }}>
              <option value="" ?selected=${!this.groupPick}>${t.groupPlaceholder}</option>
              ${c.groups.map((g) => html`<option value=${g.key} ?selected=${g.key === this.groupPick}>${g.name}</option>`)}
            </select>
            ${this.groupMissing ? html`<span class="prechat-error" id="parley-group-msg" role="alert">${t.groupRequired}</span>` : nothing}
          </div>`
        : nothing}
      <form class="composer" @submit=${this.submit}>
        <textarea
          rows="1"
          dir="auto"
          maxlength="5000"
          placeholder=${t.placeholder}
          aria-label=${t.placeholder}
          @keydown=${this.onComposerKey}
          @input=${this.onInput}
        ></textarea>
        <button class="send" type="submit" aria-label=${t.send}>${icon.send}</button>
      </form>`
  }

  private renderItem(m: ChatItem, prev: ChatItem | undefined, next: ChatItem | undefined) {
    const t = this.strings
    const same = (a: ChatItem | undefined, b: ChatItem) =>
      !!a && a.author === b.author && a.authorName === b.authorName && Math.abs(b.at - a.at) < GROUP_GAP
    const first = !same(prev, m)
    const last = !same(next, m)
    const time = new Intl.DateTimeFormat(localeFor(this.lang2), { hour: 'numeric', minute: '2-digit' }).format(m.at)
    const showMeta = last || (m.state !== null && next?.state !== m.state)
    const stateLabel = m.state ? { sending: t.sending, sent: t.sent, delivered: t.delivered, failed: t.failed }[m.state] : ''
    const stateIcon = m.state === 'sending' ? icon.clock : m.state === 'delivered' ? icon.checks : m.state === 'sent' ? icon.check : nothing
    const name = m.author === 'agent' ? (m.authorName ?? t.team) : ''
    return html`<li class="row ${m.author} ${first ? 'first' : ''} ${last ? 'last' : ''}" data-state=${m.state ?? ''}>
      ${m.author === 'agent'
        ? html`<div class="mini-avatar" aria-hidden="true">${last ? initials(name) : ''}</div>`
        : nothing}
      <div class="stack">
        ${m.author === 'agent' && first ? html`<span class="author">${name}</span>` : nothing}
        ${m.body || m.attachments.length === 0 ? html`<div class="bubble" dir="auto">${linkified(m.body)}</div>` : nothing}
        ${m.attachments.length
          ? html`<div class="files">
              ${m.attachments.map((f) => html`<parley-chat-file .file=${f} .source=${this.chat} .strings=${t} locale=${localeFor(this.lang2)}></parley-chat-file>`)}
            </div>`
          : nothing}
        ${showMeta
          ? html`<span class="meta"
              ><time datetime=${new Date(m.at).toISOString()}>${time}</time
              >${m.state
                ? html`<span class="state ${m.state}">${stateIcon}${stateLabel}</span>${m.state === 'failed'
                      ? html`<button class="link" type="button" @click=${() => this.chat?.retry(m.clientId!)}>${t.retry}</button>`
                      : nothing}`
                : nothing}</span
            >`
          : nothing}
      </div>
    </li>`
  }
}

if (!customElements.get('parley-chat')) customElements.define('parley-chat', ParleyChat)
