// #16: whether the widget asks for a rating once a conversation is resolved, and on which scale
// (a card on the widget settings page; the owner changes it, others see it).
import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { pageStyles } from '../agents-page/page.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-rating-settings': ParleyRatingSettings
  }
}

type Mode = 'thumbs' | 'stars' | 'off'
const MODES: Mode[] = ['thumbs', 'stars', 'off']
const LABEL = { thumbs: 'rating.modeThumbs', stars: 'rating.modeStars', off: 'rating.modeOff' } as const

export class ParleyRatingSettings extends StoreElement {
  static override properties = {
    mode: { state: true },
    saving: { state: true },
    notice: { state: true },
    error: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--p-space-2);
      }
      legend {
        margin-bottom: var(--p-space-3);
        color: var(--p-text-soft);
        padding: 0;
      }
      .check {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .status {
        margin: var(--p-space-3) 0 0;
        color: var(--p-text-soft);
      }
    `,
  ]

  declare mode: Mode | null
  declare saving: boolean
  declare notice: string
  declare error: string
  private requested = false

  constructor() {
    super()
    this.mode = null
    this.saving = false
    this.notice = ''
    this.error = ''
  }

  protected override willUpdate(): void {
    if (this.hasStore && !this.requested) {
      this.requested = true
      void this.load()
    }
  }

  private async load(): Promise<void> {
    try {
      this.mode = (await this.session.api.get<{ mode: Mode }>('/api/settings/rating')).mode
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private async pick(mode: Mode) {
    const before = this.mode
    this.mode = mode
    this.saving = true
    this.notice = ''
    this.error = ''
    try {
      this.mode = (await this.session.api.put<{ mode: Mode }>('/api/settings/rating', { mode })).mode
      this.notice = this.t('rating.saved')
    } catch (e) {
      this.mode = before
      this.error = this.session.errorText(e)
    } finally {
      this.saving = false
    }
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const owner = this.session.me.role === 'owner'
    return html`<section class="card" aria-labelledby="rating-settings-h">
      <h2 id="rating-settings-h">${t('rating.settingTitle')}</h2>
      <div class="card-body">
        ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
        ${this.mode
          ? html`<fieldset data-rating-mode=${this.mode}>
              <legend>${t('rating.settingLead')}</legend>
              ${MODES.map(
                (m) => html`<label class="check"><input type="radio" name="rating-mode" value=${m} .checked=${this.mode === m}
                  ?disabled=${!owner || this.saving} @change=${() => this.pick(m)} /><span>${t(LABEL[m])}</span></label>`,
              )}
            </fieldset>`
          : !this.error
            ? html`<p class="muted">${t('state.loading')}</p>`
            : nothing}
        <p class="status" role="status">${this.notice}</p>
      </div>
    </section>`
  }
}

customElements.define('parley-rating-settings', ParleyRatingSettings)
