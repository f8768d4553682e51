import { html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import type { Conversation, ConversationEvent, Message } from '../../../server/realtime/wire.ts'
import type { PendingMessage } from '../stores/thread.ts'
import { canAssign, canResolve, canTake } from '../permissions.ts'
import '../tag-picker/tag-picker.ts'
import '../transfer-menu/transfer-menu.ts'
import { clockTime, dayLabel, dateTime } from '../format.ts'
import { alertIcon, backIcon, checkIcon, clockIcon, doubleCheckIcon, panelIcon, paperclipIcon } from '../icons.ts'
import { channelIcon, visitorLabel } from '../conversation-list/conversation-list.ts'
import { ComposerModeEvent, ComposerSendEvent, ComposerTypingEvent, type ParleyComposer } from '../composer/composer.ts'
import '../composer/composer.ts'
import '../messenger-window/messenger-window.ts'
import '../attachment-list/attachment-list.ts'
import { threadStyles } from './thread.styles.ts'
import { linkified } from '../../shared/links.ts'
import { collision, eventLine, storyStyles } from './story.render.ts'
import type { Note } from '../../../server/realtime/wire.ts'
import { composerLabels, noteItem, ratingItem, threadNoteStyles } from '../thread-notes/thread-notes.ts' // #16
import { SearchStore, backHash } from '../stores/search.ts' // #16 search
import { printIcon } from '../icons.ts'

/** Show or hide the visitor panel (it is a drawer on narrow screens). */
export class ToggleVisitorPanelEvent extends Event {
  static readonly type = 'parley-toggle-visitor-panel'
  constructor() {
    super(ToggleVisitorPanelEvent.type, { bubbles: true, composed: true })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'parley-toggle-visitor-panel': ToggleVisitorPanelEvent
  }
  interface HTMLElementTagNameMap {
    'parley-thread': ParleyThread
  }
}

type Item =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; m: Message }
  | { kind: 'event'; key: string; e: ConversationEvent }
  | { kind: 'pending'; key: string; p: PendingMessage }
  | { kind: 'note'; key: string; n: Note } // #16

/** One conversation: header with its actions, the messages, typing, and the composer. */
export class ParleyThread extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings', 'lists', 'thread', 'visitor', 'team']
  static override properties = {
    busy: { state: true },
    actionError: { state: true },
    skipEmail: { state: true },
    narrow: { type: Boolean, reflect: true },
    panelOpen: { type: Boolean, attribute: 'panel-open' },
    writingNote: { state: true }, // #16
  }
  static override styles = [tokens, controls, threadStyles, storyStyles, threadNoteStyles]

  declare busy: boolean
  declare actionError: string
  /** Conversations where the agent turned off "also e-mail" for their replies (this page view). */
  declare skipEmail: Set<string>
  declare narrow: boolean
  /** Whether the visitor panel beside (or the drawer over) the thread is shown: its toggle says so. */
  declare panelOpen: boolean
  /** #16: the composer is on Note: what a reply would do (e-mail copy, unreachable visitor) does not apply. */
  declare writingNote: boolean
  private stickToBottom = true
  private shownId: string | null = null
  /**
   * The newest message of the shown conversation when it had loaded, and what arrived after it from
   * anyone but me, for screen readers: the thread itself is not a live region, or opening a
   * conversation (and each "load earlier") would read out its whole history, and my own replies twice.
   */
  private heard: { id: string; seq: number } | null = null
  private arrived = ''

  constructor() {
    super()
    this.busy = false
    this.actionError = ''
    this.skipEmail = new Set()
    this.narrow = false
    this.panelOpen = false
    this.writingNote = false
    this.addEventListener(ComposerModeEvent.type, (e) => (this.writingNote = e.note))
    this.addEventListener(ComposerSendEvent.type, (e) => {
      const id = this.lists.selectedId
      const c = this.conversation
      // #16: a private note goes to the notes, never through the message path (and carries no files)
      if (id && e.note) void this.act(() => this.team.addNote(id, e.body))
      else if (id) this.thread.sendMessage(id, e.body, c && this.emailCopyTo(c) ? !this.skipEmail.has(id) : undefined, e.attachments)
      this.stickToBottom = true
    })
    this.addEventListener(ComposerTypingEvent.type, (e) => {
      const id = this.lists.selectedId
      if (id) this.thread.sendTyping(id, e.typing)
    })
  }

  /**
   * A web chat whose visitor has left but left an address: replies can follow them by e-mail
   * (the server sends the copy unless the agent turns it off). Null when that does not apply.
   */
  private emailCopyTo(c: Conversation): string | null {
    if (c.channel !== 'web' || !this.settings.emailOutbound) return null
    const visitor = this.visitor.visitors.get(c.visitor.id)
    const email = visitor?.email ?? c.visitor.email
    if (!email || !visitor || visitor.online) return null
    return email
  }

  private emailCopy(c: Conversation) {
    const to = this.emailCopyTo(c)
    if (!to) return nothing
    const on = !this.skipEmail.has(c.id)
    const toggle = (e: Event) => {
      const next = new Set(this.skipEmail)
      if ((e.target as HTMLInputElement).checked) next.delete(c.id)
      else next.add(c.id)
      this.skipEmail = next
    }
    return html`<label class="email-copy">
      <input type="checkbox" .checked=${on} @change=${toggle} />
      <span>${this.session.t('composer.alsoEmail', { email: to })}</span>
    </label>`
  }

  /**
   * A web chat whose visitor has left and whom Parley cannot e-mail (no address, or no SMTP): the
   * reply only waits in the chat, and the agent is told so before sending it.
   */
  private unreachable(c: Conversation) {
    if (c.channel !== 'web' || this.emailCopyTo(c)) return nothing
    const visitor = this.visitor.visitors.get(c.visitor.id)
    if (!visitor || visitor.online) return nothing
    const why = visitor.email ?? c.visitor.email ? 'mailNotify.leftNoSmtp' : 'mailNotify.leftNoEmail'
    return html`<p class="unreachable" role="note" data-state="unreachable">${this.session.t(why)}</p>`
  }

  private get conversation(): Conversation | null {
    const id = this.lists.selectedId
    return id ? (this.lists.conversations.get(id) ?? null) : null
  }

  private async act(fn: () => Promise<void>) {
    this.busy = true
    this.actionError = ''
    try {
      await fn()
    } catch (e) {
      this.actionError = this.session.errorText(e)
    } finally {
      this.busy = false
    }
  }

  private onScroll(e: Event) {
    const el = e.target as HTMLElement
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed)
    if (!this.hasStore) return
    const c = this.conversation
    const thread = c ? this.thread.threads.get(c.id) : undefined
    if (!c || !thread || thread.loading) {
      if (c?.id !== this.heard?.id) {
        this.heard = null
        this.arrived = ''
      }
      return
    }
    const last = thread.messages.at(-1)?.seq ?? 0
    if (this.heard?.id !== c.id) {
      this.heard = { id: c.id, seq: last }
      this.arrived = ''
      return
    }
    const after = this.heard.seq
    if (last <= after) return
    this.heard = { id: c.id, seq: last }
    const t = this.session.t
    const me = this.session.me?.id
    const fresh = thread.messages.filter((m) => m.seq > after && m.authorType !== 'system' && !(m.authorType === 'agent' && m.authorId === me))
    if (fresh.length === 0) return
    this.arrived = fresh
      .map((m) => {
        const who = m.authorType === 'visitor' ? visitorLabel(c, t) : (m.authorName ?? (m.channel === 'messenger' ? t('messenger.fromMetaInbox') : ''))
        const text = m.body || m.attachments.map((a) => a.filename).join(', ')
        return who ? `${who}: ${text}` : text
      })
      .join('\n')
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed)
    const id = this.lists.selectedId
    const list = this.renderRoot.querySelector<HTMLElement>('.messages')
    if (id !== this.shownId) {
      this.shownId = id
      this.stickToBottom = true
      if (id) void this.updateComplete.then(() => this.renderRoot.querySelector<ParleyComposer>('parley-composer')?.focus())
    }
    if (list && this.stickToBottom) list.scrollTop = list.scrollHeight
  }

  private items(c: Conversation): Item[] {
    const { lang } = this.session
    const thread = this.thread.threads.get(c.id)
    const out: Item[] = []
    let lastDay = ''
    const day = (iso: string) => {
      const d = new Date(iso).toDateString()
      if (d !== lastDay) {
        lastDay = d
        out.push({ kind: 'day', key: `day-${d}`, label: dayLabel(iso, lang) })
      }
    }
    const messages = thread?.messages ?? []
    // System events sit after the message they followed; those before the loaded page wait for it.
    const from = thread?.hasEarlier && messages[0] ? messages[0].seq - 1 : 0
    const events = this.thread.story.eventsOf(c.id).filter((e) => e.afterSeq >= from)
    // #16: notes take their place among the messages by time
    const notes = this.team.notesFor(c.id)
    let i = 0
    let ni = 0
    /** What happened between two messages: the events after the earlier one and the notes written before the later one, by time. */
    const gap = (seq: number, before: string | null) => {
      const between: Item[] = []
      for (; i < events.length && events[i]!.afterSeq <= seq; i++) between.push({ kind: 'event', key: events[i]!.id, e: events[i]! })
      for (; ni < notes.length && (before === null || notes[ni]!.createdAt < before); ni++) between.push({ kind: 'note', key: notes[ni]!.id, n: notes[ni]! })
      const at = (x: Item) => (x.kind === 'event' ? x.e.createdAt : x.kind === 'note' ? x.n.createdAt : '')
      for (const x of between.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0))) {
        day(at(x))
        out.push(x)
      }
    }
    for (const m of messages) {
      gap(m.seq - 1, m.createdAt)
      day(m.createdAt)
      out.push({ kind: 'message', key: m.id, m })
    }
    gap(Number.MAX_SAFE_INTEGER, null)
    for (const p of this.thread.pendingFor(c.id)) {
      day(p.createdAt)
      out.push({ kind: 'pending', key: p.clientId, p })
    }
    return out
  }

  private delivery(m: Message) {
    const t = this.t
    switch (m.deliveryStatus) {
      case 'pending':
        return html`<span class="state" title=${t('delivery.pending')}>${clockIcon(12)}<span class="sr-only">${t('delivery.pending')}</span></span>`
      case 'sent':
        return html`<span class="state sent" title=${t('delivery.sent')}>${checkIcon(12)}<span class="sr-only">${t('delivery.sent')}</span></span>`
      case 'delivered':
        return html`<span class="state delivered" title=${t('delivery.delivered')}>${doubleCheckIcon(14)}<span class="sr-only">${t('delivery.delivered')}</span></span>`
      case 'failed':
        return html`<span class="state failed">${alertIcon(12)} ${t('delivery.failed')}</span>`
      default:
        return nothing
    }
  }

  /**
   * Under a failed reply: why, in the agent's language, and the retry button where the channel has
   * one. The channel's own answer (SMTP's reply, Meta's error) is protocol text, so the owner, who
   * can act on it, sees it quoted after the sentence and never as the sentence.
   */
  private failure(m: Message) {
    const t = this.t
    const code = m.deliveryCode ?? 'other'
    const retryPath =
      m.channel === 'email'
        ? `/api/conversations/${m.conversationId}/messages/${m.id}/retry`
        : m.channel === 'messenger'
          ? `/api/conversations/${m.conversationId}/messenger/messages/${m.id}/retry`
          : null
    const detail = m.deliveryError && this.session.me?.role === 'owner' ? m.deliveryError : null
    return html`<div class="failure" data-delivery-code=${code}>
      <p><span data-reason>${t(`deliveryFailure.${code}`)}</span>${detail ? html` <q class="detail" data-detail>${detail}</q>` : nothing}</p>
      ${retryPath
        ? html`<button class="btn small" data-action=${m.channel === 'email' ? 'retry-mail' : 'retry-messenger'} ?disabled=${this.busy}
            @click=${() => this.act(() => this.session.api.post(retryPath).then(() => {}))}>${t('action.retry')}</button>`
        : nothing}
    </div>`
  }

  private message(m: Message) {
    const { lang } = this.session
    const mine = m.authorType === 'agent'
    const failed = mine && m.deliveryStatus === 'failed'
    return html`<div class="msg ${m.authorType} ${failed ? 'failed' : ''}" data-seq=${m.seq}>
      ${m.body || m.attachments.length === 0 ? html`<div class="bubble" dir="auto">${linkified(m.body)}</div>` : nothing}
      ${m.attachments.length
        ? html`<parley-attachment-list conversation-id=${m.conversationId} message-id=${m.id} .files=${m.attachments}></parley-attachment-list>`
        : nothing}
      <div class="meta">
        ${mine && m.authorName ? html`<span>${m.authorName} ·</span>` : nothing}
        ${mine && !m.authorId && m.channel === 'messenger' ? html`<span>${this.t('messenger.fromMetaInbox')} ·</span>` : nothing}
        <time datetime=${m.createdAt} title=${dateTime(m.createdAt, lang)}>${clockTime(m.createdAt, lang)}</time>
        ${mine ? this.delivery(m) : nothing}
      </div>
      ${failed ? this.failure(m) : nothing}
    </div>`
  }

  private pending(p: PendingMessage) {
    const t = this.t
    const failed = p.state === 'failed'
    return html`<div class="msg agent ${failed ? 'failed' : 'pending'}" data-client-id=${p.clientId}>
      ${p.body || !p.attachments?.length ? html`<div class="bubble" dir="auto">${linkified(p.body)}</div>` : nothing}
      ${p.attachments?.length
        ? html`<ul class="pending-files">${p.attachments.map((f) => html`<li>${paperclipIcon(12)} ${f.filename}</li>`)}</ul>`
        : nothing}
      <div class="meta">
        ${failed
          ? html`<span class="state failed">${alertIcon(12)} ${p.error ?? t('delivery.failed')}</span>
              <button class="btn small ghost" @click=${() => this.thread.retry(p.clientId)}>${t('action.retry')}</button>
              <button class="btn small ghost" @click=${() => this.thread.discard(p.clientId)}>${t('action.discard')}</button>`
          : html`<span class="state">${clockIcon(12)} ${this.session.connection === 'open' ? t('delivery.sending') : t('delivery.queued')}</span>`}
      </div>
    </div>`
  }

  private header(c: Conversation) {
    const t = this.session.t
    const me = this.session.me!
    const name = visitorLabel(c, t)
    const channel = t(`channel.${c.channel}`)
    const assignable = this.session.agents.filter((a) => a.active)
    const mayResolve = canResolve(me, c)
    const assignOptions = assignable.filter((a) => a.id === c.assignee?.id || canAssign(me, c, a.id))
    const mayUnassign = c.assignee !== null && canAssign(me, c, null)
    return html`<header>
      <button class="btn ghost narrow-only" @click=${() => (location.hash = backHash(location.hash))} aria-label=${t('thread.back')}>${backIcon()}</button>
      <div class="who">
        <h2>${channelIcon(c.channel, t)}<span class="title">${name}</span>
          <span class="badge ${c.status}">${c.status === 'open' ? t('status.open') : t('status.resolved')}</span></h2>
        <div class="sub">
          <span>${channel}</span>
          ${c.visitor.email ? html`<span title=${c.visitor.email}>${c.visitor.email}</span>` : nothing}
          ${c.group ? html`<span data-group>${t('thread.group')}: ${c.group.name}</span>` : nothing}
        </div>
        <parley-tag-picker class="tags" .conversation=${c}></parley-tag-picker>
      </div>
      <div class="actions">
        ${canTake(me, c)
          ? html`<button class="btn" data-action="take" ?disabled=${this.busy} @click=${() => this.act(() => this.lists.take(c.id))}>${t('action.take')}</button>`
          : nothing}
        ${c.status === 'open' && (assignOptions.length > 0 || mayUnassign)
          ? html`<label class="assign"><span class="assign-label">${t('thread.assignee')}</span>
              <select data-action="assign" ?disabled=${this.busy}
                @change=${(e: Event) => {
                  const v = (e.target as HTMLSelectElement).value
                  void this.act(() => this.lists.assign(c.id, v === '' ? null : v))
                }}>
                <option value="" ?selected=${!c.assignee} ?disabled=${!mayUnassign && c.assignee !== null}>${t('thread.nobody')}</option>
                ${c.assignee && !assignOptions.some((a) => a.id === c.assignee!.id)
                  ? html`<option value=${c.assignee.id} selected>${c.assignee.name}</option>`
                  : nothing}
                ${assignOptions.map(
                  (a) => html`<option value=${a.id} ?selected=${a.id === c.assignee?.id}>${a.id === me.id ? `${a.name} (${t('list.you')})` : a.name}${a.presence === 'online' ? '' : ` · ${t(`status.${a.presence}`)}`}</option>`,
                )}
              </select></label>`
          : c.assignee
            ? html`<span class="assign">${t('thread.assignee')}: ${c.assignee.name}</span>`
            : nothing}
        <parley-transfer-menu .conversation=${c}></parley-transfer-menu>
        ${mayResolve && c.status === 'open'
          ? html`<button class="btn success" data-action="resolve" ?disabled=${this.busy} @click=${() => this.act(() => this.lists.resolve(c.id))}>${checkIcon()} ${t('action.resolve')}</button>`
          : nothing}
        ${mayResolve && c.status === 'resolved'
          ? html`<button class="btn" data-action="reopen" ?disabled=${this.busy} @click=${() => this.act(() => this.lists.reopen(c.id))}>${t('action.reopen')}</button>`
          : nothing}
      </div>
      <div class="tools">
        <a class="btn ghost print" data-action="print" href=${SearchStore.transcriptHref(c.id)} target="_blank" rel="noopener"
          aria-label=${t('thread.print')} title=${t('thread.print')}>${printIcon()}</a>
        <button class="btn ghost panel-toggle" @click=${() => this.dispatchEvent(new ToggleVisitorPanelEvent())}
          aria-label=${t('visitor.title')} title=${t('visitor.title')} aria-expanded=${this.panelOpen ? 'true' : 'false'}>${panelIcon()}</button>
      </div>
    </header>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.session.t
    const c = this.conversation
    const id = this.lists.selectedId
    if (!id) {
      return html`<div class="placeholder"><h2>${t('thread.emptyTitle')}</h2><p>${t('thread.emptyHint')}</p></div>`
    }
    const thread = this.thread.threads.get(id)
    if (!c) {
      return html`<div class="placeholder">${thread?.error ? html`<p role="alert">${thread.error}</p>` : html`<p>${t('state.loading')}</p>`}</div>`
    }
    const typing = this.thread.typingIn(c.id)
    return html`
      ${this.header(c)}
      ${this.actionError ? html`<div class="error-line" role="alert">${this.actionError}</div>` : nothing}
      <div class="messages" tabindex="0" @scroll=${this.onScroll} role="log" aria-live="off" aria-label=${t('thread.messages')}>
        ${thread?.hasEarlier
          ? html`<button class="btn small earlier" ?disabled=${thread.loading} @click=${() => {
              this.stickToBottom = false
              void this.thread.loadEarlier(c.id)
            }}>${t('thread.loadEarlier')}</button>`
          : nothing}
        ${thread?.loading && thread.messages.length === 0 ? html`<p class="muted">${t('state.loading')}</p>` : nothing}
        ${thread?.error ? html`<p class="error" role="alert">${thread.error}</p>` : nothing}
        ${repeat(
          this.items(c),
          (i) => i.key,
          (i) =>
            i.kind === 'day'
              ? html`<div class="day">${i.label}</div>`
              : i.kind === 'message'
                ? this.message(i.m)
                : i.kind === 'event'
                  ? eventLine(i.e, t, this.session.lang)
                  : i.kind === 'note'
                    ? noteItem(i.n, t, this.session.lang, this.session.agents)
                    : this.pending(i.p),
        )}
        ${ratingItem(c, this.team.ratingFor(c), t)}
      </div>
      <p class="sr-only" role="status" data-arrived>${this.arrived}</p>
      ${collision(this.thread.story.colleaguesIn(c.id), t)}
      <div class="typing" aria-live="polite">
        ${typing
          ? html`<span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>
              ${typing.who === 'visitor' ? t('thread.visitorTyping', { name: visitorLabel(c, t) }) : t('thread.agentTyping', { name: typing.name ?? '' })}`
          : nothing}
      </div>
      ${this.writingNote ? nothing : html`${this.emailCopy(c)}${this.unreachable(c)}`}
      ${c.channel === 'messenger' ? html`<parley-messenger-window conversation-id=${c.id} last=${String(c.lastMessage.at)}></parley-messenger-window>` : nothing}
      <parley-composer conversation-id=${c.id} placeholder=${t('composer.placeholder')} hint=${t('composer.hint')}
        send-label=${t('composer.send')} label=${t('composer.label')} .api=${this.session.api} .t=${t}
        .labels=${composerLabels(t)} .canned=${this.team.cannedList()} .agents=${this.session.agents.filter((a) => a.active && a.id !== this.session.me?.id)}
        .fill=${{ visitorName: this.visitor.visitors.get(c.visitor.id)?.name ?? c.visitor.name, visitorEmail: this.visitor.visitors.get(c.visitor.id)?.email ?? c.visitor.email, agentName: this.session.me?.name ?? '', fallback: t('canned.visitorFallback') }}></parley-composer>
    `
  }
}

customElements.define('parley-thread', ParleyThread)
