import { css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import type { ApiKey } from '../../shared/types.ts'
import { dateTime } from '../format.ts'
import { alertIcon, copyIcon } from '../icons.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import '../webhooks-settings/webhooks-settings.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-integrations-page': ParleyIntegrationsPage
  }
}

/** Masks all but the first four characters, keeping the length's feel without revealing it. */
const mask = (secret: string) => `${secret.slice(0, 4)}${'•'.repeat(24)}`

/**
 * Owner page for connecting a website: the identity secret its back end signs user ids with
 * (masked until shown, copy, rotate after a confirm) and the server API keys (create with a name,
 * the key shown once with a warning, list with prefix, created and last used, revoke).
 */
export class ParleyIntegrationsPage extends StoreElement {
  static override properties = {
    secret: { state: true },
    revealed: { state: true },
    keys: { state: true },
    keyName: { state: true },
    created: { state: true },
    busy: { state: true },
    error: { state: true },
    nameError: { state: true },
    notice: { state: true },
    copied: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .card-body {
        display: grid;
        gap: var(--p-space-4);
      }
      .hint {
        margin: 0;
        color: var(--p-text-soft);
        max-width: 70ch;
      }
      .secret-row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .secret {
        flex: 1 1 320px;
        min-width: 0;
        font-family: var(--p-mono);
        font-size: 13px;
        padding: 8px 10px;
        border: 1px solid var(--p-border-strong);
        border-radius: var(--p-radius-s);
        background: var(--p-surface-2);
        overflow-wrap: anywhere;
        letter-spacing: 0.02em;
      }
      pre {
        margin: 0;
        padding: 12px 14px;
        border-radius: var(--p-radius-s);
        background: #0f172a;
        color: #e2e8f0;
        font: 12.5px/1.55 var(--p-mono);
        overflow-x: auto;
      }
      .field-label {
        font-size: var(--p-fs-s);
        font-weight: 600;
        color: var(--p-text-soft);
        margin: 0 0 4px;
      }
      form.create {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: flex-end;
      }
      form.create label.field {
        flex: 1 1 260px;
      }
      .new-key {
        display: grid;
        gap: 10px;
        padding: var(--p-space-4);
        border: 1px solid #fcd34d;
        border-radius: var(--p-radius);
        background: var(--p-warning-soft);
      }
      .new-key h3 {
        margin: 0;
        font-size: var(--p-fs);
      }
      .new-key .warn {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        margin: 0;
        color: var(--p-warning);
        font-weight: 500;
      }
      .new-key .warn .icon {
        flex: none;
        margin-top: 2px;
      }
      .new-key input {
        flex: 1 1 320px;
        width: auto;
        min-width: 0;
        font-family: var(--p-mono);
        font-size: 13px;
        background: var(--p-surface);
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: var(--p-fs);
      }
      th {
        text-align: left;
        font-size: var(--p-fs-s);
        font-weight: 600;
        color: var(--p-text-muted);
        padding: 8px 10px;
        border-bottom: 1px solid var(--p-border);
      }
      td {
        padding: 10px;
        border-bottom: 1px solid var(--p-border);
        vertical-align: middle;
      }
      tr:last-child td {
        border-bottom: none;
      }
      td.actions {
        text-align: right;
      }
      tr.revoked td {
        color: var(--p-text-muted);
      }
      tr.revoked .name {
        text-decoration: line-through;
      }
      code.prefix {
        font-family: var(--p-mono);
        font-size: 12.5px;
        padding: 2px 6px;
        border-radius: 4px;
        background: var(--p-hover);
      }
      .empty-line {
        margin: 0;
        color: var(--p-text-muted);
      }
      .muted-badge {
        font-size: 11px;
        font-weight: 600;
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--p-hover);
        color: var(--p-text-muted);
        white-space: nowrap;
      }
      @media (max-width: 700px) {
        th.opt,
        td.opt {
          display: none;
        }
      }
    `,
  ]

  declare secret: string
  declare revealed: boolean
  declare keys: ApiKey[] | null
  declare keyName: string
  declare created: (ApiKey & { key: string }) | null
  declare busy: boolean
  declare error: string
  declare nameError: string
  declare notice: string
  declare copied: '' | 'secret' | 'key'

  constructor() {
    super()
    this.secret = ''
    this.revealed = false
    this.keys = null
    this.keyName = ''
    this.created = null
    this.busy = false
    this.error = ''
    this.nameError = ''
    this.notice = ''
    this.copied = ''
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load() {
    this.error = ''
    try {
      const [identity, keys] = await Promise.all([
        this.session.api.get<{ secret: string }>('/api/settings/identity'),
        this.session.api.get<ApiKey[]>('/api/settings/api-keys'),
      ])
      this.secret = identity.secret
      this.keys = keys
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private async copy(text: string, what: 'secret' | 'key', fallback: string) {
    try {
      await navigator.clipboard.writeText(text)
    } catch {
      // The Clipboard API can be refused (permissions, insecure origin): select the text for Ctrl+C.
      const el = this.renderRoot.querySelector<HTMLElement>(fallback)
      if (el instanceof HTMLInputElement) el.select()
      else if (el) {
        const range = document.createRange()
        range.selectNodeContents(el)
        getSelection()?.removeAllRanges()
        getSelection()?.addRange(range)
      }
      document.execCommand?.('copy')
    }
    this.copied = what
    setTimeout(() => {
      if (this.copied === what) this.copied = ''
    }, 2000)
  }

  private async rotate() {
    if (!confirm(this.t('integrations.confirmRotate'))) return
    this.busy = true
    this.notice = ''
    this.error = ''
    try {
      this.secret = (await this.session.api.post<{ secret: string }>('/api/settings/identity/rotate')).secret
      this.revealed = false
      this.notice = this.t('integrations.rotated')
    } catch (e) {
      this.error = this.session.errorText(e)
    } finally {
      this.busy = false
    }
  }

  private async createKey(e: Event) {
    e.preventDefault()
    const name = this.keyName.trim()
    if (!name) {
      this.nameError = this.t('error.required')
      return
    }
    this.busy = true
    this.nameError = ''
    this.error = ''
    try {
      const created = await this.session.api.post<ApiKey & { key: string }>('/api/settings/api-keys', { name })
      this.created = created
      this.keyName = ''
      this.keys = [created, ...(this.keys ?? []).filter((k) => k.id !== created.id)]
      await this.updateComplete
      this.renderRoot.querySelector<HTMLInputElement>('.new-key input')?.select()
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) this.nameError = err.code === 'request.too_long' ? this.t('error.tooLong') : this.t('error.invalid')
      else this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private async revoke(k: ApiKey) {
    if (!confirm(this.t('integrations.confirmRevoke', { name: k.name }))) return
    this.busy = true
    this.error = ''
    try {
      const revoked = await this.session.api.delete<ApiKey>(`/api/settings/api-keys/${k.id}`)
      this.keys = (this.keys ?? []).map((x) => (x.id === revoked.id ? revoked : x))
      if (this.created?.id === k.id) this.created = null
    } catch (e) {
      this.error = this.session.errorText(e)
    } finally {
      this.busy = false
    }
  }

  private identity() {
    const t = this.t
    const sample = `// ${t('integrations.sampleComment')}
import { createHmac } from 'node:crypto'
const hash = createHmac('sha256', process.env.PARLEY_IDENTITY_SECRET)
  .update(user.id).digest('hex')

// ${t('integrations.samplePage')}
parley('identify', { id: user.id, hash, name: user.name, email: user.email })`
    return html`<section class="card" aria-labelledby="identity-h">
      <h2 id="identity-h">${t('integrations.identity')}</h2>
      <div class="card-body">
        <p class="hint">${t('integrations.identityHint')}</p>
        <div>
          <p class="field-label" id="secret-label">${t('integrations.secret')}</p>
          <div class="secret-row">
            <span class="secret" aria-labelledby="secret-label" data-secret data-revealed=${this.revealed ? 'true' : 'false'}>${this.secret
              ? this.revealed
                ? this.secret
                : mask(this.secret)
              : t('state.loading')}</span>
            <button class="btn" data-action="reveal" aria-pressed=${this.revealed ? 'true' : 'false'} ?disabled=${!this.secret}
              @click=${() => (this.revealed = !this.revealed)}>${this.revealed ? t('integrations.hide') : t('integrations.show')}</button>
            <button class="btn" data-action="copy-secret" ?disabled=${!this.secret} @click=${() => {
              this.revealed = true
              void this.copy(this.secret, 'secret', '[data-secret]')
            }}>${copyIcon()} ${this.copied === 'secret' ? t('integrations.copied') : t('integrations.copy')}</button>
            <button class="btn danger" data-action="rotate" ?disabled=${!this.secret || this.busy} @click=${() => this.rotate()}>${t('integrations.rotate')}</button>
          </div>
        </div>
        <pre aria-label=${t('integrations.sample')}>${sample}</pre>
      </div>
    </section>`
  }

  private keyRow(k: ApiKey) {
    const t = this.t
    const lang = this.session.lang
    return html`<tr data-key=${k.id} class=${k.revokedAt ? 'revoked' : ''}>
      <td class="name">${k.name}</td>
      <td><code class="prefix">${k.prefix}…</code></td>
      <td class="opt">${dateTime(k.createdAt, lang)}</td>
      <td class="opt">${k.lastUsedAt ? dateTime(k.lastUsedAt, lang) : html`<span class="empty-line">${t('integrations.never')}</span>`}</td>
      <td class="actions">${k.revokedAt
        ? html`<span class="muted-badge">${t('integrations.revokedOn', { date: dateTime(k.revokedAt, lang) })}</span>`
        : html`<button class="btn small danger" data-action="revoke" ?disabled=${this.busy} @click=${() => this.revoke(k)}>${t('integrations.revoke')}</button>`}</td>
    </tr>`
  }

  private apiKeys() {
    const t = this.t
    const created = this.created
    return html`<section class="card" aria-labelledby="keys-h">
      <h2 id="keys-h">${t('integrations.keys')}</h2>
      <div class="card-body">
        <p class="hint">${t('integrations.keysHint')}</p>
        ${created
          ? html`<div class="new-key" role="status">
              <h3>${t('integrations.newKey', { name: created.name })}</h3>
              <p class="warn">${alertIcon()}<span>${t('integrations.newKeyWarning')}</span></p>
              <div class="secret-row">
                <input class="input" readonly aria-label=${t('integrations.newKey', { name: created.name })} .value=${created.key} data-new-key />
                <button class="btn primary" data-action="copy-key" @click=${() => this.copy(created.key, 'key', '.new-key input')}>${copyIcon()} ${this.copied === 'key'
                  ? t('integrations.copied')
                  : t('integrations.copy')}</button>
                <button class="btn" data-action="dismiss-key" @click=${() => (this.created = null)}>${t('integrations.done')}</button>
              </div>
            </div>`
          : nothing}
        <form class="create" @submit=${this.createKey} novalidate>
          <label class="field">${t('integrations.keyName')}
            <input class="input" name="keyName" maxlength="100" placeholder=${t('integrations.keyNamePlaceholder')} .value=${this.keyName}
              aria-invalid=${this.nameError ? 'true' : 'false'} aria-describedby="key-name-error"
              @input=${(e: Event) => {
                this.keyName = (e.target as HTMLInputElement).value
                this.nameError = ''
              }} />
          </label>
          <button class="btn primary" type="submit" ?disabled=${this.busy}>${t('integrations.createKey')}</button>
        </form>
        ${this.nameError ? html`<span class="error" id="key-name-error" role="alert">${this.nameError}</span>` : nothing}
        ${this.keys === null
          ? html`<p class="empty-line">${t('state.loading')}</p>`
          : this.keys.length === 0
            ? html`<p class="empty-line">${t('integrations.noKeys')}</p>`
            : html`<table>
                <thead><tr>
                  <th>${t('integrations.keyName')}</th><th>${t('integrations.key')}</th>
                  <th class="opt">${t('integrations.created')}</th><th class="opt">${t('integrations.lastUsed')}</th><th><span class="sr-only">${t('agents.actions')}</span></th>
                </tr></thead>
                <tbody>${repeat(this.keys, (k) => k.id, (k) => this.keyRow(k))}</tbody>
              </table>`}
      </div>
    </section>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    return html`<div class="page">
      <div>
        <h1>${t('integrations.title')}</h1>
        <p class="lead">${t('integrations.lead')}</p>
      </div>
      ${this.error ? html`<div class="alert" role="alert">${this.error} <button class="btn small" @click=${() => this.load()}>${t('action.retry')}</button></div>` : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      ${this.identity()} ${this.apiKeys()}
      <parley-webhooks-settings></parley-webhooks-settings>
    </div>`
  }
}

customElements.define('parley-integrations-page', ParleyIntegrationsPage)
