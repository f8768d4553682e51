import { css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import type { PageView } from '../../shared/types.ts'
import type { Visitor } from '../../../server/realtime/wire.ts'
import { HISTORY } from '../stores/visitor.ts'
import { clockTime, dateTime, shortDate } from '../format.ts'
import { chevronIcon } from '../icons.ts'
import { cardStyles } from '../visitor-panel/visitor-panel.styles.ts'
import { pathOf, safeHref, shortUrl, visitReferrer } from '../visitor-panel/card.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-visitor-activity': ParleyVisitorActivity
  }
}

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()

/**
 * Where the visitor is and has been: the current page (live while they are on the site), the
 * referrer of the visit and the latest page views, also single-page-app navigations. The `visitor`
 * frame of every page view updates it (the store reloads the history).
 */
export class ParleyVisitorActivity extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'visitor']
  static override properties = {
    visitorId: { attribute: 'visitor-id' },
    historyOpen: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .now {
        display: flex;
        gap: 8px;
        align-items: baseline;
      }
      .now .dot {
        transform: translateY(-1px);
      }
      .now-body {
        min-width: 0;
        flex: 1;
      }
      .page-title {
        display: block;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .label {
        display: block;
        font-size: var(--p-fs-s);
        color: var(--p-text-muted);
        margin-bottom: 2px;
      }
      .referrer {
        margin-top: var(--p-space-3);
        font-size: var(--p-fs-s);
        color: var(--p-text-soft);
        overflow-wrap: anywhere;
      }
      .toggle {
        display: flex;
        align-items: center;
        gap: 6px;
        width: 100%;
        padding: 0;
        margin: 0;
        border: none;
        background: none;
        cursor: pointer;
        font: inherit;
        color: inherit;
        text-align: left;
      }
      h3.toggle-h {
        margin: 0;
      }
      .toggle {
        text-transform: inherit;
        letter-spacing: inherit;
        font-weight: inherit;
        color: inherit;
        border-radius: var(--p-radius-s);
      }
      .toggle .chev {
        margin-left: auto;
        color: var(--p-text-muted);
        transition: transform 0.15s;
        display: inline-flex;
      }
      .toggle[aria-expanded='false'] .chev {
        transform: rotate(-90deg);
      }
      /* One grid for all rows, so the time column is as wide as the widest time ("12:45 PM"). */
      ol {
        list-style: none;
        margin: var(--p-space-3) 0 0;
        padding: 0;
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 8px 10px;
        font-size: var(--p-fs-s);
      }
      li {
        display: contents;
      }
      li time {
        color: var(--p-text-muted);
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
        line-height: 18px;
      }
      li > div {
        min-width: 0;
        line-height: 18px;
      }
      li .t {
        display: block;
        color: var(--p-text);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      li.current .t {
        font-weight: 600;
      }
      li .url {
        font-size: 11px;
      }
    `,
  ]

  declare visitorId: string
  declare historyOpen: boolean

  constructor() {
    super()
    this.visitorId = ''
    this.historyOpen = true
  }

  private current(v: Visitor) {
    const t = this.t
    const page = v.currentPage
    if (!page) return html`<p class="empty-line">${t('visitor.noPages')}</p>`
    const href = safeHref(page.url)
    const title = page.title?.trim() || shortUrl(page.url)
    return html`<div class="now" data-current-page=${page.url}>
      <span class="dot ${v.online ? 'on' : ''}" aria-hidden="true"></span>
      <div class="now-body">
        <span class="label">${v.online ? t('visitor.nowOn') : t('visitor.lastPage')}</span>
        ${href
          ? html`<a class="page-title" href=${href} target="_blank" rel="noopener noreferrer" title=${t('visitor.opensNewTab')}>${title}</a>`
          : html`<span class="page-title">${title}</span>`}
        <span class="url" title=${page.url}>${shortUrl(page.url)}</span>
      </div>
    </div>`
  }

  private time(at: string) {
    const d = new Date(at)
    const lang = this.session.lang
    return html`<time datetime=${at} title=${dateTime(at, lang)}>${sameDay(d, new Date())
      ? clockTime(at, lang)
      : shortDate(at, lang)}</time>`
  }

  private history(pages: PageView[], currentUrl: string | null) {
    const t = this.t
    return html`<ol data-history>
      ${repeat(
        pages,
        (p) => `${p.at}|${p.url}`,
        (p, i) => {
          const href = safeHref(p.url)
          const title = p.title.trim() || t('visitor.untitled')
          return html`<li class=${i === 0 && p.url === currentUrl ? 'current' : ''} data-page=${p.url}>
            ${this.time(p.at)}
            <div>
              ${href ? html`<a class="t" href=${href} target="_blank" rel="noopener noreferrer" title=${title}>${title}</a>` : html`<span class="t">${title}</span>`}
              <span class="url" title=${p.url}>${pathOf(p.url)}</span>
            </div>
          </li>`
        },
      )}
    </ol>`
  }

  override render() {
    if (!this.hasStore || !this.visitorId) return nothing
    const t = this.session.t
    const v = this.visitor.visitors.get(this.visitorId)
    if (!v) return nothing
    const pages = this.visitor.visitorPages.get(this.visitorId)
    const items = pages?.items ?? []
    const referrer = visitReferrer(v, items)
    const refHref = safeHref(referrer)
    // Nothing known (an e-mail or Messenger contact, or a widget that never reported a page): one calm line.
    if (!v.currentPage && !referrer && items.length === 0 && !pages?.loading && !pages?.error) {
      return html`<section aria-labelledby="history-h">
        <h3 id="history-h">${t('visitor.history')}</h3>
        <p class="empty-line">${t('visitor.noPages')}</p>
      </section>`
    }
    return html`
      <section aria-labelledby="now-h">
        <h3 id="now-h">${t('visitor.onSite')}</h3>
        ${this.current(v)}
        <div class="referrer" data-referrer=${referrer ?? ''}>
          <span class="label">${t('visitor.referrer')}</span>
          ${referrer
            ? refHref
              ? html`<a href=${refHref} target="_blank" rel="noopener noreferrer" title=${referrer}>${shortUrl(referrer)}</a>`
              : html`<span>${shortUrl(referrer)}</span>`
            : html`<span class="muted">${t('visitor.noReferrer')}</span>`}
        </div>
      </section>
      <section aria-labelledby="history-h">
        <h3 id="history-h" class="toggle-h">
          <button class="toggle" aria-expanded=${this.historyOpen ? 'true' : 'false'} aria-controls="history" @click=${() => (this.historyOpen = !this.historyOpen)}>
            <span class="label-text">${t('visitor.history')}</span>
            ${items.length ? html`<span class="count">${items.length}</span>` : nothing}
            <span class="chev">${chevronIcon()}</span>
          </button>
        </h3>
        <div id="history" ?hidden=${!this.historyOpen}>
          ${pages?.error ? html`<p class="error" role="alert">${pages.error} <button class="btn small" @click=${() => this.visitor.loadPages(this.visitorId)}>${t('action.retry')}</button></p>` : nothing}
          ${items.length
            ? this.history(items, v.currentPage?.url ?? null)
            : pages?.loading
              ? html`<p class="empty-line">${t('state.loading')}</p>`
              : html`<p class="empty-line">${t('visitor.noPages')}</p>`}
          ${items.length >= HISTORY ? html`<p class="hint">${t('visitor.historyLatest', { count: HISTORY })}</p>` : nothing}
        </div>
      </section>
    `
  }
}

customElements.define('parley-visitor-activity', ParleyVisitorActivity)
