import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { dateTime } from '../format.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { webhookStyles } from './webhooks-settings.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-webhooks-settings': ParleyWebhooksSettings
  }
}

interface Webhook {
  id: string
  url: string
  events: string[]
  active: boolean
  createdAt: string
}

interface Delivery {
  id: string
  event: string
  status: 'queued' | 'sent' | 'failed'
  attempts: number
  responseStatus: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
}

/**
 * The owner's outgoing webhooks (on the Integrations page): add a receiver for chosen events, see
 * its signing secret, switch it off, send a test and read the delivery log.
 */
export class ParleyWebhooksSettings extends StoreElement {
  static override properties = {
    hooks: { state: true },
    events: { state: true },
    secrets: { state: true },
    logs: { state: true },
    busy: { state: true },
    error: { state: true },
    urlError: { state: true },
    notice: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, webhookStyles]

  declare hooks: Webhook[] | null
  declare events: string[]
  declare secrets: Record<string, string>
  declare logs: Record<string, Delivery[]>
  declare busy: boolean
  declare error: string
  declare urlError: string
  declare notice: string

  constructor() {
    super()
    this.hooks = null
    this.events = []
    this.secrets = {}
    this.logs = {}
    this.busy = false
    this.error = ''
    this.urlError = ''
    this.notice = ''
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private async load() {
    try {
      const r = await this.session.api.get<{ webhooks: Webhook[]; events: string[] }>('/api/settings/webhooks')
      this.hooks = r.webhooks
      this.events = r.events
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private async act(fn: () => Promise<void>) {
    this.busy = true
    this.error = ''
    this.notice = ''
    try {
      await fn()
    } catch (e) {
      this.error = this.session.errorText(e)
    } finally {
      this.busy = false
    }
  }

  private async add(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const d = new FormData(form)
    const url = String(d.get('url') ?? '').trim()
    const events = d.getAll('events').map(String)
    this.urlError = /^https?:\/\/\S+$/i.test(url) ? '' : this.t('webhooks.urlInvalid')
    if (this.urlError) return
    if (events.length === 0) {
      this.error = this.t('webhooks.eventsRequired')
      return
    }
    await this.act(async () => {
      try {
        const created = await this.session.api.post<Webhook & { secret: string }>('/api/settings/webhooks', { url, events })
        this.secrets = { ...this.secrets, [created.id]: created.secret }
        form.reset()
        this.notice = this.t('webhooks.added')
        await this.load()
      } catch (err) {
        if (err instanceof ApiError && err.field === 'url') this.urlError = this.t('webhooks.urlInvalid')
        else throw err
      }
    })
  }

  private showSecret(h: Webhook) {
    return this.act(async () => {
      const r = await this.session.api.get<{ secret: string }>(`/api/settings/webhooks/${h.id}/secret`)
      this.secrets = { ...this.secrets, [h.id]: r.secret }
    })
  }

  private toggle(h: Webhook) {
    return this.act(async () => {
      await this.session.api.patch(`/api/settings/webhooks/${h.id}`, { active: !h.active })
      await this.load()
    })
  }

  private removeHook(h: Webhook) {
    if (!confirm(this.t('webhooks.confirmRemove', { url: h.url }))) return
    return this.act(async () => {
      await this.session.api.delete(`/api/settings/webhooks/${h.id}`)
      await this.load()
    })
  }

  private test(h: Webhook) {
    return this.act(async () => {
      await this.session.api.post(`/api/settings/webhooks/${h.id}/test`)
      this.notice = this.t('webhooks.testQueued')
      await this.loadLog(h)
    })
  }

  private async loadLog(h: Webhook) {
    this.logs = { ...this.logs, [h.id]: await this.session.api.get<Delivery[]>(`/api/settings/webhooks/${h.id}/deliveries`) }
  }

  private log(h: Webhook) {
    const t = this.t
    const rows = this.logs[h.id]
    if (!rows) return nothing
    if (rows.length === 0) return html`<p class="hint" data-log=${h.id}>${t('webhooks.noDeliveries')}</p>`
    return html`<table data-log=${h.id}>
      <thead><tr><th>${t('webhooks.when')}</th><th>${t('webhooks.event')}</th><th>${t('webhooks.status')}</th><th>${t('webhooks.attempts')}</th><th>${t('webhooks.answer')}</th></tr></thead>
      <tbody>${rows.map(
        (d) => html`<tr data-delivery=${d.id}>
          <td>${dateTime(d.createdAt, this.session.lang)}</td>
          <td><code>${d.event}</code></td>
          <td><span class="pill ${d.status}">${t(`webhooks.status.${d.status}`)}</span></td>
          <td>${d.attempts}</td>
          <td>${d.responseStatus ?? '—'}${d.lastError ? html` · <span class="error">${d.lastError}</span>` : nothing}</td>
        </tr>`,
      )}</tbody>
    </table>`
  }

  private hook(h: Webhook) {
    const t = this.t
    const secret = this.secrets[h.id]
    return html`<li class="hook" data-webhook=${h.id}>
      <div class="hook-head">
        <span class="url ${h.active ? '' : 'off'}">${h.url}</span>
        <div class="buttons">
          <button class="btn small" data-action="test" ?disabled=${this.busy || !h.active} @click=${() => this.test(h)}>${t('webhooks.sendTest')}</button>
          <button class="btn small" data-action="log" ?disabled=${this.busy} @click=${() => this.act(() => this.loadLog(h))}>${t('webhooks.showLog')}</button>
          ${secret ? nothing : html`<button class="btn small" data-action="secret" ?disabled=${this.busy} @click=${() => this.showSecret(h)}>${t('webhooks.showSecret')}</button>`}
          <button class="btn small" data-action="toggle" ?disabled=${this.busy} @click=${() => this.toggle(h)}>${h.active ? t('webhooks.pause') : t('webhooks.resume')}</button>
          <button class="btn small danger" data-action="remove" ?disabled=${this.busy} @click=${() => this.removeHook(h)}>${t('webhooks.remove')}</button>
        </div>
      </div>
      <span class="events">${h.events.join(' · ')}${h.active ? '' : ` — ${t('webhooks.paused')}`}</span>
      ${secret ? html`<div class="secret" data-secret=${h.id}>${t('webhooks.secret')}: ${secret}</div>` : nothing}
      ${this.log(h)}
    </li>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.t
    return html`<section class="card" aria-labelledby="webhooks-h">
      <h2 id="webhooks-h">${t('webhooks.title')}</h2>
      <div class="card-body">
        <p class="hint">${t('webhooks.lead')}</p>
        ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
        ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
        ${this.hooks === null
          ? html`<p class="hint" aria-busy="true">${t('state.loading')}</p>`
          : this.hooks.length === 0
            ? html`<p class="hint">${t('webhooks.none')}</p>`
            : html`<ul class="hooks">${this.hooks.map((h) => this.hook(h))}</ul>`}
        <form class="add" data-form="webhook" @submit=${this.add} novalidate>
          <label class="field">${t('webhooks.url')}
            <input class="input" name="url" type="url" placeholder="https://example.com/parley-webhook" maxlength="2048"
              aria-invalid=${this.urlError ? 'true' : 'false'} aria-describedby="webhook-url-msg" />
            ${this.urlError ? html`<span class="error" id="webhook-url-msg">${this.urlError}</span>` : nothing}
          </label>
          <fieldset>
            <legend>${t('webhooks.events')}</legend>
            ${this.events.map((e) => html`<label><input type="checkbox" name="events" value=${e} checked />${e}</label>`)}
          </fieldset>
          <div><button class="btn primary" type="submit" ?disabled=${this.busy}>${t('webhooks.add')}</button></div>
        </form>
      </div>
    </section>`
  }
}

customElements.define('parley-webhooks-settings', ParleyWebhooksSettings)
