// <parley-email-settings>: the owner's e-mail page. SMTP and IMAP, each with a "test connection"
// button whose outcome the server sends as a code and values, worded here in the agent's language
// (the server's literal answer follows as a quotation); plus-addressing; what is on and what is not. Saved
// passwords never come back from the server: an empty password field keeps the saved one.
import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { translator, type Translate } from '../../shared/i18n.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { EMAIL_CATALOGS, type Key } from './email-settings.i18n.ts'
import { emailSettingsStyles } from './email-settings.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-email-settings': ParleyEmailSettings
  }
}

type Tls = 'none' | 'starttls' | 'tls'

export interface SmtpForm {
  host: string
  port: string
  tls: Tls
  user: string
  password: string
  fromName: string
  fromAddress: string
}
export interface ImapForm {
  host: string
  port: string
  tls: Tls
  user: string
  password: string
  mailbox: string
}

/** What GET /api/settings/email answers. */
export interface EmailSettingsView {
  smtp: { host: string; port: number; tls: Tls; user: string | null; hasPassword: boolean; fromName: string | null; fromAddress: string } | null
  imap: { host: string; port: number; tls: Tls; user: string; hasPassword: boolean; mailbox: string } | null
  plusAddressing: boolean
  source: 'saved' | 'env' | 'none'
  status: { outbound: boolean; inbound: boolean; imap: { state: string; error: string | null; errorCode?: string | null } | null }
}

/** What the test buttons answer (server/channels/email/smtp.ts and imap.ts), or a request that failed. */
type TestResult =
  | { ok: true; host: string; port: number; user: string | null; mailbox?: string; messages?: number; idle?: boolean }
  | { ok: false; code: string; detail: string; host?: string; port?: string; mailbox?: string }
  | { ok: false; request: string }
  | null

/** The settings the server refuses, by its error code (server/channels/email/settings.usecases.ts). */
const REFUSALS: Record<string, Key> = {
  'email.invalid_host': 'error.host',
  'email.invalid_address': 'error.address',
  'email.invalid_user': 'error.user',
  'email.invalid_password': 'error.password',
  'email.password_required': 'error.passwordAgain',
}

const FAILURES = ['auth', 'refused', 'dns', 'timeout', 'tls', 'mailbox', 'other'] as const
const failureKey = (code: string | null | undefined): Key => `fail.${(FAILURES as readonly string[]).includes(code ?? '') ? code : 'other'}` as Key

const envelope = () =>
  html`<svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><rect x="3" y="5" width="18" height="14" rx="2"></rect><path d="m3 7 9 6 9-6"></path></svg>`

export class ParleyEmailSettings extends StoreElement {
  static override properties = {
    view: { state: true },
    smtpOn: { state: true },
    imapOn: { state: true },
    smtp: { state: true },
    imap: { state: true },
    plus: { state: true },
    saving: { state: true },
    error: { state: true },
    forbidden: { state: true },
    notice: { state: true },
    missing: { state: true },
    smtpTest: { state: true },
    imapTest: { state: true },
    testing: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, emailSettingsStyles]

  declare view: EmailSettingsView | null
  declare smtpOn: boolean
  declare imapOn: boolean
  declare smtp: SmtpForm
  declare imap: ImapForm
  declare plus: boolean
  declare saving: boolean
  declare error: string
  declare forbidden: boolean
  declare notice: string
  declare missing: Set<string>
  declare smtpTest: TestResult
  declare imapTest: TestResult
  declare testing: '' | 'smtp' | 'imap'

  constructor() {
    super()
    this.view = null
    this.smtpOn = false
    this.imapOn = false
    this.smtp = { host: '', port: '587', tls: 'starttls', user: '', password: '', fromName: '', fromAddress: '' }
    this.imap = { host: '', port: '993', tls: 'tls', user: '', password: '', mailbox: 'INBOX' }
    this.plus = false
    this.saving = false
    this.error = ''
    this.forbidden = false
    this.notice = ''
    this.missing = new Set()
    this.smtpTest = null
    this.imapTest = null
    this.testing = ''
  }

  private get tr(): Translate<Key> {
    return translator(EMAIL_CATALOGS, this.session.lang)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private adopt(v: EmailSettingsView) {
    this.view = v
    this.smtpOn = !!v.smtp
    this.imapOn = !!v.imap
    if (v.smtp) {
      this.smtp = { host: v.smtp.host, port: String(v.smtp.port), tls: v.smtp.tls, user: v.smtp.user ?? '', password: '', fromName: v.smtp.fromName ?? '', fromAddress: v.smtp.fromAddress }
    }
    if (v.imap) this.imap = { host: v.imap.host, port: String(v.imap.port), tls: v.imap.tls, user: v.imap.user, password: '', mailbox: v.imap.mailbox }
    this.plus = v.plusAddressing
  }

  private async load() {
    if (!this.hasStore) return
    this.error = ''
    try {
      this.adopt(await this.session.api.get<EmailSettingsView>('/api/settings/email'))
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) this.forbidden = true
      else this.error = this.session.errorText(e)
    }
  }

  /** The request body for one half; a blank password is left out, so the saved one stays. */
  smtpBody() {
    const s = this.smtp
    return {
      host: s.host.trim(),
      port: s.port.trim() ? Number(s.port) : null,
      tls: s.tls,
      user: s.user.trim() || null,
      ...(s.password ? { password: s.password } : {}),
      fromName: s.fromName.trim() || null,
      fromAddress: s.fromAddress.trim(),
    }
  }

  imapBody() {
    const s = this.imap
    return {
      host: s.host.trim(),
      port: s.port.trim() ? Number(s.port) : null,
      tls: s.tls,
      user: s.user.trim(),
      ...(s.password ? { password: s.password } : {}),
      mailbox: s.mailbox.trim() || 'INBOX',
    }
  }

  private check(kind: 'smtp' | 'imap'): boolean {
    const need =
      kind === 'smtp'
        ? (['host', 'fromAddress'] as const).filter((k) => !this.smtp[k].trim()).map((k) => `smtp.${k}`)
        : [
            ...(['host', 'user'] as const).filter((k) => !this.imap[k].trim()).map((k) => `imap.${k}`),
            ...(!this.imap.password && !this.view?.imap?.hasPassword ? ['imap.password'] : []),
          ]
    const missing = new Set([...this.missing].filter((m) => !m.startsWith(kind)))
    for (const n of need) missing.add(n)
    this.missing = missing
    return need.length === 0
  }

  private async save(e: SubmitEvent) {
    e.preventDefault()
    const okSmtp = !this.smtpOn || this.check('smtp')
    const okImap = !this.imapOn || this.check('imap')
    if (!okSmtp || !okImap) return
    this.saving = true
    this.error = ''
    this.notice = ''
    try {
      const v = await this.session.api.put<EmailSettingsView>('/api/settings/email', {
        smtp: this.smtpOn ? this.smtpBody() : null,
        imap: this.imapOn ? this.imapBody() : null,
        plusAddressing: this.plus,
      })
      this.adopt(v)
      this.notice = this.tr('saved')
    } catch (err) {
      this.error = this.refusal(err)
    } finally {
      this.saving = false
    }
  }

  /** Why the server refused the settings, in the agent's language (its own message is English). */
  private refusal(err: unknown): string {
    const code = err instanceof ApiError ? err.code : ''
    const key = REFUSALS[code]
    return key ? this.tr(key) : this.session.errorText(err)
  }

  private async test(kind: 'smtp' | 'imap') {
    if (!this.check(kind)) return
    this.testing = kind
    const set = (r: TestResult) => (kind === 'smtp' ? (this.smtpTest = r) : (this.imapTest = r))
    set(null)
    try {
      const form = kind === 'smtp' ? this.smtp : this.imap
      const r = await this.session.api.post<NonNullable<TestResult>>(`/api/settings/email/test-${kind}`, kind === 'smtp' ? this.smtpBody() : this.imapBody())
      // A failure names no server, so the sentence takes it from the form that was tested.
      set(r.ok || 'request' in r ? r : { ...r, host: form.host, port: form.port, mailbox: kind === 'imap' ? this.imap.mailbox || 'INBOX' : undefined })
    } catch (err) {
      set({ ok: false, request: this.session.errorText(err) })
    } finally {
      this.testing = ''
    }
  }

  private field<F extends SmtpForm | ImapForm>(kind: 'smtp' | 'imap', form: F, key: keyof F & string, label: string, o: { type?: string; hint?: string; placeholder?: string; autocomplete?: string } = {}) {
    const id = `${kind}-${key}`
    const bad = this.missing.has(`${kind}.${key}`)
    return html`<label class="field" for=${id}>${label}
      <input id=${id} class="input" name=${id} type=${o.type ?? 'text'} .value=${String(form[key])} placeholder=${o.placeholder ?? ''}
        autocomplete=${o.autocomplete ?? 'off'} aria-invalid=${bad ? 'true' : 'false'}
        @input=${(e: Event) => this.edit(kind, key, (e.target as HTMLInputElement).value)} />
      ${bad ? html`<span class="error">${this.tr('required')}</span>` : o.hint ? html`<span class="hint">${o.hint}</span>` : nothing}
    </label>`
  }

  private edit(kind: 'smtp' | 'imap', key: string, value: string) {
    if (kind === 'smtp') this.smtp = { ...this.smtp, [key]: value }
    else this.imap = { ...this.imap, [key]: value }
    if (this.missing.has(`${kind}.${key}`)) this.missing = new Set([...this.missing].filter((m) => m !== `${kind}.${key}`))
    this.notice = ''
  }

  private tlsSelect(kind: 'smtp' | 'imap', value: Tls) {
    const t = this.tr
    const ports = kind === 'smtp' ? { none: '25', starttls: '587', tls: '465' } : { none: '143', starttls: '143', tls: '993' }
    return html`<label class="field" for=${`${kind}-tls`}>${t('tls')}
      <select id=${`${kind}-tls`} class="input" .value=${value}
        @change=${(e: Event) => {
          const tls = (e.target as HTMLSelectElement).value as Tls
          const form = kind === 'smtp' ? this.smtp : this.imap
          // follow the usual port for the mode unless the owner typed another one
          const port = Object.values(ports).includes(form.port) || !form.port ? ports[tls] : form.port
          if (kind === 'smtp') this.smtp = { ...this.smtp, tls, port }
          else this.imap = { ...this.imap, tls, port }
        }}>
        <option value="tls" ?selected=${value === 'tls'}>${t('tlsTls')}</option>
        <option value="starttls" ?selected=${value === 'starttls'}>${t('tlsStarttls')}</option>
        <option value="none" ?selected=${value === 'none'}>${t('tlsNone')}</option>
      </select>
    </label>`
  }

  private result(r: TestResult) {
    if (!r) return nothing
    const t = this.tr
    if (r.ok) {
      const server = `${r.host}:${r.port}`
      const text =
        r.mailbox !== undefined
          ? `${t('imapOk', { server, user: r.user ?? '', mailbox: r.mailbox, count: r.messages ?? 0 })} ${t(r.idle ? 'imapIdle' : 'imapNoIdle')}`
          : r.user
            ? t('smtpOkUser', { server, user: r.user })
            : t('smtpOk', { server })
      return html`<span class="result ok" role="status">${text}</span>`
    }
    if ('request' in r) return html`<span class="result bad" role="status">${r.request}</span>`
    const params = { server: `${r.host ?? ''}:${r.port ?? ''}`, host: r.host ?? '', mailbox: r.mailbox ?? '' }
    return html`<span class="result bad" role="status">${t(failureKey(r.code), params)}${r.detail
      ? html` <span class="detail">${t('serverSaid')} <q>${r.detail}</q></span>`
      : nothing}</span>`
  }

  private statusLine() {
    const v = this.view
    if (!v) return nothing
    const t = this.tr
    const text = v.status.outbound && v.status.inbound ? t('on') : v.status.outbound ? t('outOnly') : v.status.inbound ? t('inOnly') : t('off')
    const reader = v.status.imap
    const readerText =
      v.status.inbound && reader
        ? reader.state === 'idle'
          ? t('readerIdle')
          : reader.state === 'polling'
            ? t('readerPolling')
            : reader.state === 'standby'
              ? t('readerStandby')
              : reader.state === 'error'
                ? `${t('readerError')} ${t(failureKey(reader.errorCode), { server: `${v.imap?.host}:${v.imap?.port}`, host: v.imap?.host ?? '', mailbox: v.imap?.mailbox ?? '' })}`
                : reader.state === 'connecting'
                  ? t('readerConnecting')
                  : t('readerOff')
        : ''
    return html`<div class="status ${v.status.outbound && v.status.inbound ? 'on' : ''}" role="status" data-status>
      ${envelope()}
      <div>
        <div>${text}</div>
        ${readerText ? html`<div class="hint">${readerText}${reader?.state === 'error' && reader.error ? html` <span class="detail">${t('serverSaid')} <q>${reader.error}</q></span>` : nothing}</div>` : nothing}
        ${v.source === 'env' ? html`<div class="hint">${t('fromEnv')}</div>` : nothing}
      </div>
    </div>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.tr
    if (this.forbidden || this.session.me.role !== 'owner') {
      return html`<div class="page"><h1>${t('title')}</h1><div class="alert" role="status">${t('ownerOnly')}</div></div>`
    }
    const saved = (has: boolean | undefined) => (has ? t('passwordSaved') : '')
    return html`<div class="page">
      <div>
        <h1>${t('title')}</h1>
        <p class="lead">${t('lead')}</p>
      </div>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      ${this.view ? this.statusLine() : !this.error ? html`<p class="muted">${t('loading')}</p>` : nothing}
      <form @submit=${this.save} novalidate>
        <div class="cards">
          <section class="card" aria-labelledby="smtp-h">
            <h2 id="smtp-h">${t('smtp')}</h2>
            <div class="card-body">
              <label class="toggle"><input type="checkbox" name="smtp-on" .checked=${this.smtpOn} @change=${(e: Event) => (this.smtpOn = (e.target as HTMLInputElement).checked)} />${t('smtpOn')}</label>
              ${this.smtpOn
                ? html`<div class="row">${this.field('smtp', this.smtp, 'host', t('host'), { placeholder: 'smtp.example.com' })}${this.field('smtp', this.smtp, 'port', t('port'), { type: 'number' })}</div>
                    ${this.tlsSelect('smtp', this.smtp.tls)}
                    ${this.field('smtp', this.smtp, 'user', t('user'))}
                    ${this.field('smtp', this.smtp, 'password', t('password'), { type: 'password', placeholder: saved(this.view?.smtp?.hasPassword), autocomplete: 'new-password' })}
                    ${this.field('smtp', this.smtp, 'fromName', t('fromName'), { placeholder: 'Acme Support' })}
                    ${this.field('smtp', this.smtp, 'fromAddress', t('fromAddress'), { type: 'email', placeholder: 'support@example.com', hint: t('fromAddressHint') })}
                    <div class="test">
                      <button class="btn" type="button" data-action="test-smtp" ?disabled=${this.testing !== ''} @click=${() => this.test('smtp')}>${this.testing === 'smtp' ? t('testing') : t('test')}</button>
                      ${this.result(this.smtpTest)}
                    </div>`
                : nothing}
            </div>
          </section>
          <section class="card" aria-labelledby="imap-h">
            <h2 id="imap-h">${t('imap')}</h2>
            <div class="card-body">
              <label class="toggle"><input type="checkbox" name="imap-on" .checked=${this.imapOn} @change=${(e: Event) => (this.imapOn = (e.target as HTMLInputElement).checked)} />${t('imapOn')}</label>
              ${this.imapOn
                ? html`<div class="row">${this.field('imap', this.imap, 'host', t('host'), { placeholder: 'imap.example.com' })}${this.field('imap', this.imap, 'port', t('port'), { type: 'number' })}</div>
                    ${this.tlsSelect('imap', this.imap.tls)}
                    ${this.field('imap', this.imap, 'user', t('user'))}
                    ${this.field('imap', this.imap, 'password', t('password'), { type: 'password', placeholder: saved(this.view?.imap?.hasPassword), autocomplete: 'new-password' })}
                    ${this.field('imap', this.imap, 'mailbox', t('mailbox'))}
                    <div class="test">
                      <button class="btn" type="button" data-action="test-imap" ?disabled=${this.testing !== ''} @click=${() => this.test('imap')}>${this.testing === 'imap' ? t('testing') : t('test')}</button>
                      ${this.result(this.imapTest)}
                    </div>
                    <label class="plus"><span class="toggle"><input type="checkbox" name="plus" .checked=${this.plus} @change=${(e: Event) => (this.plus = (e.target as HTMLInputElement).checked)} />${t('plus')}</span>
                      <span class="hint">${t('plusHint')}</span></label>`
                : nothing}
            </div>
          </section>
        </div>
        <div class="actions" style="margin-top: var(--p-space-5)">
          <button class="btn primary" type="submit" ?disabled=${this.saving || !this.view}>${this.saving ? t('saving') : t('save')}</button>
          ${this.notice ? html`<span class="notice" role="status">${this.notice}</span>` : nothing}
        </div>
      </form>
    </div>`
  }
}

customElements.define('parley-email-settings', ParleyEmailSettings)
