import { css, html, nothing, type PropertyValues } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { dateTime } from '../format.ts'
import { cardStyles } from '../visitor-panel/visitor-panel.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-visitor-block': ParleyVisitorBlock
  }
}

/** GET/PUT /api/visitors/:id/block (server/domain/blocking/blocking.types.ts). */
export interface VisitorBlock {
  visitorId: string
  reason: string | null
  blockedBy: { id: string; name: string } | null
  blockedAt: string
}

/**
 * Blocking (#16) on the visitor card: "Block visitor" asks for a confirmation and an optional
 * reason; a blocked visitor's card says so (who, when, why) and offers to unblock. Any agent may
 * do both; the owner sees every block under Settings › Blocking.
 */
export class ParleyVisitorBlock extends StoreElement {
  static override properties = {
    visitorId: { attribute: 'visitor-id' },
    block: { state: true },
    loaded: { state: true },
    confirming: { state: true },
    busy: { state: true },
    error: { state: true },
    notice: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    cardStyles,
    css`
      :host {
        display: block;
      }
      section {
        border-bottom: 0;
      }
      .lead {
        margin: 0 0 var(--p-space-3);
        font-size: var(--p-fs-s);
        color: var(--p-text-soft);
        line-height: 1.45;
      }
      .status {
        display: flex;
        align-items: center;
        gap: 6px;
        margin: 0 0 var(--p-space-3);
        font-weight: 600;
        color: var(--p-danger);
        font-size: var(--p-fs-s);
      }
      form {
        display: grid;
        gap: var(--p-space-3);
      }
      label.field {
        font-size: var(--p-fs-s);
      }
      textarea.input {
        min-height: 56px;
        resize: vertical;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .error {
        color: var(--p-danger);
        font-size: var(--p-fs-s);
      }
      .notice {
        color: var(--p-success);
        font-size: var(--p-fs-s);
        margin: var(--p-space-3) 0 0;
      }
      .facts {
        margin-bottom: var(--p-space-3);
      }
    `,
  ]

  declare visitorId: string
  declare block: VisitorBlock | null
  declare loaded: boolean
  declare confirming: boolean
  declare busy: boolean
  declare error: string
  declare notice: string

  constructor() {
    super()
    this.block = null
    this.loaded = false
    this.confirming = false
    this.busy = false
    this.error = ''
    this.notice = ''
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('visitorId') && this.visitorId) {
      this.block = null
      this.loaded = false
      this.confirming = false
      this.error = ''
      this.notice = ''
      void this.updateComplete.then(() => this.load(this.visitorId))
    }
  }

  private async load(id: string) {
    try {
      const r = await this.session.api.get<{ block: VisitorBlock | null }>(`/api/visitors/${id}/block`)
      if (id !== this.visitorId) return
      this.block = r.block
      this.loaded = true
    } catch (e) {
      if (id === this.visitorId) this.error = this.session.errorText(e)
    }
  }

  private startConfirm() {
    this.confirming = true
    this.notice = ''
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name=reason]')?.focus())
  }

  private async confirmBlock(e: SubmitEvent) {
    e.preventDefault()
    const id = this.visitorId
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim()
    this.busy = true
    this.error = ''
    try {
      const r = await this.session.api.put<{ block: VisitorBlock }>(`/api/visitors/${id}/block`, { reason: reason || null })
      if (id !== this.visitorId) return
      this.block = r.block
      this.confirming = false
    } catch (err) {
      this.error = err instanceof ApiError && err.status === 400 ? this.t('error.tooLong') : this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private async unblock() {
    const id = this.visitorId
    this.busy = true
    this.error = ''
    try {
      await this.session.api.delete(`/api/visitors/${id}/block`)
      if (id !== this.visitorId) return
      this.block = null
      this.notice = this.t('block.undone')
    } catch (err) {
      this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  override render() {
    if (!this.hasStore || !this.visitorId) return nothing
    const t = this.t
    const b = this.block
    return html`<section aria-labelledby="block-h" data-blocked=${b ? 'true' : 'false'}>
      <h3 id="block-h">${t('block.title')}</h3>
      ${!this.loaded
        ? this.error
          ? html`<p class="error" role="alert">${this.error}</p>`
          : html`<p class="empty-line">${t('state.loading')}</p>`
        : b
          ? html`<p class="status" role="status">${t('block.status')}</p>
              <dl class="facts">
                <dt>${t('block.by')}</dt><dd data-block-by>${b.blockedBy?.name ?? '—'}</dd>
                <dt>${t('block.when')}</dt><dd>${dateTime(b.blockedAt, this.session.lang)}</dd>
                ${b.reason ? html`<dt>${t('block.reason')}</dt><dd data-block-reason>${b.reason}</dd>` : nothing}
              </dl>
              <button class="btn small" data-action="unblock" ?disabled=${this.busy} @click=${() => this.unblock()}>${t('block.undo')}</button>`
          : this.confirming
            ? html`<form data-form="block" @submit=${this.confirmBlock} novalidate>
                <p class="lead" id="block-lead">${t('block.lead')}</p>
                <label class="field">${t('block.reasonOptional')}
                  <textarea class="input" name="reason" maxlength="500" aria-describedby="block-lead"></textarea>
                </label>
                <div class="buttons">
                  <button class="btn small danger" type="submit" ?disabled=${this.busy}>${t('block.confirm')}</button>
                  <button class="btn small" type="button" @click=${() => (this.confirming = false)}>${t('action.cancel')}</button>
                </div>
              </form>`
            : html`<button class="btn small danger" data-action="block" @click=${() => this.startConfirm()}>${t('block.action')}</button>`}
      ${this.loaded && this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
    </section>`
  }
}

customElements.define('parley-visitor-block', ParleyVisitorBlock)
