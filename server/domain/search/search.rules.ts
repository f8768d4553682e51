// The search's rules, pure: reading a search from URL parameters (the API, saved searches and the
// export share this one parser), keyset cursors, and the export's CSV cells.
import { isIPv6 } from 'node:net'
import { formatAddress, parseAddress, width } from '../../shared/ip.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid } from '../../shared/ids.ts'
import type { Channel } from '../conversations/conversations.types.ts'
import type { SearchCursor, SearchFilters, SearchQuery, SearchStatus, TagMode } from './search.types.ts'

export const MAX_Q = 200
export const MAX_URL = 500
export const MAX_TAGS = 20
export const DEFAULT_LIMIT = 30
export const MAX_LIMIT = 100
export const MAX_SAVED_QUERY = 2000

/** Every parameter a search (and so a saved search) may carry. */
export const SEARCH_PARAMS = ['q', 'status', 'rating', 'agent', 'group', 'tags', 'tagMode', 'url', 'ip', 'channel', 'from', 'to', 'cursor', 'limit'] as const

const STATUSES: readonly SearchStatus[] = ['resolved', 'open', 'all']
const CHANNELS: readonly Channel[] = ['web', 'email', 'messenger']
const TAG_MODES: readonly TagMode[] = ['any', 'all']

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const invalid = (field: string, message: string) => new AppError('request.invalid', 400, message, { field })

function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback
  if (!allowed.includes(value as T)) throw invalid(field, `${field} must be one of ${allowed.join(', ')}`)
  return value as T
}

/** A comma list without empty items or repeats. */
const list = (value: string | undefined): string[] =>
  value === undefined ? [] : [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s !== ''))]

export function parseRating(value: string | undefined): SearchFilters['rating'] {
  const items = list(value)
  if (items.length === 0) return null
  const thumbs = new Set<number>()
  const stars = new Set<number>()
  for (const item of items) {
    if (item === 'good') thumbs.add(1)
    else if (item === 'bad') thumbs.add(0)
    else if (/^[1-5]$/.test(item)) stars.add(Number(item))
    else throw new AppError('search.invalid_rating', 400, `rating takes good, bad and 1 to 5, not "${item.slice(0, 20)}"`, { field: 'rating' })
  }
  return { thumbs: [...thumbs].sort(), stars: [...stars].sort() }
}

/**
 * The facets a search's equality filters ask for, as search_facets() (migration 00020) writes
 * them: one list per filter, and a conversation matches when it has at least one facet of every
 * list. Tags "all" is one list per tag; a tag's facet is its bare id.
 */
export function facetLists(s: SearchFilters): string[][] {
  const lists: string[][] = []
  if (s.agent !== null) lists.push([`a:${s.agent}`])
  if (s.group !== null) lists.push([`g:${s.group}`])
  if (s.channel !== null) lists.push([`c:${s.channel}`])
  if (s.rating) lists.push([...s.rating.thumbs.map((n) => `r:thumbs:${n}`), ...s.rating.stars.map((n) => `r:stars:${n}`)])
  if (s.tags.length > 0) {
    if (s.tagMode === 'any') lists.push([...s.tags])
    else for (const t of s.tags) lists.push([t])
  }
  return lists
}

/**
 * An address (exact) or a CIDR range, IPv4 or IPv6. The network may have host bits set
 * (10.1.2.3/8 means 10.0.0.0/8), as PostgreSQL's inet reads it.
 */
export function parseIpFilter(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null
  const text = value.trim()
  const bad = () => new AppError('search.invalid_cidr', 400, `"${text.slice(0, 60)}" is not an IP address or a CIDR range`, { field: 'ip' })
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text)
  const address = m ? parseAddress(m[1]!) : null
  if (!m || !address || (m[2] !== undefined && m[2].length > 1 && m[2].startsWith('0'))) throw bad()
  // An IPv4-mapped address (::ffff:192.0.2.1) is its IPv4 address (shared/ip.ts), and its prefix
  // counts the IPv4 bits: ::ffff:192.0.2.0/120 is 192.0.2.0/24.
  const mapped = address.family === 4 && isIPv6(m[1]!)
  const prefix = m[2] === undefined ? width(address.family) : Number(m[2]) - (mapped ? 96 : 0)
  if (prefix < 0 || prefix > width(address.family)) throw bad()
  return `${formatAddress(address)}/${prefix}`
}

/** A calendar date YYYY-MM-DD as UTC midnight, or null when it is none. */
export function parseDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null
}

function parseRange(from: string | undefined, to: string | undefined): { from: Date | null; to: Date | null } {
  const day = (field: 'from' | 'to', v: string | undefined) => {
    if (v === undefined || v === '') return null
    const d = parseDay(v)
    if (!d) throw new AppError('search.date_range', 400, `${field} must be a date YYYY-MM-DD`, { field })
    return d
  }
  const start = day('from', from)
  const end = day('to', to)
  if (start && end && start > end) throw new AppError('search.date_range', 400, 'from is after to', { field: 'from' })
  // `to` is inclusive: everything before the next day's midnight
  return { from: start, to: end ? new Date(end.getTime() + 86_400_000) : null }
}

export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

export function decodeCursor(s: string): SearchCursor | null {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))
    if (Array.isArray(c) && c.length === 2 && typeof c[0] === 'string' && typeof c[1] === 'string' && isUuid(c[1]) && !Number.isNaN(Date.parse(c[0]))) {
      return c as SearchCursor
    }
  } catch {}
  return null
}

/**
 * Reads a search from its URL parameters. Shapes are checked here (unknown agents, groups and
 * tags need the database: search.usecases.ts). `strict`: an unknown parameter is an error too (a
 * saved search must be a search).
 */
export function parseSearch(params: Record<string, string | undefined>, opts: { strict?: boolean } = {}): SearchQuery {
  if (opts.strict) {
    for (const key of Object.keys(params)) {
      if (!(SEARCH_PARAMS as readonly string[]).includes(key)) throw invalid(key, `unknown search parameter "${key.slice(0, 40)}"`)
    }
  }
  const q = (params.q ?? '').replace(/\s+/g, ' ').trim()
  if (q.length > MAX_Q) throw invalid('q', `q is limited to ${MAX_Q} characters`)
  const url = (params.url ?? '').trim()
  if (url.length > MAX_URL) throw invalid('url', `url is limited to ${MAX_URL} characters`)

  let agent: string | null = null
  if (params.agent !== undefined && params.agent !== '') {
    if (params.agent !== 'none' && !isUuid(params.agent)) {
      throw new AppError('search.unknown_agent', 400, 'agent must be an agent id or none', { field: 'agent' })
    }
    agent = params.agent.toLowerCase()
  }
  let group: string | null = null
  if (params.group !== undefined && params.group !== '') {
    if (!isUuid(params.group)) throw new AppError('search.unknown_group', 400, 'group must be a group id', { field: 'group' })
    group = params.group.toLowerCase()
  }
  const tags = list(params.tags?.toLowerCase())
  if (tags.length > MAX_TAGS) throw invalid('tags', `at most ${MAX_TAGS} tags`)
  const badTag: string | undefined = tags.find((t: string) => !UUID_TEXT.test(t))
  if (badTag !== undefined) throw new AppError('search.unknown_tag', 400, `unknown tag "${badTag.slice(0, 40)}"`, { field: 'tags' })

  let cursor: SearchCursor | null = null
  if (params.cursor !== undefined && params.cursor !== '') {
    cursor = params.cursor.length <= 200 ? decodeCursor(params.cursor) : null
    if (!cursor) throw new AppError('request.invalid_cursor', 400, 'cursor is not valid', { field: 'cursor' })
  }
  let limit = DEFAULT_LIMIT
  if (params.limit !== undefined && params.limit !== '') {
    if (!/^\d{1,3}$/.test(params.limit) || Number(params.limit) < 1 || Number(params.limit) > MAX_LIMIT) {
      throw invalid('limit', `limit must be 1 to ${MAX_LIMIT}`)
    }
    limit = Number(params.limit)
  }

  return {
    q: q === '' ? null : q,
    status: oneOf('status', params.status, STATUSES, 'resolved'),
    rating: parseRating(params.rating),
    agent,
    group,
    tags,
    tagMode: oneOf('tagMode', params.tagMode, TAG_MODES, 'any'),
    url: url === '' ? null : url,
    ip: parseIpFilter(params.ip),
    channel: params.channel === undefined || params.channel === '' ? null : oneOf('channel', params.channel, CHANNELS, 'web'),
    ...parseRange(params.from, params.to),
    cursor,
    limit,
  }
}

/** A saved search's query string (with or without `?`): checked by the same parser, strictly. */
export function parseSavedQuery(query: string): { query: string; search: SearchQuery } {
  const text = query.trim().replace(/^\?/, '')
  if (text.length > MAX_SAVED_QUERY) throw invalid('query', `query is limited to ${MAX_SAVED_QUERY} characters`)
  const params: Record<string, string> = {}
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in params) throw invalid(k, `"${k.slice(0, 40)}" is given twice`)
    params[k] = v
  }
  const search = parseSearch(params, { strict: true })
  return { query: text, search }
}

/** A LIKE pattern that finds `text` anywhere (its own % _ and \ match themselves). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * A cell that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage
 * return before one) gets a leading apostrophe so it stays text.
 */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export const csvRow = (cells: (string | number | null | undefined)[]): string => `${cells.map(csvCell).join(',')}\r\n`

/** The export's file name for a day: parley-search-YYYY-MM-DD.csv (or .json). */
export const exportFilename = (day: Date, format: 'csv' | 'json'): string => `parley-search-${day.toISOString().slice(0, 10)}.${format}`

/** The rating as a word for the export: good / bad, or n/5. */
export function ratingText(rating: { scale: 'thumbs' | 'stars'; score: number } | null): string {
  if (!rating) return ''
  if (rating.scale === 'thumbs') return rating.score === 1 ? 'good' : 'bad'
  return `${rating.score}/5`
}
