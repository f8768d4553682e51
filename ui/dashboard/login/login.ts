import { html } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../../shared/i18n.ts'
import type { Agent } from '../../shared/types.ts'
import { logoIcon } from '../icons.ts'
import { authStyles } from './login.styles.ts'

/** Fired by the sign-in and setup screens once the server has opened a session. */
export class SignedInEvent extends Event {
  static readonly type = 'parley-signed-in'
  constructor(
    readonly agent: Agent,
    readonly csrfToken: string,
  ) {
    super(SignedInEvent.type, { bubbles: true, composed: true })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'parley-signed-in': SignedInEvent
  }
  interface HTMLElementTagNameMap {
    'parley-login': ParleyLogin
  }
}

export class ParleyLogin extends StoreElement {
  static override properties = {
    busy: { state: true },
    error: { state: true },
    notice: {},
  }
  static override styles = [tokens, controls, authStyles]

  declare busy: boolean
  declare error: string
  /** A message to show above the form (e.g. "your session has ended"). */
  declare notice: string

  constructor() {
    super()
    this.busy = false
    this.error = ''
    this.notice = ''
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    this.busy = true
    this.error = ''
    try {
      const r = await this.session.api.post<{ agent: Agent; csrfToken: string }>('/api/auth/login', {
        email: String(data.get('email') ?? ''),
        password: String(data.get('password') ?? ''),
      })
      this.dispatchEvent(new SignedInEvent(r.agent, r.csrfToken))
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) this.error = this.t('login.failed')
      else if (err instanceof ApiError && err.code === 'auth.deactivated') this.error = this.t('login.deactivated')
      else if (err instanceof ApiError && err.status === 429 && err.retryAfter) this.error = throttledText(this.t, err.retryAfter)
      else this.error = this.session.errorText(err)
      const pw = form.querySelector<HTMLInputElement>('input[name=password]')
      pw?.select()
    } finally {
      this.busy = false
    }
  }

  /**
   * Signing out (or a session ending) removes the control that had focus, and autofocus works
   * only as a page loads: the e-mail field takes focus when nothing else has it.
   */
  protected override firstUpdated(): void {
    const active = document.activeElement
    if (!active || active === document.body) this.renderRoot.querySelector<HTMLInputElement>('input[name=email]')?.focus()
  }

  override render() {
    const t = this.t
    return html`
      <main class="card">
        <div class="brand">${logoIcon()} Parley</div>
        <h1>${t('login.title')}</h1>
        <p class="lead">${t('login.lead')}</p>
        <form @submit=${this.submit} novalidate>
          ${this.notice ? html`<div class="alert" role="status">${this.notice}</div>` : null}
          ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : null}
          <label class="field">${t('field.email')}
            <input class="input" name="email" type="email" autocomplete="username" required autofocus />
          </label>
          <label class="field">${t('field.password')}
            <input class="input" name="password" type="password" autocomplete="current-password" required />
          </label>
          <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.busy ? t('login.busy') : t('login.submit')}</button>
        </form>
        <div class="foot">${languagePicker(this.session.lang, (l) => this.session.setLanguage(l), t('field.language'))}</div>
      </main>
    `
  }
}

/** "Try again in 30 seconds / 4 minutes": how long a throttled sign-in has to wait. */
function throttledText(t: ParleyLogin['t'], seconds: number): string {
  return seconds < 90 ? t('login.throttledSeconds', { n: seconds }) : t('login.throttledMinutes', { n: Math.ceil(seconds / 60) })
}

/** A quiet language switch for the screens shown before sign-in. */
export function languagePicker(current: string, onPick: (lang: (typeof LANGUAGES)[number]) => void, label: string) {
  return html`<select
    aria-label=${label}
    @change=${(e: Event) => {
      const v = (e.target as HTMLSelectElement).value
      if (isLanguage(v)) onPick(v)
    }}
  >
    ${LANGUAGES.map((l) => html`<option value=${l} ?selected=${l === current}>${LANGUAGE_NAMES[l]}</option>`)}
  </select>`
}

customElements.define('parley-login', ParleyLogin)
