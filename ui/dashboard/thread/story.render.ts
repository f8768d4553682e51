// The thread's quiet lines: a system event, centred with its time ("Resolved by Jana · 14:02"),
// and the collision line above the composer ("Jana is viewing", "Alex is typing…"). Everything
// rendered from stored data and names, as text.
import { css, html, nothing } from 'lit'
import type { ConversationEvent } from '../../../server/realtime/wire.ts'
import type { Language } from '../../shared/i18n.ts'
import type { SessionStore } from '../stores/session.ts'
import { clockTime, dateTime } from '../format.ts'
import type { Colleague } from './story.ts'

type T = SessionStore['t']

/** The sentence for one event, in the agent's language. */
export function eventText(e: ConversationEvent, t: T): string {
  const actor = e.actor?.name || t('event.someone')
  const agent = e.agent?.name || t('event.someone')
  const from = typeof e.data.fromName === 'string' && e.data.fromName ? e.data.fromName : t('event.someone')
  const failure = () => (typeof e.data.code === 'string' ? ` — ${t(`deliveryFailure.${e.data.code}` as never)}` : '')
  switch (e.kind) {
    case 'assigned':
      return t('event.assigned', { actor, agent })
    case 'taken':
      return t('event.taken', { actor })
    case 'transferred':
      return e.actor?.id && e.actor.id === e.agent?.id ? t('event.takenOver', { actor, from }) : t('event.transferred', { actor, agent, from })
    case 'unassigned':
      return t('event.unassigned', { actor })
    case 'resolved':
      return t('event.resolved', { actor })
    case 'reopened':
      return e.data.reason === 'visitor_wrote' ? t('event.reopenedByVisitor') : t('event.reopenedBy', { actor })
    case 'email_sent':
      return e.data.mail === 'transcript' ? t('event.transcriptSent') : t('event.copySent')
    case 'email_failed':
      return (e.data.mail === 'transcript' ? t('event.transcriptFailed') : t('event.copyFailed')) + failure()
    case 'transferred_to_group':
      return t('event.transferredToGroup', { actor, group: String(e.data.groupName ?? '') })
    case 'rated': {
      const r = e.data.rating
      const rating = r === 'good' ? t('rating.good') : r === 'bad' ? t('rating.bad') : typeof r === 'number' ? t('rating.stars', { n: r }) : ''
      return t('event.rated', { rating })
    }
  }
}

export function eventLine(e: ConversationEvent, t: T, lang: Language) {
  return html`<div class="event ${e.kind === 'email_failed' ? 'bad' : ''}" data-event=${e.kind} data-event-id=${e.id}>
    <span>${eventText(e, t)}</span>
    <time datetime=${e.createdAt} title=${dateTime(e.createdAt, lang)}>${clockTime(e.createdAt, lang)}</time>
  </div>`
}

/** Who else is in this conversation right now; nothing when nobody is. */
export function collision(colleagues: Colleague[], t: T) {
  if (colleagues.length === 0) return nothing
  return html`<ul class="collision" aria-label=${t('collision.label')} aria-live="polite">
    ${colleagues.map(
      (c) => html`<li data-agent=${c.id} data-state=${c.typing ? 'typing' : 'viewing'}>
        <span class="avatar" aria-hidden="true">${c.name.trim().charAt(0).toUpperCase()}</span>${c.typing
          ? t('collision.typing', { name: c.name })
          : t('collision.viewing', { name: c.name })}
      </li>`,
    )}
  </ul>`
}

export const storyStyles = css`
  .event {
    align-self: center;
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 2px 8px;
    max-width: min(90%, 560px);
    margin: var(--p-space-2) 0;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    text-align: center;
  }
  .event.bad {
    color: var(--p-danger);
  }
  .event time::before {
    content: '·';
    margin-inline-end: 8px;
  }
  .collision {
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    margin: 0;
    padding: 4px var(--p-space-5) 0;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .collision li {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .collision li[data-state='typing'] {
    color: var(--p-text);
  }
  .collision .avatar {
    display: inline-grid;
    place-items: center;
    width: 20px;
    height: 20px;
    border-radius: 50%;
    background: var(--p-border);
    color: var(--p-text);
    font-size: 11px;
    font-weight: 600;
  }
`
