// GET /api/conversations/:id/transcript: one conversation as a printable HTML page, in the
// requesting agent's language. Messages and system events in thread order; private notes are
// never read (they are another table). Every text from a user is escaped; the page has no script
// and its one <style> element is allowed by its hash in the page's Content-Security-Policy.
import { Elysia } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { transcript, transcriptWords, type Transcript, type TranscriptWords } from '../domain/search/search.usecases.ts'
import type { ConversationEventView } from '../domain/conversation-events/conversation-events.usecases.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'
import { BASE_HEADERS, pageHeaders } from './security.ts'

export const TRANSCRIPT_STYLE = `
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 46rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1.5rem; padding: 1rem; background: #f6f8fa; border-radius: 8px; }
dt { color: #59636e; } dd { margin: 0; }
ol { list-style: none; margin: 0; padding: 0; }
li { margin: 0 0 .75rem; }
.msg { padding: .5rem .75rem; border-radius: 8px; background: #f6f8fa; break-inside: avoid; }
.msg.agent { background: #eef4ff; }
.who { font-weight: 600; } .at { color: #59636e; font-size: .85em; margin-left: .5rem; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: .15rem; }
.files { color: #59636e; font-size: .9em; }
.event { color: #59636e; font-size: .9em; text-align: center; font-style: italic; }
.note { color: #59636e; font-style: italic; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  dl, .msg, .msg.agent { background: none; border: 1px solid #ccc; }
  .msg.agent { border-left: 4px solid #8fb3ff; }
  a { color: inherit; text-decoration: none; }
}
`

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function eventText(w: TranscriptWords, e: ConversationEventView): string {
  const rating = e.data.rating
  const ratingWord = rating === 'good' ? w.ratings.good : rating === 'bad' ? w.ratings.bad : typeof rating === 'number' ? w.ratings.stars(rating) : ''
  const fill: Record<string, string> = {
    actor: e.actor?.name ?? w.someone,
    agent: e.agent?.name ?? w.someone,
    group: typeof e.data.groupName === 'string' ? e.data.groupName : '',
    rating: ratingWord,
  }
  return w.events[e.kind].replace(/\{(actor|agent|group|rating)\}/g, (_, k: string) => fill[k]!)
}

export function transcriptHtml(t: Transcript, language: string): string {
  const w = transcriptWords(language)
  const when = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  const at = (d: Date) => `${when.format(d)} UTC`
  const c = t.conversation
  const visitorName = c.visitor.name ?? `${w.visitorAuthor} #${c.visitor.number}`
  const rating = c.rating
    ? c.rating.scale === 'thumbs' ? (c.rating.score === 1 ? w.ratings.good : w.ratings.bad) : w.ratings.stars(c.rating.score)
    : w.none
  const facts: [string, string][] = [
    [w.visitor, c.visitor.email ? `${visitorName} <${c.visitor.email}>` : visitorName],
    [w.channel, w.channels[c.channel]],
    [w.started, at(c.createdAt)],
    [w.resolved, c.resolvedAt ? at(c.resolvedAt) : w.open],
    [w.agent, c.assignee?.name ?? w.nobody],
    ...(c.group ? ([[w.group, c.group.name]] as [string, string][]) : []),
    [w.tags, c.tags.length ? c.tags.map((x) => x.name).join(', ') : w.none],
    [w.rating, rating],
  ]
  const who = (m: MessageView) => (m.authorType === 'visitor' ? visitorName : m.authorType === 'agent' ? (m.authorName ?? w.agent) : w.system)
  const message = (m: MessageView) =>
    `<li class="msg ${m.authorType}"><span class="who">${esc(who(m))}</span><span class="at">${esc(at(m.createdAt))}</span>` +
    (m.body ? `<div class="body" dir="auto">${esc(m.body)}</div>` : '') +
    (m.attachments.length ? `<div class="files">📎 ${esc(m.attachments.map((f) => f.filename).join(', '))}</div>` : '') +
    '</li>'
  const event = (e: ConversationEventView) => `<li class="event">${esc(eventText(w, e))} · ${esc(at(e.createdAt))}</li>`
  // events sit after the message with their afterSeq (0: before every message)
  const lines: string[] = []
  let next = 0
  const eventsUpTo = (seq: number) => {
    while (next < t.events.length && t.events[next]!.afterSeq <= seq) lines.push(event(t.events[next++]!))
  }
  eventsUpTo(0)
  for (const m of t.messages) {
    lines.push(message(m))
    eventsUpTo(m.seq)
  }
  if (!t.truncated) eventsUpTo(Number.MAX_SAFE_INTEGER)
  return `<!doctype html>
<html lang="${esc(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(w.title(c.visitor.number))} · ${esc(visitorName)}</title>
<style>${TRANSCRIPT_STYLE}</style>
</head>
<body>
<h1>${esc(w.title(c.visitor.number))}</h1>
<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<ol>
${lines.join('\n')}
</ol>
${t.truncated ? `<p class="note">${esc(w.truncated)}</p>` : ''}
</body>
</html>
`
}

export const transcriptRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/conversations' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get(
      '/:id/transcript',
      async ({ params, session }) => {
        const t = await transcript(deps, idOr404(params.id, 'conversation'))
        return new Response(transcriptHtml(t, session.agent.language), {
          headers: {
            ...BASE_HEADERS,
            ...pageHeaders([TRANSCRIPT_STYLE]),
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
          },
        })
      },
      {
        detail: {
          summary: "A printable transcript (HTML) of one conversation in my language: its facts, every message and system event; never the private notes",
          tags: ['conversations'],
        },
      },
    )
