import { html, nothing, svg } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { dateTime } from '../format.ts'
import { pageStyles, tableStyles } from '../agents-page/page.styles.ts'
import { blockingStyles } from './blocking-settings.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-blocking-settings': ParleyBlockingSettings
  }
}

/** The navigation's icon for this page: a circle struck through. */
export const blockIcon = (size = 16) =>
  html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path d="M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM5.6 5.6l12.8 12.8" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`}</svg>`

/** GET /api/settings/blocking (server/domain/blocking/blocking.types.ts). */
interface By {
  id: string
  name: string
}
interface BlockedVisitor {
  visitorId: string
  visitorName: string | null
  visitorNumber: number
  reason: string | null
  blockedBy: By | null
  blockedAt: string
}
interface BlockedRange {
  id: string
  range: string
  reason: string | null
  blockedBy: By | null
  blockedAt: string
}

/**
 * Settings › Blocking (owner only, #16): block an IP address or a CIDR range, and see and undo
 * every block — the ranges and the visitors agents blocked from the visitor card — with who
 * blocked them, when and why.
 */
export class ParleyBlockingSettings extends StoreElement {
  static override properties = {
    ranges: { state: true },
    visitors: { state: true },
    busy: { state: true },
    error: { state: true },
    rangeError: { state: true },
    notice: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, tableStyles, blockingStyles]

  declare ranges: BlockedRange[] | null
  declare visitors: BlockedVisitor[] | null
  declare busy: boolean
  declare error: string
  declare rangeError: string
  declare notice: string

  constructor() {
    super()
    this.ranges = null
    this.visitors = null
    this.busy = false
    this.error = ''
    this.rangeError = ''
    this.notice = ''
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private async load() {
    try {
      const r = await this.session.api.get<{ ranges: BlockedRange[]; visitors: BlockedVisitor[] }>('/api/settings/blocking')
      this.ranges = r.ranges
      this.visitors = r.visitors
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  /** The server's reason for a refused range, in the owner's language. */
  private rangeProblem(e: ApiError, typed: string): string {
    const t = this.t
    if (e.code === 'blocking.duplicate') return t('blocking.error.duplicate', { range: typed })
    switch (e.reason) {
      case 'empty':
        return t('blocking.error.empty')
      case 'zero':
        return t('blocking.error.zero')
      case 'prefix':
        return t('blocking.error.prefix')
      case 'host_bits': {
        const suggestion = /did you mean (\S+)\?$/.exec(e.message)?.[1] ?? ''
        return t('blocking.error.hostBits', { suggestion })
      }
      default:
        return t('blocking.error.address')
    }
  }

  private async add(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const d = new FormData(form)
    const range = String(d.get('range') ?? '').trim()
    const reason = String(d.get('reason') ?? '').trim()
    this.busy = true
    this.error = ''
    this.rangeError = ''
    this.notice = ''
    try {
      const created = await this.session.api.post<BlockedRange>('/api/settings/blocking/ranges', { range, reason: reason || null })
      form.reset()
      this.notice = this.t('blocking.added', { range: created.range })
      await this.load()
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'blocking.invalid_range' || err.code === 'blocking.duplicate' || err.field === 'range')) {
        this.rangeError = this.rangeProblem(err, range)
        void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input[name=range]')?.focus())
      } else this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private async undo(path: string, what: string) {
    if (!confirm(this.t('blocking.confirmUndo', { what }))) return
    this.busy = true
    this.error = ''
    this.notice = ''
    try {
      await this.session.api.delete(path)
      this.notice = this.t('blocking.unblocked', { what })
      await this.load()
    } catch (err) {
      this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private visitorName(v: BlockedVisitor): string {
    return v.visitorName ?? this.t('list.visitor', { number: v.visitorNumber })
  }

  private byAndWhen(b: { blockedBy: By | null; blockedAt: string; reason: string | null }) {
    return html`<td>${b.blockedBy?.name ?? html`<span class="muted">—</span>`}</td>
      <td class="when">${dateTime(b.blockedAt, this.session.lang)}</td>
      <td class="reason">${b.reason ?? html`<span class="muted">—</span>`}</td>`
  }

  private rangesCard() {
    const t = this.t
    const rows = this.ranges
    return html`<section class="card" aria-labelledby="ranges-h">
      <h2 id="ranges-h">${t('blocking.rangesTitle')}</h2>
      <div class="card-body">
        <form class="add" data-form="range" @submit=${this.add} novalidate>
          <label class="field">${t('blocking.range')}
            <input class="input mono" name="range" autocomplete="off" spellcheck="false" maxlength="100" placeholder="203.0.113.0/24"
              aria-invalid=${this.rangeError ? 'true' : 'false'} aria-describedby="range-hint range-msg" />
          </label>
          <label class="field">${t('blocking.reasonOptional')}
            <input class="input" name="reason" maxlength="500" autocomplete="off" />
          </label>
          <div class="submit"><button class="btn danger" type="submit" ?disabled=${this.busy}>${t('blocking.add')}</button></div>
        </form>
        ${this.rangeError ? html`<span class="error" id="range-msg" role="alert">${this.rangeError}</span>` : nothing}
        <p class="hint" id="range-hint">${t('blocking.rangeHint')}</p>
      </div>
      ${rows === null
        ? html`<div class="empty" aria-busy="true">${t('state.loading')}</div>`
        : rows.length === 0
          ? html`<div class="empty" data-empty="ranges">${t('blocking.noRanges')}</div>`
          : html`<div class="table-wrap"><table data-table="ranges">
              <thead><tr>
                <th scope="col">${t('blocking.range')}</th><th scope="col">${t('block.by')}</th>
                <th scope="col">${t('block.when')}</th><th scope="col">${t('block.reason')}</th><th scope="col"><span class="sr-only">${t('agents.actions')}</span></th>
              </tr></thead>
              <tbody>${rows.map(
                (r) => html`<tr data-range=${r.range}>
                  <td class="mono">${r.range}</td>
                  ${this.byAndWhen(r)}
                  <td class="actions"><button class="btn small" data-action="unblock" ?disabled=${this.busy}
                    aria-label=${`${t('block.undo')}: ${r.range}`}
                    @click=${() => this.undo(`/api/settings/blocking/ranges/${r.id}`, r.range)}>${t('block.undo')}</button></td>
                </tr>`,
              )}</tbody>
            </table></div>`}
    </section>`
  }

  private visitorsCard() {
    const t = this.t
    const rows = this.visitors
    return html`<section class="card" aria-labelledby="visitors-h">
      <h2 id="visitors-h">${t('blocking.visitorsTitle')}</h2>
      ${rows === null
        ? html`<div class="empty" aria-busy="true">${t('state.loading')}</div>`
        : rows.length === 0
          ? html`<div class="empty" data-empty="visitors">${t('blocking.noVisitors')}</div>`
          : html`<div class="table-wrap"><table data-table="visitors">
              <thead><tr>
                <th scope="col">${t('blocking.visitor')}</th><th scope="col">${t('block.by')}</th>
                <th scope="col">${t('block.when')}</th><th scope="col">${t('block.reason')}</th><th scope="col"><span class="sr-only">${t('agents.actions')}</span></th>
              </tr></thead>
              <tbody>${rows.map((v) => {
                const name = this.visitorName(v)
                return html`<tr data-visitor=${v.visitorId}>
                  <td>${name}</td>
                  ${this.byAndWhen(v)}
                  <td class="actions"><button class="btn small" data-action="unblock" ?disabled=${this.busy}
                    aria-label=${`${t('block.undo')}: ${name}`}
                    @click=${() => this.undo(`/api/visitors/${v.visitorId}/block`, name)}>${t('block.undo')}</button></td>
                </tr>`
              })}</tbody>
            </table></div>`}
    </section>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    return html`<div class="page">
      <div>
        <h1>${t('blocking.title')}</h1>
        <p class="lead">${t('blocking.lead')}</p>
      </div>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      ${this.rangesCard()}
      ${this.visitorsCard()}
    </div>`
  }
}

customElements.define('parley-blocking-settings', ParleyBlockingSettings)
