// The rating a resolved conversation asks for (#16): good / bad or 1–5 stars, as the owner chose,
// and an optional comment. Choices are radio buttons in a fieldset, so arrows, Tab and Space work
// as they do everywhere; nothing is sent while the visitor is choosing (arrowing through stars
// would send each one), but a choice made is not lost: it is sent with "Send rating", or when the
// visitor closes the chat or leaves the page without pressing it (<parley-chat> asks `pending()`).
// It only collects; <parley-chat> sends it and reports back through `state`. A second rating
// replaces the first (the server keeps one per conversation), so "Change rating" is offered after
// the thanks.
import { LitElement, html, nothing } from 'lit'
import type { Strings } from '../i18n/index.ts'
import { en } from '../i18n/en.ts'
import { styles } from './parley-rating.styles.ts'

export type RatingMode = 'thumbs' | 'stars'
export const MAX_COMMENT = 1000

export class ParleyRateEvent extends Event {
  constructor(readonly score: number, readonly comment: string) {
    super('parley-rate', { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-rating': ParleyRating
  }
  interface GlobalEventHandlersEventMap {
    'parley-rate': ParleyRateEvent
  }
}

const thumbUp = html`<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6c-.4.4-.6.9-.6 1.4v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/></svg>`
const thumbDown = html`<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="currentColor" d="M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1L17.4 16.4c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z"/></svg>`
const star = html`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" d="M12 17.3l6.2 3.7-1.6-7 5.4-4.7-7.2-.6L12 2 9.2 8.7 2 9.3l5.4 4.7-1.6 7z"/></svg>`

export class ParleyRating extends LitElement {
  static override styles = styles
  static override properties = {
    strings: { attribute: false },
    mode: { attribute: false },
    /** The score already given (from the conversation), or null. */
    given: { attribute: false },
    state: { attribute: false },
    score: { state: true },
    editing: { state: true },
  }
  declare strings: Strings
  declare mode: RatingMode
  declare given: number | null
  declare state: 'idle' | 'busy' | 'failed'
  declare score: number | null
  declare editing: boolean

  constructor() {
    super()
    this.strings = en
    this.mode = 'thumbs'
    this.given = null
    this.state = 'idle'
    this.score = null
    this.editing = false
  }

  private choices(): { score: number; label: string; icon: unknown }[] {
    const t = this.strings
    if (this.mode === 'thumbs') {
      return [
        { score: 1, label: t.rateGood, icon: thumbUp },
        { score: 0, label: t.rateBad, icon: thumbDown },
      ]
    }
    return [1, 2, 3, 4, 5].map((n) => ({ score: n, label: t.rateStars(n), icon: star }))
  }

  private submit(e: Event) {
    e.preventDefault()
    if (this.score === null || this.state === 'busy') return
    this.dispatchEvent(new ParleyRateEvent(this.score, this.comment()))
  }

  protected override updated(changed: Map<string, unknown>): void {
    // The comment and the button appear once a choice is made: keep them in view in the chat.
    if (changed.has('score') && changed.get('score') === null && this.score !== null) {
      this.renderRoot.querySelector('.send')?.scrollIntoView({ block: 'nearest' })
    }
  }

  /**
   * A choice the visitor made and has not sent (with what is typed as its comment), or null: for
   * the parent to send when the chat closes or the page goes away.
   */
  pending(): { score: number; comment: string } | null {
    if (this.score === null || this.state === 'busy') return null
    if (this.given !== null && !this.editing) return null
    const comment = this.comment()
    // "Change rating" opened and left as it was: nothing new to send.
    if (this.score === this.given && comment === '') return null
    return { score: this.score, comment }
  }

  /** What is typed as the comment (the box shows once a choice is made). */
  private comment(): string {
    return ((this.renderRoot?.querySelector('textarea') as HTMLTextAreaElement | null)?.value ?? '').trim()
  }

  /** The parent's answer: sent. */
  done() {
    this.editing = false
  }

  override render() {
    const t = this.strings
    if (this.given !== null && !this.editing && this.state !== 'failed') {
      const label = this.mode === 'thumbs' ? (this.given === 1 ? t.rateGood : t.rateBad) : t.rateStars(this.given)
      return html`<p class="thanks" role="status" data-state="rated">
        <span>${t.rateThanks}</span> <span class="given">(${label})</span>
        <button class="link" type="button" @click=${() => ((this.editing = true), (this.score = this.given))}>${t.rateChange}</button>
      </p>`
    }
    const picked = this.score
    return html`<form class="rating" @submit=${this.submit} data-mode=${this.mode}>
      <fieldset>
        <legend>${t.rateAsk}</legend>
        <div class="choices ${this.mode}">
          ${this.choices().map(
            (c) => html`<label class="choice ${picked !== null && (this.mode === 'stars' ? c.score <= picked : c.score === picked) ? 'on' : ''}" title=${c.label}>
              <input
                type="radio"
                name="score"
                .value=${String(c.score)}
                .checked=${picked === c.score}
                aria-label=${c.label}
                @change=${() => (this.score = c.score)}
              />
              <span class="icon ${this.mode === 'thumbs' ? (c.score === 1 ? 'good' : 'bad') : ''}">${c.icon}</span>
              ${this.mode === 'thumbs' ? html`<span class="text">${c.label}</span>` : nothing}
            </label>`,
          )}
        </div>
      </fieldset>
      ${picked !== null
        ? html`<label class="comment"
              ><span>${t.rateComment}</span
              ><textarea rows="2" dir="auto" maxlength=${MAX_COMMENT}></textarea></label
            ><button class="send" type="submit" ?disabled=${this.state === 'busy'}>${t.rateSend}</button>`
        : nothing}
      ${this.state === 'failed' ? html`<p class="error" role="alert">${t.rateFailed}</p>` : nothing}
    </form>`
  }
}

if (!customElements.get('parley-rating')) customElements.define('parley-rating', ParleyRating)
