import { css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { dateTime } from '../format.ts'
import { channelIcon } from '../conversation-list/conversation-list.ts'
import { ratingBadge } from '../rating-badge/rating-badge.ts' // #16
import { cardStyles } from '../visitor-panel/visitor-panel.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-visitor-conversations': ParleyVisitorConversations
  }
}

/**
 * The visitor's other conversations, newest first (from this browser, and from other devices once
 * the site has verified who they are). Each is a link to #/c/<id>, so it opens in the thread view,
 * resolved ones too, and the browser's Back returns here.
 */
export class ParleyVisitorConversations extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'visitor']
  static override properties = {
    visitorId: { attribute: 'visitor-id' },
    conversationId: { attribute: 'conversation-id' },
  }
  static override styles = [
    tokens,
    controls,
    cardStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 2px;
      }
      a.conv {
        display: grid;
        gap: 2px;
        padding: 6px 8px;
        margin: 0 -8px;
        border-radius: var(--p-radius-s);
        color: inherit;
        text-decoration: none;
      }
      a.conv:hover {
        background: var(--p-hover);
        text-decoration: none;
      }
      .top {
        display: flex;
        align-items: center;
        gap: 6px;
        font-size: var(--p-fs-s);
        color: var(--p-text-muted);
      }
      .top time {
        margin-right: auto;
      }
      .channel {
        display: inline-flex;
      }
      .preview {
        font-size: var(--p-fs-s);
        color: var(--p-text);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    `,
  ]

  declare visitorId: string
  declare conversationId: string

  constructor() {
    super()
    this.visitorId = ''
    this.conversationId = ''
  }

  override render() {
    if (!this.hasStore || !this.visitorId) return nothing
    const t = this.session.t
    const loaded = this.visitor.visitorConversations.get(this.visitorId)
    const others = (loaded?.items ?? []).filter((c) => c.id !== this.conversationId)
    return html`<section aria-labelledby="earlier-h">
      <h3 id="earlier-h">${t('visitor.earlier')} ${others.length ? html`<span class="count">${others.length}</span>` : nothing}</h3>
      ${loaded?.error ? html`<p class="error" role="alert">${loaded.error} <button class="btn small" @click=${() => this.visitor.loadVisitorConversations(this.visitorId)}>${t('action.retry')}</button></p>` : nothing}
      ${others.length
        ? html`<ul data-earlier>
            ${repeat(
              others,
              (c) => c.id,
              (c) => html`<li>
                <a class="conv" href=${`#/c/${c.id}`} data-conversation=${c.id}>
                  <span class="top">
                    ${channelIcon(c.channel, t)}
                    <time datetime=${c.createdAt}>${dateTime(c.createdAt, this.session.lang)}</time>
                    <span class="badge ${c.status}">${c.status === 'open' ? t('status.open') : t('status.resolved')}</span>
                    ${ratingBadge(c.rating, t)}
                  </span>
                  <span class="preview">${c.lastMessage.preview}</span>
                </a>
              </li>`,
            )}
          </ul>`
        : loaded && !loaded.loading
          ? html`<p class="empty-line">${t('visitor.noEarlier')}</p>`
          : html`<p class="empty-line">${t('state.loading')}</p>`}
    </section>`
  }
}

customElements.define('parley-visitor-conversations', ParleyVisitorConversations)
