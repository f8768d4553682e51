// The search's pure parts (#16): filters ⇄ the address, the routes, and the snippet's highlight.
// The store's API calls run against a real server in ui/dashboard/search.test.ts.
import { describe, expect, it } from 'bun:test'
import { EMPTY_FILTERS, activeFilterCount, backHash, highlight, isDay, parseFilters, parseSearchRoute, searchHash, serialiseFilters, type SearchFilters } from './search.ts'

const TAG_A = '0192f0a0-0000-7000-8000-00000000000a'
const TAG_B = '0192f0a0-0000-7000-8000-00000000000b'
const AGENT = '0192f0a0-0000-7000-8000-0000000000a1'
const GROUP = '0192f0a0-0000-7000-8000-0000000000b1'
const CONV = '0192f0a0-0000-7000-8000-0000000000c1'

const full: SearchFilters = {
  q: 'refund läuft',
  status: 'all',
  rating: ['good', '5'],
  agent: AGENT,
  group: GROUP,
  tags: [TAG_A, TAG_B],
  tagMode: 'all',
  url: '/pricing?plan=pro&x=1',
  ip: '10.0.0.0/8',
  channel: 'email',
  from: '2026-01-01',
  to: '2026-11-30',
}

describe('search filters in the address', () => {
  it('reads back every filter it wrote, in a fixed order', () => {
    const qs = serialiseFilters(full)
    expect(qs.split('&').map((p) => p.split('=')[0])).toEqual(['q', 'status', 'rating', 'agent', 'group', 'tags', 'tagMode', 'url', 'ip', 'channel', 'from', 'to'])
    expect(parseFilters(qs)).toEqual({ filters: full, invalid: [] })
    expect(parseFilters(`?${qs}`).filters).toEqual(full)
  })

  it('writes only the status for empty filters, and defaults everything for an empty address', () => {
    expect(serialiseFilters(EMPTY_FILTERS)).toBe('status=resolved')
    expect(parseFilters('')).toEqual({ filters: EMPTY_FILTERS, invalid: [] })
  })

  it('leaves out the tag mode without tags, and "any" (the default) always', () => {
    expect(serialiseFilters({ ...EMPTY_FILTERS, tagMode: 'all' })).toBe('status=resolved')
    expect(serialiseFilters({ ...EMPTY_FILTERS, tags: [TAG_A], tagMode: 'any' })).toBe(`status=resolved&tags=${TAG_A}`)
  })

  it('drops parameters it does not know without a word', () => {
    expect(parseFilters('status=open&utm_source=mail&page=2')).toEqual({ filters: { ...EMPTY_FILTERS, status: 'open' }, invalid: [] })
  })

  it('reports values it cannot use and keeps the rest of the search', () => {
    const r = parseFilters(`status=closed&rating=good,7&agent=bob&group=1&tags=${TAG_A},nope&tagMode=some&channel=fax&from=2026-02-30&to=yesterday&q=${'x'.repeat(201)}`)
    expect(r.invalid).toEqual(['q', 'status', 'rating', 'agent', 'group', 'tags', 'tagMode', 'channel', 'from', 'to'])
    expect(r.filters).toEqual(EMPTY_FILTERS)
    const kept = parseFilters(`q=hello&status=closed&tags=${TAG_A}`)
    expect(kept.filters).toEqual({ ...EMPTY_FILTERS, q: 'hello', tags: [TAG_A] })
    expect(kept.invalid).toEqual(['status'])
  })

  it('takes "none" for nobody\'s conversations, lower-cases ids and removes repeated tags', () => {
    expect(parseFilters('agent=none').filters.agent).toBe('none')
    expect(parseFilters(`tags=${TAG_A.toUpperCase()},${TAG_A}`).filters.tags).toEqual([TAG_A])
  })

  it('keeps IP text for the server to judge, and ratings in a fixed order', () => {
    expect(parseFilters('ip=10.0.0.256').filters.ip).toBe('10.0.0.256')
    expect(parseFilters('rating=5,bad,good').filters.rating).toEqual(['good', 'bad', '5'])
  })

  it('knows a real day from a date-shaped string', () => {
    expect(isDay('2026-02-28')).toBe(true)
    expect(isDay('2024-02-29')).toBe(true)
    expect(isDay('2026-02-29')).toBe(false)
    expect(isDay('2026-2-1')).toBe(false)
  })

  it('counts the advanced filters that are set', () => {
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0)
    expect(activeFilterCount({ ...EMPTY_FILTERS, q: 'hi' })).toBe(0)
    expect(activeFilterCount(full)).toBe(9)
  })
})

describe('search routes', () => {
  it('knows a search, a result opened from it, and nothing else', () => {
    expect(parseSearchRoute('#/search?status=open')).toEqual({ query: 'status=open', id: null })
    expect(parseSearchRoute('#/search')).toEqual({ query: '', id: null })
    expect(parseSearchRoute(`#/search/c/${CONV.toUpperCase()}?q=x`)).toEqual({ query: 'q=x', id: CONV })
    expect(parseSearchRoute(`#/c/${CONV}`)).toBeNull()
    expect(parseSearchRoute('#/searching')).toBeNull()
    expect(parseSearchRoute('#/search/c/not-an-id-not-an-id-not-an-id-not-an?q=x')).toBeNull()
  })

  it('keeps the filters when a result opens and when the thread goes back', () => {
    const f = { ...EMPTY_FILTERS, q: 'invoice', tags: [TAG_A] }
    const open = searchHash(f, CONV)
    expect(open).toBe(`#/search/c/${CONV}?q=invoice&status=resolved&tags=${TAG_A}`)
    expect(backHash(open)).toBe(`#/search?q=invoice&status=resolved&tags=${TAG_A}`)
    expect(backHash(`#/c/${CONV}`)).toBe('#/')
  })
})

describe('the snippet highlight', () => {
  const hits = (snippet: string, q: string) => highlight(snippet, q).filter((p) => p.hit).map((p) => p.text)

  it('marks the words of the query, whatever their case and accents, and keeps all the text', () => {
    const parts = highlight('…my Invoice from März is wrong…', 'invoice marz')
    expect(parts.map((p) => p.text).join('')).toBe('…my Invoice from März is wrong…')
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['Invoice', 'März'])
  })

  it('marks the forms a stemmed search finds', () => {
    expect(hits('I run every day', 'running')).toEqual(['run'])
    expect(hits('Das Haus ist alt', 'Häuser')).toEqual(['Haus'])
    expect(hits('refunded twice', 'refund')).toEqual(['refunded'])
  })

  it('leaves unrelated and one-letter words alone, and handles an empty query', () => {
    expect(hits('a house on the hill', 'a xy')).toEqual([])
    expect(hits('a house on the hill', 'hi')).toEqual(['hill'])
    expect(highlight('plain text', '')).toEqual([{ text: 'plain text', hit: false }])
    expect(highlight('', 'x')).toEqual([])
  })

  it('keeps markup in the snippet as plain text around the hit', () => {
    expect(highlight('<b>refund</b> please', 'refund')).toEqual([
      { text: '<b>', hit: false },
      { text: 'refund', hit: true },
      { text: '</b> please', hit: false },
    ])
  })
})
