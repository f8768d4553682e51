// Search (#16): GET /api/search, its export (CSV / JSON download), and saved searches. The
// parameters are read by the domain's one parser (search.rules.ts), so the API, the export and a
// saved search accept exactly the same searches.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import * as search from '../domain/search/search.usecases.ts'
import type { SearchItem } from '../domain/search/search.usecases.ts'
import { requireAgent } from './guards.ts'
import { serverBaseUrl } from './request.ts'

const tags = ['search']
const Param = t.Optional(t.String({ maxLength: 2000 }))

/** The search parameters (shapes are bounded here; their meaning is checked by the domain). */
const SearchParams = {
  q: Param,
  status: t.Optional(t.Union([t.Literal('resolved'), t.Literal('open'), t.Literal('all')])),
  rating: Param,
  agent: Param,
  group: Param,
  tags: Param,
  tagMode: t.Optional(t.Union([t.Literal('any'), t.Literal('all')])),
  url: Param,
  ip: Param,
  channel: t.Optional(t.Union([t.Literal('web'), t.Literal('email'), t.Literal('messenger')])),
  from: Param,
  to: Param,
  cursor: Param,
}

const FILTERS_DOC =
  'Filters combine with AND. q: full text over message bodies (every language; private notes never) and part of the visitor\'s name or e-mail. ' +
  'status: resolved (default) | open | all. rating: good,bad,1..5. agent: an agent id or none. group: a group id. tags + tagMode any|all. ' +
  'url: part of the page the conversation started on. ip: an address or CIDR range. channel: web | email | messenger. ' +
  'from/to: YYYY-MM-DD, inclusive, UTC, on the resolved time (status resolved) or the created time (open, all).'

const CSV_HEADER = ['id', 'number', 'channel', 'status', 'visitor name', 'visitor e-mail', 'assignee', 'group', 'tags', 'rating', 'created', 'resolved', 'last message', 'link']

function csvLine(item: SearchItem, base: string): string {
  return search.csvRow([
    item.id,
    item.visitor.number,
    item.channel,
    item.status,
    item.visitor.name,
    item.visitor.email,
    item.assignee?.name,
    item.group?.name,
    item.tags.map((t) => t.name).join('; '),
    search.ratingText(item.rating),
    item.createdAt.toISOString(),
    item.resolvedAt?.toISOString(),
    item.lastMessage.preview,
    `${base}/#/c/${item.id}`,
  ])
}

export const searchRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/search', ({ actor, query }) => search.search(deps, actor, query), {
      query: t.Object({ ...SearchParams, limit: t.Optional(t.String({ maxLength: 3 })) }),
      detail: {
        summary: 'Search conversations: filters and full text, keyset pages (limit 1–100, default 30)',
        description: `${FILTERS_DOC} Sorted by resolved time (resolved) or last message (open, all), newest first. Each item is the list's conversation view plus match: the latest message matching q (id, seq, a plain-text snippet), or null.`,
        tags,
      },
    })
    .get(
      '/search/export',
      async ({ query, request }) => {
        const { format = 'csv', ...params } = query
        const s = await search.parse(deps, params)
        const base = serverBaseUrl(deps.config, request)
        const encoder = new TextEncoder()
        const state = { capped: false }
        let sent = 0
        const rows = search.exportResults(deps, s, state)
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode(format === 'csv' ? search.csvRow(CSV_HEADER) : '{"items":['))
          },
          async pull(controller) {
            // one page of rows per pull: the download keeps pace with the client
            try {
              let n = 0
              for (;;) {
                const next = await rows.next()
                if (next.done) {
                  controller.enqueue(encoder.encode(format === 'csv' ? '' : `],"limit":${search.EXPORT_CAP},"truncated":${state.capped}}\n`))
                  controller.close()
                  return
                }
                const item = next.value
                const first = sent++ === 0
                controller.enqueue(encoder.encode(format === 'csv' ? csvLine(item, base) : `${first ? '' : ','}${JSON.stringify({ ...item, link: `${base}/#/c/${item.id}` })}`))
                if (++n >= 500) return
              }
            } catch (e) {
              controller.error(e)
            }
          },
          async cancel() {
            await rows.return(undefined)
          },
        })
        return new Response(body, {
          headers: {
            'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="${search.exportFilename(new Date(), format)}"`,
            'cache-control': 'no-store',
            // the most rows a download carries; a JSON download also says at its end whether it stopped there
            'x-export-limit': String(search.EXPORT_CAP),
          },
        })
      },
      {
        query: t.Object({ ...SearchParams, format: t.Optional(t.Union([t.Literal('csv'), t.Literal('json')])) }),
        detail: {
          summary: `Download every result of a search as CSV or JSON (at most ${search.EXPORT_CAP.toLocaleString('en')} rows; header X-Export-Limit)`,
          description: `${FILTERS_DOC} CSV: RFC 4180, cells that a spreadsheet would read as a formula start with an apostrophe. JSON: { items, limit, truncated }.`,
          tags,
        },
      },
    )
    .get('/saved-searches', ({ actor }) => search.listSavedSearches(deps, actor), {
      detail: { summary: 'My saved searches (name, and the search as a URL query string)', tags },
    })
    .post(
      '/saved-searches',
      async ({ actor, body, set }) => {
        const saved = await search.saveSearch(deps, actor, body)
        set.status = 201
        return saved
      },
      {
        body: t.Object({ name: t.String({ maxLength: 200 }), query: t.String({ maxLength: 4000 }) }),
        detail: { summary: 'Save a search: name 1–80 characters (unique for me), query ≤ 2000 characters, checked like GET /api/search', tags },
      },
    )
    .delete(
      '/saved-searches/:id',
      async ({ actor, params, set }) => {
        await search.deleteSavedSearch(deps, actor, params.id)
        set.status = 204
        return ''
      },
      { detail: { summary: 'Delete one of my saved searches', tags } },
    )
