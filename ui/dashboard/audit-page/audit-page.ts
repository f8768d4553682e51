import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { dateTime } from '../format.ts'
import type { Key } from '../i18n/index.ts'
import { pageStyles, tableStyles } from '../agents-page/page.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-audit-page': ParleyAuditPage
  }
}

/** One entry of GET /api/audit. */
export interface AuditEntry {
  id: string
  at: string
  actorId: string | null
  actorName: string
  action: string
  target: string | null
  fields: string[]
  ip: string | null
}

// The routes the log records, in words; anything else is shown as the route itself.
const ACTIONS: Record<string, Key> = {
  'POST /api/agents': 'audit.agentAdded',
  'PATCH /api/agents/:id': 'audit.agentChanged',
  'PUT /api/settings/widget': 'audit.widgetChanged',
  'POST /api/settings/identity/rotate': 'audit.identityRotated',
  'POST /api/settings/api-keys': 'audit.apiKeyCreated',
  'DELETE /api/settings/api-keys/:id': 'audit.apiKeyRevoked',
  'PUT /api/settings/email': 'audit.emailChanged',
  'PUT /api/settings/notifications/defaults': 'audit.notificationDefaultsChanged',
  'POST /api/settings/webhooks': 'audit.webhookAdded',
  'PATCH /api/settings/webhooks/:id': 'audit.webhookChanged',
  'DELETE /api/settings/webhooks/:id': 'audit.webhookRemoved',
  'PUT /api/settings/alerts': 'audit.alertsChanged',
  'PUT /api/settings/notifications': 'audit.notificationsChanged',
  'PUT /api/settings/attention': 'audit.attentionChanged',
  'POST /api/settings/blocking/ranges': 'audit.blockedRange',
  'DELETE /api/settings/blocking/ranges/:id': 'audit.unblockedRange',
  'PUT /api/settings/groups': 'audit.groupsChanged',
  'PUT /api/settings/messenger': 'audit.messengerChanged',
  'POST /api/settings/messenger/pages': 'audit.messengerPageAdded',
  'PUT /api/settings/messenger/pages/:pageId': 'audit.messengerPageChanged',
  'DELETE /api/settings/messenger/pages/:pageId': 'audit.messengerPageRemoved',
  'PUT /api/settings/rating': 'audit.ratingChanged',
  'PUT /api/settings/recordings': 'audit.recordingsChanged',
}

const PAGE = 100

/** Owner page: what the owner changed in agents and settings, when and from where. */
export class ParleyAuditPage extends StoreElement {
  static override properties = {
    entries: { state: true },
    error: { state: true },
    more: { state: true },
    loading: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    tableStyles,
    css`
      td {
        vertical-align: top;
      }
      td.when {
        white-space: nowrap;
        color: var(--p-text-soft);
      }
      .fields {
        display: block;
        font-size: var(--p-fs-s);
        color: var(--p-text-muted);
      }
      code {
        font-size: var(--p-fs-s);
      }
      .foot {
        padding: var(--p-space-4);
        border-top: 1px solid var(--p-border);
      }
      .empty {
        padding: var(--p-space-5);
        color: var(--p-text-muted);
      }
    `,
  ]

  declare entries: AuditEntry[] | null
  declare error: string
  declare more: boolean
  declare loading: boolean

  constructor() {
    super()
    this.entries = null
    this.error = ''
    this.more = false
    this.loading = false
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private async load(before?: string) {
    this.loading = true
    try {
      const page = await this.session.api.get<AuditEntry[]>(`/api/audit?limit=${PAGE}${before ? `&before=${before}` : ''}`)
      this.entries = before ? [...(this.entries ?? []), ...page] : page
      this.more = page.length === PAGE
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    } finally {
      this.loading = false
    }
  }

  private row(e: AuditEntry) {
    const t = this.t
    const key = ACTIONS[e.action]
    const agent = e.target ? this.session.agents.find((a) => a.id === e.target) : undefined
    return html`<tr data-entry=${e.id}>
      <td class="when">${dateTime(e.at, this.session.lang)}</td>
      <td>${e.actorName}</td>
      <td>
        ${key ? t(key) : html`<code>${e.action}</code>`}${agent ? html` · <strong>${agent.name}</strong>` : nothing}
        ${e.fields.length ? html`<span class="fields">${t('audit.fields', { fields: e.fields.join(', ') })}</span>` : nothing}
      </td>
      <td>${e.ip ?? '—'}</td>
    </tr>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    return html`<div class="page">
      <div>
        <h1>${t('audit.title')}</h1>
        <p class="lead">${t('audit.lead')}</p>
      </div>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      <div class="card">
        ${this.entries === null
          ? html`<div class="empty" aria-busy="true">${t('state.loading')}</div>`
          : this.entries.length === 0
            ? html`<div class="empty">${t('audit.empty')}</div>`
            : html`<div class="table-wrap"><table>
                <thead><tr>
                  <th scope="col">${t('audit.when')}</th><th scope="col">${t('audit.who')}</th>
                  <th scope="col">${t('audit.what')}</th><th scope="col">${t('audit.from')}</th>
                </tr></thead>
                <tbody>${this.entries.map((e) => this.row(e))}</tbody>
              </table></div>
              ${this.more
                ? html`<div class="foot"><button class="btn" ?disabled=${this.loading} @click=${() => this.load(this.entries![this.entries!.length - 1]!.id)}>${t('audit.older')}</button></div>`
                : nothing}`}
      </div>
    </div>`
  }
}

customElements.define('parley-audit-page', ParleyAuditPage)
