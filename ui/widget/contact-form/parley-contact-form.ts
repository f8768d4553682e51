// The offline form: shown instead of the composer when no agent is online. E-mail is required
// (checked here and again by the server), name optional, message required. It only collects and
// validates; <parley-chat> sends it and reports back through `busy` and `failed`.
import { LitElement, html, nothing } from 'lit'
import type { Strings } from '../i18n/index.ts'
import { en } from '../i18n/en.ts'
import { styles } from './parley-contact-form.styles.ts'

export interface ContactData {
  email: string
  name: string
  body: string
}

export class ParleyContactEvent extends Event {
  constructor(readonly data: ContactData) {
    super('parley-contact', { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-contact-form': ParleyContactForm
  }
  interface GlobalEventHandlersEventMap {
    'parley-contact': ParleyContactEvent
  }
}

/** Deliberately loose (the server has the last word): something@something.tld, no spaces. */
export const looksLikeEmail = (s: string) => s.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(s)

type Field = 'email' | 'body'

export class ParleyContactForm extends LitElement {
  static override styles = styles
  static override properties = {
    strings: { attribute: false },
    intro: { attribute: false },
    busy: { type: Boolean },
    failed: { attribute: false },
    errors: { state: true },
  }

  declare strings: Strings
  /** The site's offline text from the widget settings; the translated default when empty. */
  declare intro: string
  declare busy: boolean
  /** A message to show when sending failed (from the server or the network). */
  declare failed: string
  declare errors: Partial<Record<Field, string>>

  constructor() {
    super()
    this.strings = en
    this.intro = ''
    this.busy = false
    this.failed = ''
    this.errors = {}
  }

  /** Moves focus to the first field, for when the panel opens. */
  override focus(): void {
    // Called right after the panel renders, possibly before this element's own first render.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input')?.focus())
  }

  private value(name: string): string {
    return (this.renderRoot.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name=${name}]`)?.value ?? '').trim()
  }

  private onSubmit(e: Event) {
    e.preventDefault()
    if (this.busy) return
    const t = this.strings
    const data: ContactData = { email: this.value('email'), name: this.value('name'), body: this.value('body') }
    const errors: Partial<Record<Field, string>> = {}
    if (!data.email) errors.email = t.emailRequired
    else if (!looksLikeEmail(data.email)) errors.email = t.emailInvalid
    if (!data.body) errors.body = t.messageRequired
    this.errors = errors
    const first = (['email', 'body'] as const).find((f) => errors[f])
    if (first) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[name=${first}]`)?.focus())
      return
    }
    this.dispatchEvent(new ParleyContactEvent(data))
  }

  /** Shows the server's verdict on the e-mail (it validates too). */
  rejectEmail(): void {
    this.errors = { email: this.strings.emailInvalid }
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[name=email]')?.focus())
  }

  private field(name: Field | 'name', label: string, input: unknown, optional = false) {
    const error = name === 'name' ? undefined : this.errors[name]
    return html`<div class="field">
      <label for=${name}>${label}${optional ? html` <span class="optional">(${this.strings.optional})</span>` : nothing}</label>
      ${input}
      ${error ? html`<p class="error" id=${`${name}-error`}>${error}</p>` : nothing}
    </div>`
  }

  override render() {
    const t = this.strings
    const invalid = (f: Field) => (this.errors[f] ? 'true' : 'false')
    return html`<form novalidate @submit=${this.onSubmit} aria-labelledby="heading">
      <h3 id="heading">${t.offlineTitle}</h3>
      <p class="intro">${this.intro || t.offlineText}</p>
      ${this.field(
        'email',
        t.email,
        html`<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required
          maxlength="254" aria-invalid=${invalid('email')} aria-describedby=${this.errors.email ? 'email-error' : ''} />`,
      )}
      ${this.field('name', t.name, html`<input id="name" name="name" type="text" autocomplete="name" maxlength="100" />`, true)}
      ${this.field(
        'body',
        t.message,
        html`<textarea id="body" name="body" rows="4" dir="auto" required maxlength="5000"
          aria-invalid=${invalid('body')} aria-describedby=${this.errors.body ? 'body-error' : ''}></textarea>`,
      )}
      ${this.failed ? html`<p class="error" role="alert">${this.failed}</p>` : nothing}
      <button type="submit" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${t.submit}</button>
    </form>`
  }
}

if (!customElements.get('parley-contact-form')) customElements.define('parley-contact-form', ParleyContactForm)
