// How a visitor's rating shows in the dashboard (#16): a small icon with a worded label, the same
// in the conversation list, the thread and the visitor card's earlier conversations.
import { html, svg, nothing } from 'lit'
import type { Conversation } from '../../../server/realtime/wire.ts'
import type { Key } from '../i18n/en.ts'

type T = (key: Key, params?: Record<string, string | number>) => string
export type RatingValue = NonNullable<Conversation['rating']>

/** "Good", "Bad", "4 of 5 stars", in the agent's language. */
export function ratingWords(r: RatingValue, t: T): string {
  if (r.scale === 'thumbs') return r.score === 1 ? t('rating.good') : t('rating.bad')
  return t('rating.stars', { n: r.score })
}

const thumb = (up: boolean, size: number) =>
  html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" style=${up ? '' : 'transform: scaleY(-1)'}>${svg`<path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6c-.4.4-.6.9-.6 1.4v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/>`}</svg>`
const star = (size: number) =>
  html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path fill="currentColor" d="M12 17.3l6.2 3.7-1.6-7 5.4-4.7-7.2-.6L12 2 9.2 8.7 2 9.3l5.4 4.7-1.6 7z"/>`}</svg>`

/** good: green; bad or 1–2 stars: red; 3 stars: amber; 4–5: green. */
export function ratingTone(r: RatingValue): 'good' | 'bad' | 'mid' {
  if (r.scale === 'thumbs') return r.score === 1 ? 'good' : 'bad'
  return r.score >= 4 ? 'good' : r.score <= 2 ? 'bad' : 'mid'
}

const colour = { good: '#15803d', bad: '#b91c1c', mid: '#b45309' }

/** The small icon (with its words for screen readers and as a tooltip); nothing when not rated. */
export function ratingBadge(r: Conversation['rating'], t: T, size = 14) {
  if (!r) return nothing
  const words = ratingWords(r, t)
  const label = t('rating.inList', { rating: words })
  return html`<span class="rating-badge" data-rating=${`${r.scale}:${r.score}`} title=${label}
    style="display:inline-flex;align-items:center;gap:2px;color:${colour[ratingTone(r)]};font-size:12px;font-weight:600;vertical-align:middle"
    >${r.scale === 'thumbs' ? thumb(r.score === 1, size) : html`${star(size)}${r.score}`}<span class="sr-only"
      style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap"
      >${label}</span
    ></span>`
}

export { thumb as thumbIcon, star as starIcon }
