// <parley-messenger-window>: above the composer of a Messenger conversation, how long a reply can
// still go out (Meta's 24-hour window, or the 7 days of the HUMAN_AGENT tag where the owner enabled
// it), and once it has closed, why nothing can be sent.
import { css, html, nothing, type PropertyValues } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens } from '../../shared/tokens.ts'
import { messengerIcon } from '../icons.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-messenger-window': ParleyMessengerWindow
  }
}

interface WindowView {
  lastInboundAt: string | null
  responseEndsAt: string | null
  humanAgentEndsAt: string | null
  mode: 'RESPONSE' | 'HUMAN_AGENT' | 'closed'
  reason: 'needs_tag' | 'closed' | null
  now: string
}

const SEVEN_DAYS = 7 * 24 * 3600_000

/** "21 h 5 min", "40 min", "3 days 2 h" in the dashboard's language, from Intl's own unit names. */
export function duration(ms: number, lang: string): string {
  const unit = (n: number, u: 'day' | 'hour' | 'minute') => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: u === 'day' ? 'long' : 'short' }).format(n)
  const minutes = Math.max(1, Math.floor(ms / 60_000))
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const mins = minutes % 60
  if (days > 0) return hours ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day')
  if (hours > 0) return mins ? `${unit(hours, 'hour')} ${unit(mins, 'minute')}` : unit(hours, 'hour')
  return unit(mins, 'minute')
}

export class ParleyMessengerWindow extends StoreElement {
  static override properties = {
    conversationId: { attribute: 'conversation-id' },
    last: {},
    view: { state: true },
    tick: { state: true },
  }
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
      }
      .line {
        display: flex;
        gap: 8px;
        align-items: center;
        padding: 6px var(--p-space-4);
        font-size: var(--p-fs-s);
        color: var(--p-text-muted);
      }
      .line.closed {
        background: var(--p-warning-soft);
        color: var(--p-warning);
        font-weight: 600;
      }
      svg {
        flex: none;
      }
    `,
  ]

  declare conversationId: string
  declare last: string
  declare view: WindowView | null
  declare tick: number
  /** The server's clock minus ours, so the time left does not depend on this computer's clock. */
  private skew = 0
  private timer: ReturnType<typeof setInterval> | null = null

  constructor() {
    super()
    this.view = null
    this.tick = 0
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.timer = setInterval(() => (this.tick = Date.now()), 30_000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    if (this.timer) clearInterval(this.timer)
  }

  protected override willUpdate(changed: PropertyValues): void {
    if ((changed.has('conversationId') || changed.has('last')) && this.conversationId && this.hasStore) void this.load()
  }

  private async load() {
    const id = this.conversationId
    try {
      const v = await this.session.api.get<WindowView>(`/api/conversations/${id}/messenger`)
      if (id !== this.conversationId) return
      this.skew = Date.parse(v.now) - Date.now()
      this.view = v
    } catch {
      this.view = null
    }
  }

  override render() {
    const v = this.view
    if (!v || !this.hasStore) return nothing
    const t = this.t
    const now = Date.now() + this.skew
    const lang = this.session.lang
    const left = (until: string | null) => (until ? Date.parse(until) - now : 0)
    // The window may have closed since the server was asked.
    if (v.mode === 'RESPONSE' && left(v.responseEndsAt) > 0) {
      return html`<div class="line" data-window="open">${messengerIcon(14)}<span>${t('messenger.windowOpen', { time: duration(left(v.responseEndsAt), lang) })}</span></div>`
    }
    if ((v.mode === 'RESPONSE' || v.mode === 'HUMAN_AGENT') && v.humanAgentEndsAt && left(v.humanAgentEndsAt) > 0) {
      return html`<div class="line" data-window="tag">${messengerIcon(14)}<span>${t('messenger.windowTag', { time: duration(left(v.humanAgentEndsAt), lang) })}</span></div>`
    }
    const tagLeft = v.lastInboundAt ? Date.parse(v.lastInboundAt) + SEVEN_DAYS - now : 0
    if (v.reason === 'needs_tag' && tagLeft > 0) {
      return html`<div class="line closed" role="status" data-window="needs-tag">${messengerIcon(14)}<span>${t('messenger.windowNeedsTag', { time: duration(tagLeft, lang) })}</span></div>`
    }
    return html`<div class="line closed" role="status" data-window="closed">${messengerIcon(14)}<span>${t('messenger.windowClosed')}</span></div>`
  }
}

customElements.define('parley-messenger-window', ParleyMessengerWindow)
