// <parley-messenger-settings>: the owner's Messenger page. Each connected page shows the callback
// URL and the verify token to paste into the Meta app (each with a copy button), its state as Meta
// last answered, and the HUMAN_AGENT switch; a page is connected with its id, access token and app
// secret, which never come back from the server (empty fields keep the saved ones).
import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { translator, type Translate } from '../../shared/i18n.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { messengerIcon } from '../icons.ts'
import { MESSENGER_CATALOGS, type Key } from './messenger-settings.i18n.ts'
import { messengerSettingsStyles } from './messenger-settings.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-messenger-settings': ParleyMessengerSettings
  }
}

type PageState = 'configured' | 'connected' | 'failing' | 'expired'

/** What GET /api/settings/messenger answers. */
export interface MessengerSettingsView {
  graphBaseUrl: string
  graphVersion: string
  pages: { pageId: string; name: string | null; appId: string | null; verifyToken: string; webhookUrl: string; humanAgent: boolean; state: PageState; lastError: string | null }[]
}

type ChannelStatus = { state: 'off' | 'configured' | 'connected' | 'failing'; error: string | null }
type PageEdit = { humanAgent: boolean; accessToken: string; appSecret: string; appId: string }
type AddForm = { pageId: string; accessToken: string; appSecret: string; appId: string; humanAgent: boolean }

const emptyAdd = (): AddForm => ({ pageId: '', accessToken: '', appSecret: '', appId: '', humanAgent: false })

export class ParleyMessengerSettings extends StoreElement {
  static override properties = {
    view: { state: true },
    status: { state: true },
    edits: { state: true },
    add: { state: true },
    graph: { state: true },
    busy: { state: true },
    error: { state: true },
    forbidden: { state: true },
    notice: { state: true },
    missing: { state: true },
    copied: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, messengerSettingsStyles]

  declare view: MessengerSettingsView | null
  declare status: ChannelStatus | null
  declare edits: Record<string, PageEdit>
  declare add: AddForm
  declare graph: { graphBaseUrl: string; graphVersion: string }
  declare busy: string
  declare error: string
  declare forbidden: boolean
  /** Which form the last notice belongs to ('add', 'graph', a page id) and what it says. */
  declare notice: { at: string; text: string } | null
  declare missing: Set<string>
  declare copied: string

  constructor() {
    super()
    this.view = null
    this.status = null
    this.edits = {}
    this.add = emptyAdd()
    this.graph = { graphBaseUrl: '', graphVersion: '' }
    this.busy = ''
    this.error = ''
    this.forbidden = false
    this.notice = null
    this.missing = new Set()
    this.copied = ''
  }

  private get tr(): Translate<Key> {
    return translator(MESSENGER_CATALOGS, this.session.lang)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private adopt(v: MessengerSettingsView) {
    this.view = v
    this.graph = { graphBaseUrl: v.graphBaseUrl, graphVersion: v.graphVersion }
    this.edits = Object.fromEntries(v.pages.map((p) => [p.pageId, { humanAgent: p.humanAgent, accessToken: '', appSecret: '', appId: p.appId ?? '' }]))
    void this.loadStatus()
  }

  private async loadStatus() {
    try {
      this.status = (await this.session.api.get<{ messenger?: ChannelStatus }>('/api/channels/status')).messenger ?? null
    } catch {
      this.status = null
    }
  }

  private async load() {
    if (!this.hasStore) return
    this.error = ''
    try {
      this.adopt(await this.session.api.get<MessengerSettingsView>('/api/settings/messenger'))
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) this.forbidden = true
      else this.error = this.session.errorText(e)
    }
  }

  private async run(at: string, fn: () => Promise<MessengerSettingsView | void>, done?: string) {
    this.busy = at
    this.error = ''
    this.notice = null
    try {
      const v = await fn()
      if (v) this.adopt(v)
      if (done) this.notice = { at, text: done }
    } catch (err) {
      this.error = err instanceof ApiError && err.message ? err.message : this.session.errorText(err)
    } finally {
      this.busy = ''
    }
  }

  private connect(e: SubmitEvent) {
    e.preventDefault()
    const a = this.add
    const need = (['pageId', 'accessToken', 'appSecret'] as const).filter((k) => !a[k].trim()).map((k) => `add.${k}`)
    this.missing = new Set(need)
    if (need.length) return
    void this.run('add', async () => {
      const v = await this.session.api.post<MessengerSettingsView>('/api/settings/messenger/pages', {
        pageId: a.pageId.trim(),
        accessToken: a.accessToken.trim(),
        appSecret: a.appSecret.trim(),
        appId: a.appId.trim() || null,
        humanAgent: a.humanAgent,
      })
      this.add = emptyAdd()
      return v
    })
  }

  private savePage(pageId: string) {
    const e = this.edits[pageId]!
    void this.run(
      pageId,
      () =>
        this.session.api.put<MessengerSettingsView>(`/api/settings/messenger/pages/${pageId}`, {
          humanAgent: e.humanAgent,
          appId: e.appId.trim() || null,
          ...(e.accessToken.trim() ? { accessToken: e.accessToken.trim() } : {}),
          ...(e.appSecret.trim() ? { appSecret: e.appSecret.trim() } : {}),
        }),
      this.tr('saved'),
    )
  }

  private removePage(pageId: string, name: string) {
    if (!confirm(this.tr('removeConfirm', { name }))) return
    void this.run(pageId, () => this.session.api.delete<MessengerSettingsView>(`/api/settings/messenger/pages/${pageId}`))
  }

  private saveGraph(e: SubmitEvent) {
    e.preventDefault()
    void this.run('graph', () => this.session.api.put<MessengerSettingsView>('/api/settings/messenger', this.graph), this.tr('saved'))
  }

  private async copy(key: string, value: string) {
    try {
      await navigator.clipboard.writeText(value)
      this.copied = key
      setTimeout(() => {
        if (this.copied === key) this.copied = ''
      }, 2000)
    } catch {
      // Without clipboard access the field is selected, for the owner to copy by hand.
      this.renderRoot.querySelector<HTMLInputElement>(`[data-copy="${key}"]`)?.select()
    }
  }

  private copyRow(key: string, label: string, value: string) {
    const t = this.tr
    const id = `copy-${key}`
    return html`<label class="field" for=${id}>${label}
      <span class="copy-row">
        <input id=${id} class="input" data-copy=${key} readonly .value=${value} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
        <button class="btn" type="button" data-action=${`copy-${key}`} @click=${() => this.copy(key, value)}>${this.copied === key ? t('copied') : t('copy')}</button>
      </span>
    </label>`
  }

  private input(id: string, label: string, value: string, set: (v: string) => void, o: { type?: string; hint?: string; placeholder?: string; missingKey?: string } = {}) {
    const bad = o.missingKey ? this.missing.has(o.missingKey) : false
    return html`<label class="field" for=${id}>${label}
      <input id=${id} class="input" name=${id} type=${o.type ?? 'text'} .value=${value} placeholder=${o.placeholder ?? ''} autocomplete="off"
        aria-invalid=${bad ? 'true' : 'false'} @input=${(e: Event) => {
          set((e.target as HTMLInputElement).value)
          if (bad) this.missing = new Set([...this.missing].filter((m) => m !== o.missingKey))
        }} />
      ${bad ? html`<span class="error">${this.tr('required')}</span>` : o.hint ? html`<span class="hint">${o.hint}</span>` : nothing}
    </label>`
  }

  private statusLine() {
    const t = this.tr
    const s = this.status
    // No page yet: the Pages card says so (and where to connect one); the same line above it twice read as a fault.
    if (!s || s.state === 'off') return nothing
    const text =
      s.state === 'connected' ? t('statusConnected') : s.state === 'failing' ? t('statusFailing', { error: s.error ?? '' }) : t('statusConfigured')
    return html`<div class="status ${s.state}" role="status" data-status>${messengerIcon(18)}<span>${text}</span></div>`
  }

  private pageItem(p: MessengerSettingsView['pages'][number]) {
    const t = this.tr
    const e = this.edits[p.pageId] ?? { humanAgent: p.humanAgent, accessToken: '', appSecret: '', appId: p.appId ?? '' }
    const set = (patch: Partial<PageEdit>) => (this.edits = { ...this.edits, [p.pageId]: { ...e, ...patch } })
    const stateText = { connected: t('stateConnected'), configured: t('stateConfigured'), failing: t('stateFailing'), expired: t('stateExpired') }[p.state]
    const name = p.name ?? p.pageId
    return html`<div class="page-item" data-page=${p.pageId}>
      <div class="page-head">
        <strong>${name}</strong>
        <span class="state ${p.state}" data-state=${p.state}>${stateText}</span>
        ${p.name ? html`<span class="hint">${t('pageId')}: ${p.pageId}</span>` : nothing}
      </div>
      ${p.state === 'expired' ? html`<div class="page-error" role="alert">${t('expiredHint')}</div>` : nothing}
      ${p.lastError ? html`<div class="page-error">${p.lastError}</div>` : nothing}
      ${this.copyRow(`url-${p.pageId}`, t('webhookUrl'), p.webhookUrl)}
      ${this.copyRow(`token-${p.pageId}`, t('verifyToken'), p.verifyToken)}
      <span class="hint">${t('webhookHint')}</span>
      <label class="toggle"><input type="checkbox" name=${`human-${p.pageId}`} .checked=${e.humanAgent} @change=${(ev: Event) => set({ humanAgent: (ev.target as HTMLInputElement).checked })} />${t('humanAgent')}</label>
      <span class="hint">${t('humanAgentHint')}</span>
      <details ?open=${p.state === 'expired'}>
        <summary>${t('replaceSecrets')}</summary>
        <div class="card-body">
          ${this.input(`token-new-${p.pageId}`, t('accessToken'), e.accessToken, (v) => set({ accessToken: v }), { type: 'password', placeholder: t('secretSaved') })}
          ${this.input(`secret-new-${p.pageId}`, t('appSecret'), e.appSecret, (v) => set({ appSecret: v }), { type: 'password', placeholder: t('secretSaved') })}
          ${this.input(`app-${p.pageId}`, t('appId'), e.appId, (v) => set({ appId: v }), { hint: t('appIdHint') })}
        </div>
      </details>
      <div class="actions">
        <button class="btn primary" type="button" data-action="save-page" ?disabled=${this.busy !== ''} @click=${() => this.savePage(p.pageId)}>${this.busy === p.pageId ? t('saving') : t('save')}</button>
        <button class="btn danger" type="button" data-action="remove-page" ?disabled=${this.busy !== ''} @click=${() => this.removePage(p.pageId, name)}>${t('remove')}</button>
        ${this.notice?.at === p.pageId ? html`<span class="notice" role="status">${this.notice.text}</span>` : nothing}
      </div>
    </div>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.tr
    if (this.forbidden || this.session.me.role !== 'owner') {
      return html`<div class="page"><h1>${t('title')}</h1><div class="alert" role="status">${t('ownerOnly')}</div></div>`
    }
    const v = this.view
    const a = this.add
    const setAdd = (patch: Partial<AddForm>) => (this.add = { ...this.add, ...patch })
    return html`<div class="page">
      <div>
        <h1>${messengerIcon(26)}${t('title')}</h1>
        <p class="lead">${t('lead')}</p>
      </div>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      ${v ? this.statusLine() : !this.error ? html`<p class="muted">${t('loading')}</p>` : nothing}
      ${v
        ? html`<div class="cards">
            <section class="card" aria-labelledby="pages-h">
              <h2 id="pages-h">${t('pages')}</h2>
              <div class="card-body">${v.pages.length ? v.pages.map((p) => this.pageItem(p)) : html`<p class="muted" data-no-pages>${t('noPages')}</p>`}</div>
            </section>
            <section class="card" aria-labelledby="add-h">
              <h2 id="add-h">${t('addPage')}</h2>
              <form class="card-body" @submit=${this.connect} novalidate>
                ${this.input('add-pageId', t('pageId'), a.pageId, (x) => setAdd({ pageId: x }), { hint: t('pageIdHint'), missingKey: 'add.pageId' })}
                ${this.input('add-accessToken', t('accessToken'), a.accessToken, (x) => setAdd({ accessToken: x }), { type: 'password', missingKey: 'add.accessToken' })}
                ${this.input('add-appSecret', t('appSecret'), a.appSecret, (x) => setAdd({ appSecret: x }), { type: 'password', hint: t('appSecretHint'), missingKey: 'add.appSecret' })}
                ${this.input('add-appId', t('appId'), a.appId, (x) => setAdd({ appId: x }), { hint: t('appIdHint') })}
                <label class="toggle"><input type="checkbox" name="add-human" .checked=${a.humanAgent} @change=${(e: Event) => setAdd({ humanAgent: (e.target as HTMLInputElement).checked })} />${t('humanAgent')}</label>
                <span class="hint">${t('humanAgentHint')}</span>
                <div class="actions">
                  <button class="btn primary" type="submit" data-action="connect" ?disabled=${this.busy !== ''}>${this.busy === 'add' ? t('connecting') : t('connect')}</button>
                </div>
              </form>
            </section>
            <section class="card" aria-labelledby="graph-h">
              <h2 id="graph-h">${t('graph')}</h2>
              <form class="card-body" @submit=${this.saveGraph} novalidate>
                <div class="row">
                  ${this.input('graph-url', t('graphBaseUrl'), this.graph.graphBaseUrl, (x) => (this.graph = { ...this.graph, graphBaseUrl: x }))}
                  ${this.input('graph-version', t('graphVersion'), this.graph.graphVersion, (x) => (this.graph = { ...this.graph, graphVersion: x }))}
                </div>
                <span class="hint">${t('graphHint')}</span>
                <div class="actions">
                  <button class="btn" type="submit" data-action="save-graph" ?disabled=${this.busy !== ''}>${this.busy === 'graph' ? t('saving') : t('save')}</button>
                  ${this.notice?.at === 'graph' ? html`<span class="notice" role="status">${this.notice.text}</span>` : nothing}
                </div>
              </form>
            </section>
          </div>`
        : nothing}
    </div>`
  }
}

customElements.define('parley-messenger-settings', ParleyMessengerSettings)
