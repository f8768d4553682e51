import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import type { Agent } from '../../shared/types.ts'
import { ago, dateTime } from '../format.ts'
import { pageStyles, tableStyles } from '../agents-page/page.styles.ts'
import { accountStyles } from './account-page.styles.ts'
import { deviceOf, passwordErrorText } from './password-errors.ts'
import '../notification-settings/notification-settings.ts'
import '../alert-settings/alert-settings.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-account-page': ParleyAccountPage
  }
}

/** One of my signed-in sessions, as GET /api/auth/sessions lists it. */
export interface SessionInfo {
  id: string
  ip: string | null
  userAgent: string | null
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  current: boolean
}

type PasswordField = 'currentPassword' | 'password'

/** Every agent's own page: their name, their password, and where they are signed in. */
export class ParleyAccountPage extends StoreElement {
  static override properties = {
    nameBusy: { state: true },
    nameNotice: { state: true },
    nameError: { state: true },
    emailError: { state: true },
    pwBusy: { state: true },
    pwNotice: { state: true },
    pwErrors: { state: true },
    sessions: { state: true },
    sessionsError: { state: true },
    busySession: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, tableStyles, accountStyles]

  declare nameBusy: boolean
  declare nameNotice: string
  declare nameError: string
  declare emailError: string
  declare pwBusy: boolean
  declare pwNotice: string
  declare pwErrors: Partial<Record<PasswordField | 'form', string>>
  declare sessions: SessionInfo[] | null
  declare sessionsError: string
  declare busySession: string | null

  constructor() {
    super()
    this.nameBusy = false
    this.nameNotice = ''
    this.nameError = ''
    this.emailError = ''
    this.pwBusy = false
    this.pwNotice = ''
    this.pwErrors = {}
    this.sessions = null
    this.sessionsError = ''
    this.busySession = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.loadSessions())
  }

  private async loadSessions() {
    try {
      this.sessions = await this.session.api.get<SessionInfo[]>('/api/auth/sessions')
      this.sessionsError = ''
    } catch (e) {
      this.sessionsError = this.session.errorText(e)
    }
  }

  private async saveName(e: SubmitEvent) {
    e.preventDefault()
    const d = new FormData(e.target as HTMLFormElement)
    const name = String(d.get('name') ?? '').trim()
    // Only the owner may change an e-mail address, their own included.
    const email = d.has('email') ? String(d.get('email') ?? '').trim() : null
    this.nameNotice = ''
    this.nameError = ''
    this.emailError = ''
    if (!name) this.nameError = this.t('error.required')
    if (email !== null && !/^\S+@\S+\.\S{2,}$/.test(email)) this.emailError = this.t('error.email')
    if (this.nameError || this.emailError) return
    this.nameBusy = true
    try {
      const me = this.session.me!
      if (email !== null && email.toLowerCase() !== me.email.toLowerCase()) {
        const agent = await this.session.api.patch<Agent>(`/api/agents/${me.id}`, { email })
        this.session.me = { ...me, ...agent }
      }
      await this.session.updateMe({ name })
      this.nameNotice = this.t('account.nameSaved')
    } catch (err) {
      if (err instanceof ApiError && err.code === 'agent.email_taken') this.emailError = this.t('agents.emailTaken')
      else if (err instanceof ApiError && err.field === 'email') this.emailError = this.t('error.email')
      else this.nameError = err instanceof ApiError && err.field === 'name' ? this.t('error.invalid') : this.session.errorText(err)
    } finally {
      this.nameBusy = false
    }
  }

  private async changePassword(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const d = new FormData(form)
    const currentPassword = String(d.get('currentPassword') ?? '')
    const password = String(d.get('password') ?? '')
    const t = this.t
    const errors: typeof this.pwErrors = {}
    if (!currentPassword) errors.currentPassword = t('error.required')
    if (password.length < 10) errors.password = t('error.password')
    this.pwErrors = errors
    this.pwNotice = ''
    if (Object.keys(errors).length > 0) return
    this.pwBusy = true
    try {
      await this.session.api.patch<Agent>(`/api/agents/${this.session.me!.id}`, { currentPassword, password })
      form.reset()
      this.pwNotice = t('account.passwordChanged')
      await this.loadSessions()
    } catch (err) {
      const pw = passwordErrorText(t, err)
      if (pw) this.pwErrors = { password: pw }
      else if (err instanceof ApiError && err.field === 'currentPassword') {
        this.pwErrors = { currentPassword: err.code === 'agent.wrong_password' ? t('account.wrongCurrent') : t('error.required') }
      } else this.pwErrors = { form: this.session.errorText(err) }
    } finally {
      this.pwBusy = false
    }
  }

  private async endSession(s: SessionInfo) {
    this.busySession = s.id
    try {
      await this.session.api.delete(`/api/auth/sessions/${s.id}`)
      await this.loadSessions()
    } catch (e) {
      this.sessionsError = this.session.errorText(e)
    } finally {
      this.busySession = null
    }
  }

  private async endOthers() {
    if (!confirm(this.t('account.confirmEndOthers'))) return
    this.busySession = 'others'
    try {
      await this.session.api.post('/api/auth/sessions/end-others')
      await this.loadSessions()
    } catch (e) {
      this.sessionsError = this.session.errorText(e)
    } finally {
      this.busySession = null
    }
  }

  private sessionRow(s: SessionInfo) {
    const t = this.t
    const lang = this.session.lang
    const device = deviceOf(s.userAgent)
    return html`<tr data-session=${s.id} class=${s.current ? 'current' : ''}>
      <td class="device">
        <strong>${device ? (device.os ? t('account.browserOn', { browser: device.browser, os: device.os }) : device.browser) : t('account.unknownBrowser')}</strong>
        <span>${t('account.signedInAt', { when: dateTime(s.createdAt, lang) })}</span>
      </td>
      <td>${s.ip ?? '—'}</td>
      <td>${s.current ? html`<span class="pill">${t('account.thisDevice')}</span>` : html`<span title=${dateTime(s.lastSeenAt, lang)}>${ago(s.lastSeenAt, lang)}</span>`}</td>
      <td class="end">
        ${s.current
          ? nothing
          : html`<button class="btn small" data-action="end-session" ?disabled=${this.busySession !== null} @click=${() => this.endSession(s)}>${t('account.endSession')}</button>`}
      </td>
    </tr>`
  }

  private passwordInput(name: PasswordField, label: string, autocomplete: string, hint?: string) {
    const err = this.pwErrors[name]
    return html`<label class="field">${label}
      <input class="input" name=${name} type="password" autocomplete=${autocomplete} aria-invalid=${err ? 'true' : 'false'} aria-describedby=${`${name}-msg`} />
      ${err ? html`<span class="error" id=${`${name}-msg`}>${err}</span>` : hint ? html`<span class="hint" id=${`${name}-msg`}>${hint}</span>` : nothing}
    </label>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const me = this.session.me
    const others = (this.sessions ?? []).filter((s) => !s.current).length
    return html`<div class="page">
      <div>
        <h1>${t('account.title')}</h1>
        <p class="lead">${me.email} · ${t(`role.${me.role}`)}</p>
      </div>

      <section class="card" aria-labelledby="name-h">
        <h2 id="name-h">${t('account.profile')}</h2>
        <form class="card-body" data-form="name" @submit=${this.saveName} novalidate>
          ${this.nameNotice ? html`<div class="notice" role="status">${this.nameNotice}</div>` : nothing}
          <label class="field">${t('field.name')}
            <input class="input" name="name" type="text" autocomplete="name" maxlength="100" .value=${me.name}
              aria-invalid=${this.nameError ? 'true' : 'false'} aria-describedby="name-msg" />
            ${this.nameError ? html`<span class="error" id="name-msg">${this.nameError}</span>` : nothing}
          </label>
          ${me.role === 'owner'
            ? html`<label class="field">${t('field.email')}
                <input class="input" name="email" type="email" autocomplete="email" .value=${me.email}
                  aria-invalid=${this.emailError ? 'true' : 'false'} aria-describedby="email-msg" />
                ${this.emailError ? html`<span class="error" id="email-msg">${this.emailError}</span>` : nothing}
              </label>`
            : nothing}
          <div class="actions"><button class="btn primary" type="submit" ?disabled=${this.nameBusy}>${t('action.save')}</button></div>
        </form>
      </section>

      <section class="card" aria-labelledby="pw-h">
        <h2 id="pw-h">${t('account.password')}</h2>
        <form class="card-body" data-form="password" @submit=${this.changePassword} novalidate>
          ${this.pwNotice ? html`<div class="notice" role="status">${this.pwNotice}</div>` : nothing}
          ${this.pwErrors.form ? html`<div class="alert" role="alert">${this.pwErrors.form}</div>` : nothing}
          <input type="email" name="username" autocomplete="username" .value=${me.email} hidden />
          ${this.passwordInput('currentPassword', t('account.currentPassword'), 'current-password')}
          ${this.passwordInput('password', t('account.newPassword'), 'new-password', t('setup.passwordHint'))}
          <div class="actions">
            <button class="btn primary" type="submit" ?disabled=${this.pwBusy}>${t('account.changePassword')}</button>
            <span class="hint">${t('account.passwordEndsOthers')}</span>
          </div>
        </form>
      </section>

      <parley-notification-settings></parley-notification-settings>
      <parley-alert-settings></parley-alert-settings>

      <section class="card" aria-labelledby="sessions-h">
        <h2 id="sessions-h">${t('account.sessions')}</h2>
        ${this.sessionsError ? html`<div class="card-body"><div class="alert" role="alert">${this.sessionsError}</div></div>` : nothing}
        ${this.sessions === null
          ? html`<div class="card-body muted" aria-busy="true">${t('state.loading')}</div>`
          : html`<div class="table-wrap"><table>
              <thead><tr>
                <th scope="col">${t('account.device')}</th><th scope="col">${t('account.ip')}</th>
                <th scope="col">${t('account.lastSeen')}</th><th scope="col"><span class="sr-only">${t('agents.actions')}</span></th>
              </tr></thead>
              <tbody>${[...this.sessions].sort((a, b) => Number(b.current) - Number(a.current)).map((s) => this.sessionRow(s))}</tbody>
            </table></div>
            <div class="sessions-foot">
              <span class="muted">${others === 0 ? t('account.noOtherSessions') : t('account.otherSessions', { n: others })}</span>
              <button class="btn danger" data-action="end-others" ?disabled=${others === 0 || this.busySession !== null} @click=${this.endOthers}>${t('account.endOthers')}</button>
            </div>`}
      </section>
    </div>`
  }
}

customElements.define('parley-account-page', ParleyAccountPage)
