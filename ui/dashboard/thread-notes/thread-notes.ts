// #16 in the thread: a private note (yellow, with a lock and "Only agents see this"; mentions
// highlighted), and the visitor's rating with its comment. Rendered by <parley-thread>; kept here
// so the thread's own file changes little.
import { css, html, nothing } from 'lit'
import type { Conversation, Note } from '../../../server/realtime/wire.ts'
import type { Language } from '../../shared/i18n.ts'
import type { Key } from '../i18n/en.ts'
import { clockTime, dateTime } from '../format.ts'
import { lockIcon } from '../composer/note-mode.styles.ts'
import { ratingBadge, ratingWords } from '../rating-badge/rating-badge.ts'
import type { ComposerLabels } from '../composer/composer.ts'
import type { Rating } from '../team-tools/team-tools.ts'

type T = (key: Key, params?: Record<string, string | number>) => string

/** The note's text with its @mentions of known agents marked (text stays text). */
function withMentions(body: string, agents: readonly { name: string }[]) {
  const names = agents.map((a) => a.name).filter((n) => n.trim() !== '').sort((a, b) => b.length - a.length)
  if (names.length === 0) return body
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const re = new RegExp(`@(?:${escaped.join('|')})(?![\\p{L}\\p{N}_])`, 'giu')
  const out: unknown[] = []
  let last = 0
  for (const m of body.matchAll(re)) {
    out.push(body.slice(last, m.index))
    out.push(html`<mark class="mention">${m[0]}</mark>`)
    last = m.index! + m[0].length
  }
  out.push(body.slice(last))
  return out
}

export function noteItem(n: Note, t: T, lang: Language, agents: readonly { name: string }[]) {
  return html`<div class="msg note" data-note=${n.id} role="note" aria-label=${t('note.label')}>
    <div class="note-head">${lockIcon(12)} <span>${t('note.label')}</span> · <span>${t('note.onlyAgents')}</span></div>
    <div class="bubble" dir="auto">${withMentions(n.body, agents)}</div>
    <div class="meta">
      ${n.authorName ? html`<span>${n.authorName} ·</span>` : nothing}
      <time datetime=${n.createdAt} title=${dateTime(n.createdAt, lang)}>${clockTime(n.createdAt, lang)}</time>
    </div>
  </div>`
}

/** The visitor's rating, under the messages of a rated conversation. */
export function ratingItem(c: Conversation, rating: Rating | null, t: T) {
  // system event: rated — shown here until the thread's system events (recordConversationEvent) exist
  if (!c.rating) return nothing
  return html`<div class="msg rating" data-rating=${`${c.rating.scale}:${c.rating.score}`}>
    <p>${ratingBadge(c.rating, t, 16)} <span>${t('rating.inThread', { rating: ratingWords(c.rating, t) })}</span></p>
    ${rating?.comment ? html`<blockquote class="rating-comment">${rating.comment}</blockquote>` : nothing}
  </div>`
}

export function composerLabels(t: T): ComposerLabels {
  return {
    modeLabel: t('composer.modeLabel'),
    reply: t('composer.modeReply'),
    note: t('composer.modeNote'),
    notePlaceholder: t('composer.notePlaceholder'),
    noteHint: t('composer.noteHint'),
    addNote: t('composer.addNote'),
    onlyAgents: t('note.onlyAgents'),
    cannedLabel: t('canned.pickerLabel'),
    mentionLabel: t('mention.pickerLabel'),
    noMatch: t('canned.noMatch'),
  }
}

export const threadNoteStyles = css`
  .msg.note {
    align-self: stretch;
    max-width: none;
    margin: 0 8%;
    align-items: stretch;
  }
  .note-head {
    display: flex;
    align-items: center;
    gap: 4px;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: #78350f;
    margin-bottom: 2px;
  }
  .msg.note .bubble {
    background: #fef9c3;
    color: #422006;
    border: 1px solid #f59e0b;
    border-radius: 10px;
    box-shadow: none;
  }
  .msg.note .meta {
    align-self: flex-end;
  }
  mark.mention {
    background: #fde68a;
    color: #78350f;
    font-weight: 600;
    border-radius: 4px;
    padding: 0 2px;
  }
  .msg.rating {
    align-self: center;
    align-items: center;
    max-width: 80%;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    text-align: center;
  }
  .msg.rating p {
    margin: 0;
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .rating-comment {
    margin: 6px 0 0;
    padding: 6px 10px;
    border-left: 3px solid var(--p-border-strong);
    background: var(--p-surface);
    color: var(--p-text);
    font-style: italic;
    white-space: pre-wrap;
    text-align: left;
  }
`
