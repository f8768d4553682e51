// <parley-messenger-banner>: a banner across the dashboard while the Messenger channel fails
// (Meta's last error, or an expired page token), so nobody believes replies still arrive; the
// owner gets a link to the settings where it is fixed. Checked on load and every minute.
import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens } from '../../shared/tokens.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-messenger-banner': ParleyMessengerBanner
  }
}

export class ParleyMessengerBanner extends StoreElement {
  static override properties = { error: { state: true } }
  static override styles = [
    tokens,
    css`
      .banner {
        padding: 6px var(--p-space-4);
        background: var(--p-danger-soft);
        color: var(--p-danger);
        font-size: var(--p-fs-s);
        font-weight: 600;
        text-align: center;
        overflow-wrap: anywhere;
      }
      a {
        color: inherit;
        margin-left: 8px;
      }
    `,
  ]

  declare error: string | null
  private timer: ReturnType<typeof setInterval> | null = null

  constructor() {
    super()
    this.error = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.check())
    this.timer = setInterval(() => void this.check(), 60_000)
    addEventListener('hashchange', this.check)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    if (this.timer) clearInterval(this.timer)
    removeEventListener('hashchange', this.check)
  }

  private check = async () => {
    if (!this.hasStore) return
    try {
      const s = (await this.session.api.get<{ messenger?: { state: string; error: string | null } }>('/api/channels/status')).messenger
      this.error = s?.state === 'failing' ? (s.error ?? '') : null
    } catch {
      // The connection banner speaks for a server that cannot be reached.
    }
  }

  override render() {
    if (this.error === null || !this.hasStore) return nothing
    const t = this.t
    return html`<div class="banner" role="alert">
      ${t('messenger.failing', { error: this.error })}
      ${this.session.me?.role === 'owner' ? html`<a href="#/messenger">${t('messenger.fix')}</a>` : nothing}
    </div>`
  }
}

customElements.define('parley-messenger-banner', ParleyMessengerBanner)
