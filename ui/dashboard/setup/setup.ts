import { html } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../../shared/i18n.ts'
import type { Agent } from '../../shared/types.ts'
import { logoIcon } from '../icons.ts'
import { authStyles } from '../login/login.styles.ts'
import { SignedInEvent } from '../login/login.ts'
import { passwordErrorText } from '../account-page/password-errors.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-setup': ParleySetup
  }
}

type Field = 'name' | 'email' | 'password'

/** First run: the owner account, created once while no agent exists. */
export class ParleySetup extends StoreElement {
  static override properties = {
    busy: { state: true },
    error: { state: true },
    fieldErrors: { state: true },
  }
  static override styles = [tokens, controls, authStyles]

  declare busy: boolean
  declare error: string
  declare fieldErrors: Partial<Record<Field, string>>

  constructor() {
    super()
    this.busy = false
    this.error = ''
    this.fieldErrors = {}
  }

  private validate(name: string, email: string, password: string): Partial<Record<Field, string>> {
    const errors: Partial<Record<Field, string>> = {}
    if (!name.trim()) errors.name = this.t('error.required')
    if (!/^\S+@\S+\.\S{2,}$/.test(email.trim())) errors.email = this.t('error.email')
    if (password.length < 10) errors.password = this.t('error.password')
    return errors
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const name = String(data.get('name') ?? '')
    const email = String(data.get('email') ?? '')
    const password = String(data.get('password') ?? '')
    const lang = String(data.get('language') ?? this.session.lang)
    this.error = ''
    this.fieldErrors = this.validate(name, email, password)
    if (Object.keys(this.fieldErrors).length > 0) {
      const first = Object.keys(this.fieldErrors)[0]
      this.renderRoot.querySelector<HTMLInputElement>(`input[name=${first}]`)?.focus()
      return
    }
    this.busy = true
    try {
      const r = await this.session.api.post<{ agent: Agent; csrfToken: string }>('/api/setup', {
        name,
        email,
        password,
        language: isLanguage(lang) ? lang : 'en',
      })
      this.dispatchEvent(new SignedInEvent(r.agent, r.csrfToken))
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) this.error = this.t('setup.done')
      else if (err instanceof ApiError && err.field && ['name', 'email', 'password'].includes(err.field)) {
        this.fieldErrors = { [err.field]: err.field === 'email' ? this.t('error.email') : err.field === 'password' ? passwordErrorText(this.t, err)! : this.t('error.invalid') }
      } else this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private input(name: Field, type: string, autocomplete: string, label: string, hint?: string) {
    const err = this.fieldErrors[name]
    return html`<label class="field">${label}
      <input class="input" name=${name} type=${type} autocomplete=${autocomplete} required
        aria-invalid=${err ? 'true' : 'false'} aria-describedby=${`${name}-msg`} />
      ${err ? html`<span id=${`${name}-msg`} class="error">${err}</span>` : hint ? html`<span id=${`${name}-msg`} class="hint">${hint}</span>` : null}
    </label>`
  }

  override render() {
    const t = this.t
    return html`
      <main class="card">
        <div class="brand">${logoIcon()} Parley</div>
        <h1>${t('setup.title')}</h1>
        <p class="lead">${t('setup.lead')}</p>
        <form @submit=${this.submit} novalidate>
          ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : null}
          ${this.input('name', 'text', 'name', t('field.yourName'))}
          ${this.input('email', 'email', 'username', t('field.email'))}
          ${this.input('password', 'password', 'new-password', t('field.password'), t('setup.passwordHint'))}
          <label class="field">${t('field.language')}
            <select class="input" name="language" @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value
              if (isLanguage(v)) this.session.setLanguage(v)
            }}>
              ${LANGUAGES.map((l) => html`<option value=${l} ?selected=${l === this.session.lang}>${LANGUAGE_NAMES[l]}</option>`)}
            </select>
          </label>
          <button class="btn primary" type="submit" ?disabled=${this.busy}>${t('setup.submit')}</button>
        </form>
      </main>
    `
  }
}

customElements.define('parley-setup', ParleySetup)
