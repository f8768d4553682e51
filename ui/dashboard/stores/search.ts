// The dashboard's search (#16): the filters, which live in the location hash
// (`#/search?status=resolved&tags=…`, and `#/search/c/<id>?…` while a result is open), the pages
// of results, and the agent's saved searches. A store of its own behind its own context; it
// depends only on the API client, the translator and a callback that opens a conversation, so it
// plugs into whichever store holds the threads.
import { createContext, ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { ApiError, query } from '../../shared/api.ts'
import type { ApiClient } from '../../shared/api.ts'
import type { Translate } from '../../shared/i18n.ts'
import type { Conversation } from '../../../server/realtime/wire.ts'
import type { Key } from '../i18n/en.ts'

export const STATUSES = ['resolved', 'open', 'all'] as const
export const CHANNELS = ['web', 'email', 'messenger'] as const
export const RATINGS = ['good', 'bad', '1', '2', '3', '4', '5'] as const
export type SearchStatus = (typeof STATUSES)[number]
export type SearchChannel = (typeof CHANNELS)[number]
export type SearchRating = (typeof RATINGS)[number]

export interface SearchFilters {
  /** Full text over messages, and the visitor's name and e-mail. */
  q: string
  status: SearchStatus
  rating: SearchRating[]
  /** An agent's id, or 'none' (nobody's). */
  agent: string | null
  group: string | null
  tags: string[]
  tagMode: 'any' | 'all'
  /** Page URL contains. */
  url: string
  /** An address or a CIDR range; the server checks it. */
  ip: string
  channel: SearchChannel | null
  /** YYYY-MM-DD, inclusive. */
  from: string | null
  to: string | null
}

export type FilterField = keyof SearchFilters

/** The order of the parameters in an address (and the fields the server may name in a 400). */
export const FIELDS: FilterField[] = ['q', 'status', 'rating', 'agent', 'group', 'tags', 'tagMode', 'url', 'ip', 'channel', 'from', 'to']

export const EMPTY_FILTERS: SearchFilters = Object.freeze({
  q: '',
  status: 'resolved',
  rating: [],
  agent: null,
  group: null,
  tags: [],
  tagMode: 'any',
  url: '',
  ip: '',
  channel: null,
  from: null,
  to: null,
}) as SearchFilters

/** The API's bounds (server/domain/search/search.rules.ts checks them again). */
const MAX_Q = 200
const MAX_TEXT = 500
const MAX_TAGS = 50
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DAY = /^\d{4}-\d{2}-\d{2}$/

export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

export interface Parsed {
  filters: SearchFilters
  /** Parameters whose values were not understood (and left out); unknown parameters are dropped silently. */
  invalid: FilterField[]
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** Reads filters from a query string (`a=1&b=2`, with or without `?`). */
export function parseFilters(qs: string): Parsed {
  const p = new URLSearchParams(qs.replace(/^\?/, ''))
  const f: SearchFilters = { ...EMPTY_FILTERS, rating: [], tags: [] }
  const invalid = new Set<FilterField>()
  const get = (k: FilterField) => {
    const v = p.get(k)
    return v === null ? null : v.trim()
  }
  const q = get('q')
  if (q !== null) {
    if (q.length <= MAX_Q) f.q = q
    else invalid.add('q')
  }
  const status = get('status')
  if (status !== null && status !== '') {
    if ((STATUSES as readonly string[]).includes(status)) f.status = status as SearchStatus
    else invalid.add('status')
  }
  const rating = get('rating')
  if (rating) {
    const values = list(rating)
    if (values.every((r) => (RATINGS as readonly string[]).includes(r))) f.rating = RATINGS.filter((r) => values.includes(r))
    else invalid.add('rating')
  }
  const agent = get('agent')
  if (agent) {
    if (agent === 'none' || ID.test(agent)) f.agent = agent.toLowerCase()
    else invalid.add('agent')
  }
  const group = get('group')
  if (group) {
    if (ID.test(group)) f.group = group.toLowerCase()
    else invalid.add('group')
  }
  const tags = get('tags')
  if (tags) {
    const ids = list(tags)
    if (ids.length <= MAX_TAGS && ids.every((id) => ID.test(id))) f.tags = [...new Set(ids.map((id) => id.toLowerCase()))]
    else invalid.add('tags')
  }
  const tagMode = get('tagMode')
  if (tagMode) {
    if (tagMode === 'any' || tagMode === 'all') f.tagMode = tagMode
    else invalid.add('tagMode')
  }
  for (const k of ['url', 'ip'] as const) {
    const v = get(k)
    if (v === null) continue
    if (v.length <= MAX_TEXT) f[k] = v
    else invalid.add(k)
  }
  const channel = get('channel')
  if (channel) {
    if ((CHANNELS as readonly string[]).includes(channel)) f.channel = channel as SearchChannel
    else invalid.add('channel')
  }
  for (const k of ['from', 'to'] as const) {
    const v = get(k)
    if (!v) continue
    if (isDay(v)) f[k] = v
    else invalid.add(k)
  }
  return { filters: f, invalid: FIELDS.filter((k) => invalid.has(k)) }
}

/**
 * The canonical query string of a set of filters (no `?`): fixed order, empty values left out,
 * the status always said. Equal filters give equal strings, so it doubles as their identity.
 */
export function serialiseFilters(f: SearchFilters): string {
  const p = new URLSearchParams()
  if (f.q.trim()) p.set('q', f.q.trim())
  p.set('status', f.status)
  if (f.rating.length) p.set('rating', RATINGS.filter((r) => f.rating.includes(r)).join(','))
  if (f.agent) p.set('agent', f.agent)
  if (f.group) p.set('group', f.group)
  if (f.tags.length) {
    p.set('tags', f.tags.join(','))
    if (f.tagMode === 'all') p.set('tagMode', 'all')
  }
  if (f.url.trim()) p.set('url', f.url.trim())
  if (f.ip.trim()) p.set('ip', f.ip.trim())
  if (f.channel) p.set('channel', f.channel)
  if (f.from) p.set('from', f.from)
  if (f.to) p.set('to', f.to)
  return p.toString()
}

/** How many filters beyond the defaults are set (shown on the "Advanced search" toggle). */
export function activeFilterCount(f: SearchFilters): number {
  return (
    Number(f.status !== 'resolved') +
    Number(f.rating.length > 0) +
    Number(f.agent !== null) +
    Number(f.group !== null) +
    Number(f.tags.length > 0) +
    Number(f.url.trim() !== '') +
    Number(f.ip.trim() !== '') +
    Number(f.channel !== null) +
    Number(f.from !== null || f.to !== null)
  )
}

export interface SearchRoute {
  /** The query string after `?` (may be empty). */
  query: string
  /** The result open in the thread. */
  id: string | null
}

/** `#/search?…` and `#/search/c/<id>?…`; null for any other address. */
export function parseSearchRoute(hash: string): SearchRoute | null {
  const m = /^#?\/search(?:\/c\/([0-9a-f-]{36}))?\/?(?:\?(.*))?$/i.exec(hash)
  if (!m) return null
  if (m[1] && !ID.test(m[1])) return null
  return { query: m[2] ?? '', id: m[1]?.toLowerCase() ?? null }
}

/** The address of a search, or of one of its results open in the thread. */
export function searchHash(f: SearchFilters, id: string | null = null): string {
  return `#/search${id ? `/c/${id}` : ''}?${serialiseFilters(f)}`
}

/** Where the thread's "back" goes: the results of the search it was opened from, or the lists. */
export function backHash(hash: string): string {
  const r = parseSearchRoute(hash)
  return r ? `#/search${r.query ? `?${r.query}` : ''}` : '#/'
}

export type Part = { text: string; hit: boolean }

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase()

function commonPrefix(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/**
 * The snippet cut into plain and highlighted parts for the words of the query. The server
 * matches stems (German "Häuser" finds "Haus", English "running" finds "run"), so a word is a hit
 * when one of the two begins the other (accents and case aside), or when they share a long start.
 */
export function highlight(snippet: string, q: string): Part[] {
  const terms = [...new Set(q.split(/[^\p{L}\p{N}@._-]+/u).map(fold).filter((t) => t.length >= 2))]
  if (!terms.length || !snippet) return snippet ? [{ text: snippet, hit: false }] : []
  const parts: Part[] = []
  const push = (text: string, hit: boolean) => {
    if (!text) return
    const last = parts[parts.length - 1]
    if (last && last.hit === hit) last.text += text
    else parts.push({ text, hit })
  }
  for (const token of snippet.split(/([\p{L}\p{N}]+)/u)) {
    const w = fold(token)
    const hit =
      /[\p{L}\p{N}]/u.test(token) &&
      terms.some((t) => {
        const p = commonPrefix(w, t)
        return p === t.length || (p === w.length && w.length >= 3) || (p >= 4 && p >= 0.6 * Math.min(w.length, t.length))
      })
    push(token, hit)
  }
  return parts
}

// The store -------------------------------------------------------------------------------------

export type SearchResult = Conversation & { match: { messageId: string; seq: number; snippet: string } | null }

export interface SavedSearch {
  id: string
  name: string
  /** The filters as a query string (serialiseFilters). */
  query: string
  createdAt: string
}

/** A refusal the form shows next to the field it names (or above the results when it names none). */
export interface SearchProblem {
  field: FilterField | null
  code: string
  text: string
}

export interface SearchDeps {
  api: ApiClient
  /** The agent's language, read on each use (it can change while signed in). */
  t: Translate<Key>
  /** Shows a conversation in the thread and the visitor card (null: none). */
  open: (id: string | null) => void
}

export class SearchChangeEvent extends Event {
  static readonly type = 'parley-search-change'
  constructor() {
    super(SearchChangeEvent.type)
  }
}

const PAGE = 30
const KNOWN_CODES = ['search.invalid_cidr', 'search.unknown_tag', 'search.unknown_agent', 'search.unknown_group', 'search.date_range', 'search.invalid_rating'] as const

export class SearchStore extends EventTarget {
  /** Whether the address is a search (the Resolved tab then shows its results instead of the list). */
  active = false
  filters: SearchFilters = EMPTY_FILTERS
  /** What the address held that was not understood (left out of the search). */
  invalid: FilterField[] = []
  results: SearchResult[] = []
  nextCursor: string | null = null
  /** The filters (serialised) the results are for; null before the first answer. */
  resultsFor: string | null = null
  loading = false
  problem: SearchProblem | null = null
  saved: SavedSearch[] | null = null
  savedError: string | null = null
  private seq = 0
  private scheduled = false

  constructor(private deps: SearchDeps) {
    super()
  }

  private changed(): void {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.dispatchEvent(new SearchChangeEvent())
    })
  }

  get query(): string {
    return serialiseFilters(this.filters)
  }

  /** The address changed: a search address runs its search (unless its results are shown) and opens its result. */
  route(hash: string): boolean {
    const r = parseSearchRoute(hash)
    if (!r) {
      if (this.active) {
        this.active = false
        this.changed()
      }
      return false
    }
    const { filters, invalid } = parseFilters(r.query)
    const key = serialiseFilters(filters)
    this.active = true
    this.invalid = invalid
    this.filters = filters
    this.changed()
    if (key !== this.resultsFor || this.problem) void this.run()
    this.deps.open(r.id)
    return true
  }

  /** The first page for the current filters. */
  async run(): Promise<void> {
    const key = this.query
    this.problem = null
    this.results = []
    this.nextCursor = null
    this.resultsFor = key
    await this.fetchPage(`/api/search?${key}&limit=${PAGE}`, (page) => page.items)
  }

  async loadMore(): Promise<void> {
    const cursor = this.nextCursor
    if (!cursor || this.loading) return
    await this.fetchPage(`/api/search?${this.query}${query({ cursor, limit: PAGE }).replace('?', '&')}`, (page) => {
      const known = new Set(this.results.map((r) => r.id))
      return [...this.results, ...page.items.filter((r) => !known.has(r.id))]
    })
  }

  /** Fetches a page of results; an answer overtaken by a newer request (seq) is dropped. */
  private async fetchPage(url: string, results: (page: { items: SearchResult[] }) => SearchResult[]): Promise<void> {
    const mine = ++this.seq
    this.loading = true
    this.changed()
    try {
      const page = await this.deps.api.get<{ items: SearchResult[]; nextCursor: string | null }>(url)
      if (mine !== this.seq) return
      this.results = results(page)
      this.nextCursor = page.nextCursor
    } catch (e) {
      if (mine !== this.seq) return
      this.problem = this.problemOf(e)
    } finally {
      if (mine === this.seq) {
        this.loading = false
        this.changed()
      }
    }
  }

  /** The download address of the results in a format. */
  exportHref(format: 'csv' | 'json'): string {
    return `/api/search/export?format=${format}&${this.query}`
  }

  /** The printable transcript of one conversation. */
  static transcriptHref(id: string): string {
    return `/api/conversations/${id}/transcript`
  }

  problemOf(e: unknown): SearchProblem {
    const t = this.deps.t
    if (e instanceof ApiError) {
      const field = e.field && (FIELDS as string[]).includes(e.field) ? (e.field as FilterField) : null
      if ((KNOWN_CODES as readonly string[]).includes(e.code)) return { field, code: e.code, text: t(`search.error.${e.code.slice('search.'.length)}` as Key) }
      if (e.status === 400 || e.status === 422) return { field, code: e.code, text: t('search.error.invalid') }
      if (e.status === 0) return { field: null, code: e.code, text: t('error.network') }
      if (e.status === 403) return { field: null, code: e.code, text: t('error.forbidden') }
      if (e.status === 429) return { field: null, code: e.code, text: t('error.throttled') }
    }
    return { field: null, code: 'error', text: t('error.generic') }
  }

  // Saved searches ---------------------------------------------------------------------------

  async loadSaved(): Promise<void> {
    try {
      this.saved = await this.deps.api.get<SavedSearch[]>('/api/saved-searches')
      this.savedError = null
    } catch (e) {
      this.savedError = this.problemOf(e).text
    }
    this.changed()
  }

  /** Saves the current filters under a name; the refusal comes back as a sentence (or null when saved). */
  async save(name: string): Promise<string | null> {
    try {
      const row = await this.deps.api.post<SavedSearch>('/api/saved-searches', { name: name.trim(), query: this.query })
      this.saved = [...(this.saved ?? []).filter((s) => s.id !== row.id), row].sort((a, b) => a.name.localeCompare(b.name))
      this.changed()
      return null
    } catch (e) {
      if (e instanceof ApiError && e.code === 'saved_search.exists') return this.deps.t('search.saved.exists')
      return this.problemOf(e).text
    }
  }

  async remove(id: string): Promise<string | null> {
    try {
      await this.deps.api.delete(`/api/saved-searches/${id}`)
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) return this.problemOf(e).text
    }
    this.saved = (this.saved ?? []).filter((s) => s.id !== id)
    this.changed()
    return null
  }

  reset(): void {
    this.seq++
    this.active = false
    this.filters = EMPTY_FILTERS
    this.invalid = []
    this.results = []
    this.nextCursor = null
    this.resultsFor = null
    this.loading = false
    this.problem = null
    this.saved = null
    this.savedError = null
    this.changed()
  }
}

export const searchContext = createContext<SearchStore>(Symbol('parley-search'))

/** Gives an element the search store from its context and re-renders it when the search changes. */
export class SearchConsumer implements ReactiveController {
  private store: SearchStore | null = null
  private listener = () => this.host.requestUpdate()
  private consumer: ContextConsumer<typeof searchContext, ReactiveControllerHost & HTMLElement>

  constructor(private host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    this.consumer = new ContextConsumer(host, { context: searchContext, subscribe: true, callback: (s) => this.attach(s) })
  }

  get value(): SearchStore | null {
    return this.store
  }

  private attach(s: SearchStore | undefined): void {
    if (s === this.store) return
    this.store?.removeEventListener(SearchChangeEvent.type, this.listener)
    this.store = s ?? null
    this.store?.addEventListener(SearchChangeEvent.type, this.listener)
    this.host.requestUpdate()
  }

  hostConnected(): void {
    this.store?.addEventListener(SearchChangeEvent.type, this.listener)
  }

  hostDisconnected(): void {
    this.store?.removeEventListener(SearchChangeEvent.type, this.listener)
  }
}
