import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { notificationStyles } from './notification-settings.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-notification-settings': ParleyNotificationSettings
  }
}

interface Choice {
  offlineMessage: boolean
  missedConversation: boolean
}

/** GET /api/settings/notifications */
interface NotificationSettings {
  effective: Choice
  own: { offlineMessage: boolean | null; missedConversation: boolean | null }
  defaults: Choice
  canSend: boolean
}

type Field = keyof Choice

/**
 * My e-mail notifications (offline message, missed conversation) on the account page; the owner
 * also sets the team's defaults here. Without SMTP it says that nothing can be sent.
 */
export class ParleyNotificationSettings extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings']
  static override properties = {
    notices: { state: true },
    busy: { state: true },
    notice: { state: true },
    error: { state: true },
    teamNotice: { state: true },
    attentionNotice: { state: true },
    attentionError: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, notificationStyles]

  declare notices: NotificationSettings | null
  declare busy: boolean
  declare notice: string
  declare error: string
  declare teamNotice: string
  declare attentionNotice: string
  declare attentionError: string

  constructor() {
    super()
    this.notices = null
    this.busy = false
    this.notice = ''
    this.error = ''
    this.teamNotice = ''
    this.attentionNotice = ''
    this.attentionError = ''
  }

  private async saveAttention(e: SubmitEvent) {
    e.preventDefault()
    const minutes = Number(new FormData(e.target as HTMLFormElement).get('waitWarnMinutes'))
    this.attentionNotice = ''
    this.attentionError = ''
    try {
      await this.settings.saveAttention(minutes)
      this.attentionNotice = this.t('attention.saved')
    } catch (err) {
      this.attentionError = this.session.errorText(err)
    }
  }

  /** The owner's one number for the team: when a waiting conversation turns amber in the list. */
  private attention() {
    const t = this.t
    return html`<section class="card" aria-labelledby="attention-h">
      <h2 id="attention-h">${t('attention.title')}</h2>
      <div class="card-body">
        <p class="section-lead">${t('attention.lead')}</p>
        <form data-form="attention" @submit=${this.saveAttention}>
          <div class="stack">
            ${this.attentionNotice ? html`<div class="notice" role="status">${this.attentionNotice}</div>` : nothing}
            ${this.attentionError ? html`<div class="alert" role="alert">${this.attentionError}</div>` : nothing}
            <label class="field">${t('attention.waitWarn')}
              <input class="input" type="number" name="waitWarnMinutes" min="1" max="240" required .value=${String(this.settings.waitWarnMinutes)} />
            </label>
            <div class="actions"><button class="btn" type="submit">${t('attention.save')}</button></div>
          </div>
        </form>
      </div>
    </section>`
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private async load() {
    try {
      this.notices = await this.session.api.get<NotificationSettings>('/api/settings/notifications')
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private async save(e: SubmitEvent) {
    e.preventDefault()
    const d = new FormData(e.target as HTMLFormElement)
    await this.put('/api/settings/notifications', { offlineMessage: d.has('offlineMessage'), missedConversation: d.has('missedConversation') }, 'notice', 'mailNotify.saved')
  }

  private async saveTeam(e: SubmitEvent) {
    e.preventDefault()
    const d = new FormData(e.target as HTMLFormElement)
    await this.put('/api/settings/notifications/defaults', { offlineMessage: d.has('offlineMessage'), missedConversation: d.has('missedConversation') }, 'teamNotice', 'mailNotify.teamSaved')
  }

  private async put(path: string, body: Choice, where: 'notice' | 'teamNotice', saved: 'mailNotify.saved' | 'mailNotify.teamSaved') {
    this.busy = true
    this.notice = ''
    this.teamNotice = ''
    this.error = ''
    try {
      await this.session.api.put(path, body)
      await this.load()
      this[where] = this.t(saved)
    } catch (err) {
      this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private choice(field: Field, checked: boolean) {
    const t = this.t
    const [label, hint] = field === 'offlineMessage' ? [t('mailNotify.offline'), t('mailNotify.offlineHint')] : [t('mailNotify.missed'), t('mailNotify.missedHint')]
    return html`<label class="choice"><input type="checkbox" name=${field} .checked=${checked} />
      <strong>${label}</strong><span class="hint">${hint}</span></label>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const s = this.notices
    const owner = this.session.me.role === 'owner'
    return html`<section class="card" aria-labelledby="notify-h">
      <h2 id="notify-h">${t('mailNotify.title')}</h2>
      ${s === null
        ? html`<div class="card-body muted" aria-busy=${this.error ? 'false' : 'true'}>
            ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : t('state.loading')}
          </div>`
        : html`<div class="card-body">
            ${s.canSend
              ? nothing
              : html`<div class="alert" role="alert" data-state="cannot-send">
                  ${t('mailNotify.cannotSend')} ${owner ? html`<a href="#/email">${t('mailNotify.setUpEmail')}</a>` : t('mailNotify.askOwner')}
                </div>`}
            <p class="section-lead">${t('mailNotify.lead', { email: this.session.me.email })}</p>
            <form data-form="notifications" @submit=${this.save}>
              <div class="stack">
                ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
                ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
                ${this.choice('offlineMessage', s.effective.offlineMessage)} ${this.choice('missedConversation', s.effective.missedConversation)}
                <div class="actions"><button class="btn primary" type="submit" ?disabled=${this.busy}>${t('action.save')}</button></div>
              </div>
            </form>
            ${owner
              ? html`<form data-form="notification-defaults" @submit=${this.saveTeam}>
                  <div class="stack">
                    <h3>${t('mailNotify.teamTitle')}</h3>
                    <p class="section-lead">${t('mailNotify.teamLead')}</p>
                    ${this.teamNotice ? html`<div class="notice" role="status">${this.teamNotice}</div>` : nothing}
                    ${this.choice('offlineMessage', s.defaults.offlineMessage)} ${this.choice('missedConversation', s.defaults.missedConversation)}
                    <div class="actions"><button class="btn" type="submit" ?disabled=${this.busy}>${t('mailNotify.saveTeam')}</button></div>
                  </div>
                </form>`
              : nothing}
          </div>`}
    </section>
    ${owner ? this.attention() : nothing}`
  }
}

customElements.define('parley-notification-settings', ParleyNotificationSettings)
