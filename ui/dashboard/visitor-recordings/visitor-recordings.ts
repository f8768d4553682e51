import { css, html, nothing, type PropertyValues } from 'lit'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { dateTime } from '../format.ts'
import { cardStyles } from '../visitor-panel/visitor-panel.styles.ts'
import { REPLAY_ESCAPE } from '../replay/escape.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-visitor-recordings': ParleyVisitorRecordings
  }
}

/** GET /api/visitors/:id/recordings (server/domain/recordings/recordings.types.ts). */
interface RecordingItem {
  id: string
  startedAt: string
  endedAt: string
  durationMs: number
  pages: number
  bytes: number
  status: 'live' | 'saved'
}

/** The list follows the visitor: a live recording becomes a saved one a few minutes after they leave. */
const REFRESH_MS = 15_000

const playIcon = html`<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><path d="M4 2.5v11l9-5.5z" fill="currentColor"/></svg>`

/**
 * The visitor card's recordings: each saved visit with its start, length, pages and size, and
 * while the visitor is on the site the current one, to watch live. Opening one shows the replay
 * page (/replay, its own bundle and policy) in a dialog.
 */
export class ParleyVisitorRecordings extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'visitor']
  static override properties = {
    visitorId: { attribute: 'visitor-id' },
    items: { state: true },
    failed: { state: true },
    openId: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    cardStyles,
    css`
      :host {
        display: block;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 10px;
        font-size: var(--p-fs-s);
      }
      li > div {
        flex: 1;
        min-width: 0;
      }
      .when {
        display: block;
        color: var(--p-text);
      }
      .facts-line {
        color: var(--p-text-muted);
      }
      .live {
        color: #b91c1c;
        font-weight: 600;
      }
      .btn svg {
        margin-right: 4px;
      }
      dialog {
        width: min(1280px, 96vw);
        height: min(860px, 92vh);
        padding: 0;
        border: none;
        border-radius: var(--p-radius-l, 12px);
        box-shadow: 0 20px 50px rgba(0, 0, 0, 0.3);
        overflow: hidden;
      }
      dialog::backdrop {
        background: rgba(17, 24, 39, 0.55);
      }
      .dialog {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        height: 100%;
      }
      .dialog header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 12px;
        padding: 10px 14px;
        border-bottom: 1px solid var(--p-border);
      }
      .dialog h2 {
        margin: 0;
        font-size: var(--p-fs-m, 15px);
      }
      .dialog iframe {
        width: 100%;
        height: 100%;
        border: 0;
        display: block;
      }
    `,
  ]

  declare visitorId: string
  declare items: RecordingItem[] | null
  declare failed: boolean
  declare openId: string | null
  private timer: ReturnType<typeof setInterval> | undefined
  private online: boolean | undefined

  constructor() {
    super()
    this.visitorId = ''
    this.items = null
    this.failed = false
    this.openId = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.timer = setInterval(() => void this.load(), REFRESH_MS)
    addEventListener('message', this.onFrameMessage)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.timer)
    removeEventListener('message', this.onFrameMessage)
  }

  /** Escape pressed inside the replay's frame (the keys stay there): close as Escape here would. */
  private onFrameMessage = (e: MessageEvent) => {
    const frame = this.renderRoot.querySelector<HTMLIFrameElement>('iframe.replay')
    if (!frame || e.source !== frame.contentWindow || e.origin !== location.origin) return
    if ((e.data as { type?: unknown } | null)?.type === REPLAY_ESCAPE) this.close()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasStore) return
    const online = this.visitor.visitors.get(this.visitorId)?.online
    if (changed.has('visitorId')) {
      this.items = null
      this.online = online
      void this.load()
    } else if (online !== this.online) {
      // Arrived (a live recording starts) or left (it will be saved): look again.
      this.online = online
      void this.load()
    }
  }

  private async load(): Promise<void> {
    const id = this.visitorId
    if (!id || !this.hasStore) return
    try {
      const items = await this.session.api.get<RecordingItem[]>(`/api/visitors/${encodeURIComponent(id)}/recordings`)
      if (id !== this.visitorId) return
      this.items = items
      this.failed = false
    } catch {
      if (id === this.visitorId) this.failed = true
    }
  }

  private size(bytes: number): string {
    const lang = this.session.lang
    const mb = bytes >= 1024 * 1024
    return new Intl.NumberFormat(lang, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', unitDisplay: 'short', maximumFractionDigits: mb ? 1 : 0 }).format(
      mb ? bytes / (1024 * 1024) : Math.max(1, bytes / 1024),
    )
  }

  private length(ms: number): string {
    const s = Math.max(1, Math.round(ms / 1000))
    const lang = this.session.lang
    const unit = (n: number, u: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n)
    if (s < 60) return unit(s, 'second')
    if (s < 3600) return `${unit(Math.floor(s / 60), 'minute')} ${unit(s % 60, 'second')}`
    return `${unit(Math.floor(s / 3600), 'hour')} ${unit(Math.floor((s % 3600) / 60), 'minute')}`
  }

  private async open(id: string): Promise<void> {
    this.openId = id
    await this.updateComplete
    this.renderRoot.querySelector('dialog')?.showModal()
  }

  private close(): void {
    this.renderRoot.querySelector('dialog')?.close()
  }

  override render() {
    if (!this.hasStore || !this.visitorId) return nothing
    const t = this.session.t
    const online = this.visitor.visitors.get(this.visitorId)?.online === true
    // A live recording of a visitor who has gone is waiting to be saved: not worth watching live.
    const items = (this.items ?? []).filter((r) => r.status === 'saved' || online)
    return html`<section aria-labelledby="rec-h">
      <h3 id="rec-h">${t('recordings.title')}</h3>
      ${this.failed && this.items === null
        ? html`<p class="error" role="alert">${t('recordings.failed')} <button class="btn small" @click=${() => this.load()}>${t('action.retry')}</button></p>`
        : this.items === null
          ? html`<p class="empty-line">${t('state.loading')}</p>`
          : items.length === 0
            ? html`<p class="empty-line" data-no-recordings>${t('recordings.none')}</p>`
            : html`<ol data-recordings>
                ${items.map(
                  (r) => html`<li data-recording=${r.id} data-status=${r.status}>
                    <div>
                      <span class="when">${r.status === 'live' ? html`<span class="live">${t('recordings.live')}</span> · ` : nothing}${dateTime(r.startedAt, this.session.lang)}</span>
                      <span class="facts-line">${this.length(r.durationMs)} · ${t('recordings.pages', { count: r.pages })} · ${this.size(r.bytes)}</span>
                    </div>
                    <button class="btn small" data-action="play-recording" @click=${() => this.open(r.id)}>
                      ${playIcon}${r.status === 'live' ? t('recordings.watchLive') : t('recordings.play')}
                    </button>
                  </li>`,
                )}
              </ol>`}
      <dialog aria-labelledby="replay-h" @close=${() => (this.openId = null)}>
        ${this.openId
          ? html`<div class="dialog">
              <header>
                <h2 id="replay-h">${t('recordings.dialogTitle')}</h2>
                <button class="btn small" data-action="close-replay" @click=${() => this.close()}>${t('recordings.close')}</button>
              </header>
              <iframe class="replay" title=${t('recordings.dialogTitle')} src=${`/replay?id=${encodeURIComponent(this.openId)}&lang=${this.session.lang}`}></iframe>
            </div>`
          : nothing}
      </dialog>
    </section>`
  }
}

customElements.define('parley-visitor-recordings', ParleyVisitorRecordings)
