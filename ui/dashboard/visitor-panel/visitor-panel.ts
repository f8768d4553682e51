import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import type { Conversation, Visitor } from '../../../server/realtime/wire.ts'
import { JUST_NOW_S, ago, dateTime, avatarColor, initials } from '../format.ts'
import { checkIcon, mailIcon, pencilIcon } from '../icons.ts'
import { visitorLabel } from '../conversation-list/conversation-list.ts'
import { cardStyles, panelStyles } from './visitor-panel.styles.ts'
import { browserText, flag, placeName, supportsFlagEmoji, withVersion } from './card.ts'
import '../visitor-activity/visitor-activity.ts'
import '../visitor-conversations/visitor-conversations.ts'
import '../visitor-recordings/visitor-recordings.ts'
import '../visitor-block/visitor-block.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-visitor-panel': ParleyVisitorPanel
  }
}

type Field = 'name' | 'email' | 'phone'

/**
 * The visitor card: who the visitor is (name, e-mail and phone edited in place; Enter saves,
 * Escape cancels; whether we can e-mail them; the site's verified user id), a note every agent
 * sees, where they are and have been (<parley-visitor-activity>), where from and with what,
 * customer info from the site, and their other conversations (<parley-visitor-conversations>).
 * Everything follows the `visitor` frames, so other agents' edits and page views show live.
 */
export class ParleyVisitorPanel extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'lists', 'visitor']
  static override properties = {
    editing: { state: true },
    saving: { state: true },
    fieldError: { state: true },
    noteDraft: { state: true },
    noteError: { state: true },
    noteSaved: { state: true },
    messengerPage: { state: true },
  }
  static override styles = [tokens, controls, cardStyles, panelStyles]

  declare editing: Field | null
  declare saving: boolean
  declare fieldError: string
  /** null while the note is not being edited (the textarea shows the stored note). */
  declare noteDraft: string | null
  declare noteError: string
  declare noteSaved: boolean
  /** The Messenger page a Messenger conversation is with: its identity on the card. */
  declare messengerPage: { conversationId: string; name: string | null } | null
  private visitorId: string | null = null

  constructor() {
    super()
    this.editing = null
    this.saving = false
    this.fieldError = ''
    this.noteDraft = null
    this.noteError = ''
    this.noteSaved = false
    this.messengerPage = null
  }

  private get conversation(): Conversation | null {
    const id = this.lists.selectedId
    return id ? (this.lists.conversations.get(id) ?? null) : null
  }

  protected override willUpdate(): void {
    if (!this.hasStore) return
    const vid = this.conversation?.visitor.id ?? null
    if (vid !== this.visitorId) {
      // A conversation can move to another visitor (a verified identity brings devices together).
      if (vid && this.visitorId !== null && !this.visitor.visitors.has(vid) && !this.visitor.visitorErrors.has(vid)) void this.visitor.loadVisitor(vid)
      this.visitorId = vid
      this.editing = null
      this.fieldError = ''
      this.noteDraft = null
      this.noteError = ''
      this.noteSaved = false
    }
    const c = this.conversation
    if (c?.channel === 'messenger' && this.messengerPage?.conversationId !== c.id) {
      this.messengerPage = { conversationId: c.id, name: null }
      void this.session.api
        .get<{ pageName: string | null }>(`/api/conversations/${c.id}/messenger`)
        .then((w) => {
          if (this.messengerPage?.conversationId === c.id) this.messengerPage = { conversationId: c.id, name: w.pageName }
        })
        // Without the page's name the card still says Messenger; the thread shows any real trouble.
        .catch(() => {})
    }
  }

  private errorFor(e: unknown, field: Field | 'note'): string {
    const t = this.t
    if (e instanceof ApiError && e.status === 400) {
      if (e.code === 'request.invalid_email' || (e.field === 'email' && field === 'email')) return t('error.email')
      if (e.code === 'request.too_long') return t('error.tooLong')
      if (field === 'phone') return t('error.phone')
      return t('error.invalid')
    }
    return this.session.errorText(e)
  }

  private startEdit(field: Field) {
    this.editing = field
    this.fieldError = ''
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>(`input[name=${field}]`)
      input?.focus()
      input?.select()
    })
  }

  private async saveField(v: Visitor, field: Field, raw: string) {
    const value = raw.trim()
    if ((v[field] ?? '') === value) {
      this.editing = null
      return
    }
    this.saving = true
    this.fieldError = ''
    try {
      await this.visitor.updateVisitor(v.id, { [field]: value === '' ? null : value })
      this.editing = null
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-field=${field}]`)?.focus())
    } catch (e) {
      this.fieldError = this.errorFor(e, field)
    } finally {
      this.saving = false
    }
  }

  private async saveNote(v: Visitor) {
    if (this.noteDraft === null) return
    this.saving = true
    this.noteError = ''
    try {
      await this.visitor.updateVisitor(v.id, { note: this.noteDraft })
      this.noteDraft = null
      this.noteSaved = true
    } catch (e) {
      this.noteError = this.errorFor(e, 'note')
    } finally {
      this.saving = false
    }
  }

  private field(v: Visitor, field: Field, label: string, type: string) {
    const t = this.t
    const value = v[field]
    if (this.editing === field) {
      const submit = (e: Event) => {
        e.preventDefault()
        const input = this.renderRoot.querySelector<HTMLInputElement>(`input[name=${field}]`)
        void this.saveField(v, field, input?.value ?? '')
      }
      return html`<div class="row"><dt><label for=${`f-${field}`}>${label}</label></dt><dd>
        <form class="edit" @submit=${submit} novalidate>
          <input id=${`f-${field}`} class="input" name=${field} type=${type} .value=${value ?? ''}
            aria-invalid=${this.fieldError ? 'true' : 'false'} aria-describedby=${`e-${field}`}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Escape') {
                e.preventDefault()
                this.editing = null
                this.fieldError = ''
              }
            }} />
          ${this.fieldError ? html`<span class="error" id=${`e-${field}`} role="alert">${this.fieldError}</span>` : nothing}
          <div class="buttons">
            <button class="btn small primary" type="submit" ?disabled=${this.saving}>${t('action.save')}</button>
            <button class="btn small" type="button" @click=${() => {
              this.editing = null
              this.fieldError = ''
            }}>${t('action.cancel')}</button>
          </div>
        </form>
      </dd></div>`
    }
    return html`<div class="row"><dt>${label}</dt><dd>
      <button class="value" data-field=${field} @click=${() => this.startEdit(field)}
        aria-label=${`${value || t('visitor.unset')}, ${t('visitor.edit', { field: label })}`}>
        ${value ? html`<span>${value}</span>` : html`<span class="unset">${t('visitor.unset')}</span>`}
        <span class="pen">${pencilIcon()}</span>
      </button>
    </dd></div>`
  }

  /** "Can we e-mail them?", in words: whether an address is known, and who gave it. */
  private reach(v: Visitor) {
    const t = this.t
    const source = v.emailSource ?? null
    const text = !v.email
      ? t('visitor.reach.no')
      : source === 'contact_form'
        ? t('visitor.reach.contactForm')
        : source === 'site'
          ? t('visitor.reach.site')
          : source === 'agent'
            ? t('visitor.reach.agent')
            : source === 'email'
              ? t('visitor.reach.email')
              : t('visitor.reach.yes')
    return html`<div class="row"><dt>${t('visitor.reach')}</dt><dd>
      <div class="reach ${v.email ? 'yes' : 'no'}" data-email-reach=${v.email ? (source ?? 'unknown') : 'none'}>${v.email ? checkIcon(14) : mailIcon(14)}<span>${text}</span></div>
    </dd></div>`
  }

  private visit(v: Visitor) {
    const t = this.t
    const loc = v.location ?? null
    const attribution = this.visitor.meta?.geoAttribution
    return html`<section aria-labelledby="visit-h">
      <h3 id="visit-h">${t('visitor.visit')}</h3>
      <dl class="facts">
        <dt>${t('visitor.location')}</dt>
        <dd data-location=${loc ? loc.countryCode : 'unknown'}>${loc
          ? html`${supportsFlagEmoji()
              ? html`<span class="flag" aria-hidden="true">${flag(loc.countryCode)}</span>`
              : html`<span class="flag cc" aria-hidden="true">${loc.countryCode.toUpperCase()}</span>`}${placeName(loc, this.session.lang)}`
          : html`<span class="muted">${t('visitor.unknown')}</span>`}</dd>
        <dt>${t('visitor.browser')}</dt>
        <dd data-browser>${browserText(v.browser, t) ?? html`<span class="muted">${t('visitor.unknown')}</span>`}</dd>
        <dt>${t('visitor.os')}</dt>
        <dd data-os>${withVersion(v.os) ?? html`<span class="muted">${t('visitor.unknown')}</span>`}</dd>
        ${v.ip ? html`<dt>${t('visitor.ip')}</dt><dd class="mono">${v.ip}</dd>` : nothing}
      </dl>
      ${attribution ? html`<p class="hint" data-attribution>${attribution}</p>` : nothing}
    </section>`
  }

  /**
   * A visitor who writes by Messenger or e-mail has no location, device, pages or recordings: the
   * card says who they are on that channel instead of a column of "Unknown".
   */
  private channelIdentity(c: Conversation, v: Visitor) {
    const t = this.t
    return html`<section aria-labelledby="identity-h" data-channel-identity=${c.channel}>
      <h3 id="identity-h">${t(`channel.${c.channel}`)}</h3>
      <dl class="facts">
        ${c.channel === 'messenger'
          ? html`<dt>${t('visitor.messengerPage')}</dt><dd data-messenger-page>${this.messengerPage?.name ?? html`<span class="muted">…</span>`}</dd>`
          : html`<dt>${t('field.email')}</dt><dd data-identity-email>${v.email ?? c.visitor.email ?? html`<span class="muted">${t('visitor.unknown')}</span>`}</dd>`}
      </dl>
      <p class="hint">${t('visitor.webOnly')}</p>
    </section>`
  }

  private customer(v: Visitor) {
    const t = this.t
    const vars = Object.entries(v.variables ?? {})
    if (vars.length === 0) return nothing
    return html`<section aria-labelledby="customer-h" class="customer">
      <h3 id="customer-h">${t('visitor.customer')}<span class="source badge open">${t('visitor.fromSite')}</span></h3>
      <dl class="facts" data-customer>
        ${vars.map(([key, x]) => html`<dt data-key=${key}>${x.label}</dt><dd data-key=${key}>${x.value}</dd>`)}
      </dl>
    </section>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.session.t
    const c = this.conversation
    if (!c) return html`<p class="empty">${t('visitor.none')}</p>`
    const v = this.visitor.visitors.get(c.visitor.id)
    const error = this.visitor.visitorErrors.get(c.visitor.id)
    const name = visitorLabel(c, t)
    return html`
      <div class="head">
        <span class="avatar" aria-hidden="true" style=${`background:${avatarColor(c.visitor.id)}`}>${c.visitor.name ? initials(c.visitor.name) : '#'}</span>
        <div>
          <div class="name"><h2>${name}</h2>${v?.externalId
            ? html`<span class="badge verified" data-verified title=${t('visitor.verifiedHint')}>${checkIcon(12)}${t('visitor.verified')}</span>`
            : nothing}</div>
          <p>${c.visitor.name ? t('list.visitor', { number: c.visitor.number }) : nothing}${v?.online !== undefined && (c.channel === 'web' || seenOnWebsite(v))
            ? html`${c.visitor.name ? ' · ' : ''}<span class="presence ${v.online ? 'on' : ''}" data-visitor-online=${v.online ? 'true' : 'false'}>${v.online
                ? t('visitor.online')
                : v.lastSeenAt
                  ? Date.now() - Date.parse(v.lastSeenAt) < JUST_NOW_S * 1000
                    ? t('visitor.leftJustNow')
                    : t('visitor.lastSeen', { time: ago(v.lastSeenAt, this.session.lang) })
                  : t('visitor.offline')}</span>`
            : nothing}</p>
        </div>
      </div>
      ${v
        ? html`
            <section aria-labelledby="contact-h">
              <h3 id="contact-h">${t('visitor.contact')}</h3>
              <dl>
                ${this.field(v, 'name', t('field.name'), 'text')}
                ${this.field(v, 'email', t('field.email'), 'email')}
                ${this.reach(v)}
                ${this.field(v, 'phone', t('field.phone'), 'tel')}
                ${v.externalId
                  ? html`<div class="row"><dt>${t('visitor.externalId')}</dt><dd class="mono" data-external-id title=${t('visitor.verifiedHint')}>${v.externalId}</dd></div>`
                  : nothing}
              </dl>
            </section>
            <section aria-labelledby="note-h">
              <h3 id="note-h">${t('visitor.note')}</h3>
              <textarea class="input" dir="auto" aria-labelledby="note-h" aria-describedby="note-meta" placeholder=${t('visitor.notePlaceholder')}
                .value=${this.noteDraft ?? v.note ?? ''}
                @input=${(e: Event) => {
                  this.noteDraft = (e.target as HTMLTextAreaElement).value
                  this.noteSaved = false
                }}
                @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void this.saveNote(v)
                }}></textarea>
              ${this.noteError ? html`<div class="error" role="alert">${this.noteError}</div>` : nothing}
              <div class="note-actions">
                ${this.noteDraft !== null && this.noteDraft !== (v.note ?? '')
                  ? html`<button class="btn small primary" data-action="save-note" ?disabled=${this.saving} @click=${() => this.saveNote(v)}>${t('visitor.saveNote')}</button>
                      <button class="btn small" @click=${() => (this.noteDraft = null)}>${t('action.cancel')}</button>`
                  : nothing}
                ${this.noteSaved ? html`<span class="saved" role="status">${t('state.saved')}</span>` : nothing}
              </div>
              <div class="note-meta" id="note-meta">
                ${t('visitor.noteHint')}${v.noteUpdatedAt && v.noteUpdatedBy
                  ? html` · ${t('visitor.noteEdited', { name: v.noteUpdatedBy.name, time: dateTime(v.noteUpdatedAt, this.session.lang) })}`
                  : nothing}
              </div>
            </section>
            ${c.channel !== 'web' && !seenOnWebsite(v)
              ? html`${this.channelIdentity(c, v)} ${this.customer(v)}`
              : html`<parley-visitor-activity visitor-id=${v.id}></parley-visitor-activity>
                  <parley-visitor-recordings visitor-id=${v.id}></parley-visitor-recordings>
                  ${this.customer(v)}
                  ${this.visit(v)}`}
            <parley-visitor-conversations visitor-id=${v.id} conversation-id=${c.id}></parley-visitor-conversations>
            <parley-visitor-block visitor-id=${v.id}></parley-visitor-block>
          `
        : error
          ? html`<p class="empty" role="alert">${t('visitor.unavailable')} <button class="btn small" @click=${() => this.visitor.loadVisitor(c.visitor.id)}>${t('action.retry')}</button></p>`
          : html`<p class="empty">${t('state.loading')}</p>`}
      <section aria-labelledby="conv-h">
        <h3 id="conv-h">${t('visitor.conversation')}</h3>
        <dl class="facts">
          <dt>${t('visitor.channel')}</dt><dd>${t(`channel.${c.channel}`)}</dd>
          <dt>${t('visitor.started')}</dt><dd>${dateTime(c.createdAt, this.session.lang)}</dd>
          <dt>${t('thread.assignee')}</dt><dd>${c.assignee ? c.assignee.name : t('thread.nobody')}</dd>
          ${c.resolvedAt ? html`<dt>${t('status.resolved')}</dt><dd>${dateTime(c.resolvedAt, this.session.lang)}</dd>` : nothing}
        </dl>
      </section>
    `
  }
}

/** Whether the widget ever told us anything of this visitor's browsing (a visitor may write on several channels). */
function seenOnWebsite(v: Visitor): boolean {
  return !!(v.location || v.browser || v.os || v.ip || v.currentPage || v.referrer)
}

customElements.define('parley-visitor-panel', ParleyVisitorPanel)
