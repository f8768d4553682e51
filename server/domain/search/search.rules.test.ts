// The search's pure rules: reading a search from URL parameters, cursors, and CSV cells.
import { describe, expect, it } from 'bun:test'
import { isAppError } from '../../shared/errors.ts'
import { containsPattern, csvCell, csvRow, decodeCursor, encodeCursor, exportFilename, parseDay, parseIpFilter, parseSavedQuery, parseSearch } from './search.rules.ts'

const codeOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (isAppError(e)) return `${e.code} ${String(e.details?.field ?? '')}`.trim()
    throw e
  }
  return 'no error'
}
const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

describe('parseSearch', () => {
  it('defaults to resolved conversations, any tag, 30 a page, no filters', () => {
    expect(parseSearch({})).toEqual({
      q: null, status: 'resolved', rating: null, agent: null, group: null, tags: [], tagMode: 'any', url: null, ip: null,
      channel: null, from: null, to: null, cursor: null, limit: 30,
    })
  })

  it('reads every filter', () => {
    const s = parseSearch({
      q: '  refund   please ', status: 'all', rating: 'good,bad,5,5', agent: ID, group: ID, tags: `${ID},${ID.toUpperCase()}`, tagMode: 'all',
      url: ' /pricing ', ip: '10.0.0.0/8', channel: 'email', from: '2026-01-01', to: '2026-01-31', limit: '100',
    })
    expect(s).toMatchObject({ q: 'refund please', status: 'all', agent: ID, group: ID, tags: [ID], tagMode: 'all', url: '/pricing', ip: '10.0.0.0/8', channel: 'email', limit: 100 })
    expect(s.rating).toEqual({ thumbs: [0, 1], stars: [5] })
    expect(s.from!.toISOString()).toBe('2026-01-01T00:00:00.000Z')
    // `to` is inclusive: up to the next midnight
    expect(s.to!.toISOString()).toBe('2026-02-01T00:00:00.000Z')
    expect(parseSearch({ agent: 'none' }).agent).toBe('none')
  })

  it('names the field and the code of each bad value', () => {
    expect(codeOf(() => parseSearch({ rating: 'great' }))).toBe('search.invalid_rating rating')
    expect(codeOf(() => parseSearch({ rating: '6' }))).toBe('search.invalid_rating rating')
    expect(codeOf(() => parseSearch({ agent: 'bob' }))).toBe('search.unknown_agent agent')
    expect(codeOf(() => parseSearch({ group: 'sales' }))).toBe('search.unknown_group group')
    expect(codeOf(() => parseSearch({ tags: `${ID},vip` }))).toBe('search.unknown_tag tags')
    expect(codeOf(() => parseSearch({ from: '2026-02-01', to: '2026-01-31' }))).toBe('search.date_range from')
    expect(codeOf(() => parseSearch({ from: '2026-02-30' }))).toBe('search.date_range from')
    expect(codeOf(() => parseSearch({ to: 'yesterday' }))).toBe('search.date_range to')
    expect(codeOf(() => parseSearch({ ip: '10.0.0.256' }))).toBe('search.invalid_cidr ip')
    expect(codeOf(() => parseSearch({ status: 'closed' }))).toBe('request.invalid status')
    expect(codeOf(() => parseSearch({ channel: 'sms' }))).toBe('request.invalid channel')
    expect(codeOf(() => parseSearch({ tagMode: 'some' }))).toBe('request.invalid tagMode')
    expect(codeOf(() => parseSearch({ q: 'x'.repeat(201) }))).toBe('request.invalid q')
    expect(codeOf(() => parseSearch({ limit: '0' }))).toBe('request.invalid limit')
    expect(codeOf(() => parseSearch({ limit: '101' }))).toBe('request.invalid limit')
    expect(codeOf(() => parseSearch({ cursor: 'nonsense' }))).toBe('request.invalid_cursor cursor')
    // the same day on both ends is a range of one day
    expect(codeOf(() => parseSearch({ from: '2026-01-31', to: '2026-01-31' }))).toBe('no error')
    expect(parseDay('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z')
    expect(parseDay('2023-02-29')).toBeNull()
  })

  it('reads addresses and CIDR ranges of both families, and refuses what is neither', () => {
    for (const ok of ['10.0.0.1', '10.0.0.1/32', '0.0.0.0/0', '10.1.2.3/8', '2001:db8::/32', '2001:DB8::1', '::1/128', '::/0']) {
      expect(parseIpFilter(ok)).toBe(ok.toLowerCase())
    }
    for (const bad of ['10.0.0.256', '10.0.0.0/33', '10.0.0/8', '2001:db8::/129', '10.0.0.1/', '/8', 'localhost', '10.0.0.1/08', '1.2.3.4/8/8', "1.1.1.1' or 1=1"]) {
      expect(codeOf(() => parseIpFilter(bad))).toBe('search.invalid_cidr ip')
    }
  })

  it('checks a saved query string with the same parser, and refuses unknown or repeated parameters', () => {
    expect(parseSavedQuery('?status=open&q=caf%C3%A9&tags=' + ID).search).toMatchObject({ status: 'open', q: 'café', tags: [ID] })
    expect(parseSavedQuery('?status=open').query).toBe('status=open')
    expect(codeOf(() => parseSavedQuery('status=open&colour=red'))).toBe('request.invalid colour')
    expect(codeOf(() => parseSavedQuery('q=a&q=b'))).toBe('request.invalid q')
    expect(codeOf(() => parseSavedQuery('ip=10.0.0.0/40'))).toBe('search.invalid_cidr ip')
    expect(codeOf(() => parseSavedQuery('q=' + 'x'.repeat(2000)))).toBe('request.invalid query')
  })
})

describe('cursors', () => {
  it('round-trips a position and refuses a forged one', () => {
    const c: [string, string] = ['2026-01-01 10:00:00.123456+00', ID]
    expect(decodeCursor(encodeCursor(c))).toEqual(c)
    expect(decodeCursor(Buffer.from(JSON.stringify(['x', ID])).toString('base64url'))).toBeNull()
    expect(decodeCursor(Buffer.from(JSON.stringify(['2026-01-01', 'not-an-id'])).toString('base64url'))).toBeNull()
  })
})

describe('export cells', () => {
  it('quotes cells as RFC 4180 says and keeps formulas from running in a spreadsheet', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`)
    expect(csvCell('+1 555')).toBe("'+1 555")
    expect(csvCell('-5')).toBe("'-5")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=1')).toBe("'\t=1")
    expect(csvCell(null)).toBe('')
    expect(csvCell(42)).toBe('42')
    expect(csvRow(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n')
    expect(exportFilename(new Date('2026-11-30T23:00:00Z'), 'csv')).toBe('parley-search-2026-11-30.csv')
  })

  it('makes LIKE patterns that match the text literally', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%')
  })
})
