// #16: "X mentioned you in a note" — a highlighted notice in the mentioned agent's dashboard, live
// from the 'mention' frame, until they open the conversation or dismiss it.
import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { lockIcon } from '../composer/note-mode.styles.ts'
import { visitorLabel } from '../conversation-list/conversation-list.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-mention-toasts': ParleyMentionToasts
  }
}

export class ParleyMentionToasts extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'team']
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        position: fixed;
        right: var(--p-space-4);
        bottom: var(--p-space-4);
        z-index: 50;
        display: grid;
        gap: var(--p-space-2);
        max-width: min(24rem, calc(100vw - 2rem));
      }
      section {
        display: grid;
        gap: var(--p-space-2);
      }
      .toast {
        background: #fef9c3;
        border: 1px solid #d97706;
        border-left-width: 5px;
        border-radius: var(--p-radius);
        box-shadow: var(--p-shadow-l);
        padding: var(--p-space-3);
        color: #422006;
      }
      .toast p {
        margin: 0 0 4px;
      }
      .title {
        display: flex;
        gap: 6px;
        align-items: center;
        font-weight: 600;
      }
      .body {
        color: #713f12;
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 3;
        -webkit-box-orient: vertical;
        white-space: pre-wrap;
      }
      .row {
        display: flex;
        gap: var(--p-space-2);
        margin-top: var(--p-space-2);
      }
    `,
  ]

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.session.t
    const mentions = this.team.mentions
    // The live region is there before its first toast: one added together with its content is
    // often not read out at all.
    return html`<section role="status" aria-live="polite" aria-label=${t('note.label')}>
      ${mentions.map(
        ({ note, conversation }) => html`<div class="toast" data-mention=${note.id}>
          <p class="title">${lockIcon()} ${t('note.mentioned', { name: note.authorName ?? '', visitor: visitorLabel(conversation, t) })}</p>
          <p class="body">${note.body}</p>
          <div class="row">
            <a class="btn small primary" href=${`#/c/${conversation.id}`} @click=${() => this.team.dismissMention(note.id)}>${t('note.open')}</a>
            <button class="btn small" type="button" @click=${() => this.team.dismissMention(note.id)}>${t('note.dismiss')}</button>
          </div>
        </div>`,
      )}
    </section>`
  }
}

customElements.define('parley-mention-toasts', ParleyMentionToasts)
