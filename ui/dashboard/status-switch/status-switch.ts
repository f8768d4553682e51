import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls, visuallyHidden } from '../../shared/tokens.ts'
import type { AgentStatus } from '../../../server/realtime/wire.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-status-switch': ParleyStatusSwitch
  }
}

const STATUSES: AgentStatus[] = ['online', 'away', 'offline']

/** Online / Away / Offline as a radio group (arrow keys move and choose, like native radios). */
export class ParleyStatusSwitch extends StoreElement {
  static override properties = { error: { state: true } }
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: inline-flex;
        align-items: center;
      }
      .group {
        display: inline-flex;
        padding: 3px;
        gap: 2px;
        border-radius: 999px;
        background: rgba(255, 255, 255, 0.08);
        border: 1px solid rgba(255, 255, 255, 0.14);
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        border: none;
        background: none;
        color: #cbd5e1;
        padding: 4px 10px;
        border-radius: 999px;
        font-size: var(--p-fs-s);
        font-weight: 600;
        cursor: pointer;
      }
      button:focus-visible {
        box-shadow: var(--p-focus-dark);
      }
      button[aria-checked='true'] {
        background: #fff;
        color: var(--p-text);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
      }
      .online { background: var(--p-online); }
      .away { background: var(--p-away); }
      .offline { background: var(--p-offline); }
      .error {
        margin-left: 8px;
        color: #fecaca;
      }
      /* Phones: three labelled pills ("Online · Abwesend · Offline") leave no room for the
         navigation, so the dots stand alone; the words stay for screen readers and as titles. */
      @media (max-width: 700px) {
        button {
          padding: 6px 8px;
        }
        .label {
          ${visuallyHidden}
        }
      }
    `,
  ]

  declare error: string

  constructor() {
    super()
    this.error = ''
  }

  private async pick(status: AgentStatus) {
    this.error = ''
    try {
      await this.session.setStatus(status)
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private onKeydown(e: KeyboardEvent) {
    const current = STATUSES.indexOf(this.session.me?.status ?? 'online')
    let next = -1
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (current + 1) % STATUSES.length
    if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (current + STATUSES.length - 1) % STATUSES.length
    if (next < 0) return
    e.preventDefault()
    void this.pick(STATUSES[next]!)
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-status=${STATUSES[next]}]`)?.focus())
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const status = this.session.me.status
    return html`<div class="group" role="radiogroup" aria-label=${t('status.label')} @keydown=${this.onKeydown}>
        ${STATUSES.map(
          (s) => html`<button role="radio" data-status=${s} aria-checked=${s === status ? 'true' : 'false'} tabindex=${s === status ? 0 : -1}
            title=${t(`status.${s}`)} @click=${() => this.pick(s)}><span class="dot ${s}" aria-hidden="true"></span><span class="label">${t(`status.${s}`)}</span></button>`,
        )}
      </div>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}`
  }
}

customElements.define('parley-status-switch', ParleyStatusSwitch)
