// The visitor card's small helpers: flags, place names, safe links, and which referrer is the
// one that brought the visitor.
import { describe, expect, it } from 'bun:test'
import { flag, pathOf, placeName, safeHref, shortUrl, visitReferrer, withVersion } from './card.ts'

const page = (url: string, referrer: string | null) => ({ url, title: '', referrer, at: '2026-01-01T10:00:00Z' })

describe('visitor card helpers', () => {
  it('turns a country code into its flag, and nothing else into anything', () => {
    expect(flag('cz')).toBe('🇨🇿')
    expect(flag('GB')).toBe('🇬🇧')
    expect(flag('')).toBe('')
    expect(flag('CZE')).toBe('')
    expect(flag('1A')).toBe('')
  })

  it('names the place in the agent’s language, without repeating a city-state', () => {
    expect(placeName({ countryCode: 'GB', region: 'England', city: 'Bracknell' }, 'en')).toBe('Bracknell, England, United Kingdom')
    expect(placeName({ countryCode: 'CZ', region: 'Praha', city: 'Praha' }, 'cs')).toBe('Praha, Česko')
    expect(placeName({ countryCode: 'DE', region: null, city: null }, 'de')).toBe('Deutschland')
  })

  it('links only http and https addresses', () => {
    expect(safeHref('https://shop.example/boots?size=42')).toBe('https://shop.example/boots?size=42')
    expect(safeHref('javascript:alert(1)')).toBeNull()
    expect(safeHref('data:text/html,hi')).toBeNull()
    expect(safeHref('not a url')).toBeNull()
    expect(safeHref(null)).toBeNull()
  })

  it('shortens URLs for display', () => {
    expect(shortUrl('https://www.google.com/search?q=boots')).toBe('google.com/search?q=boots')
    expect(shortUrl('https://shop.example/')).toBe('shop.example')
    expect(pathOf('https://shop.example/demo/boots?size=42#reviews')).toBe('/demo/boots?size=42#reviews')
    expect(withVersion({ name: 'Firefox', version: '128.0' })).toBe('Firefox 128.0')
    expect(withVersion({ name: 'Safari', version: null })).toBe('Safari')
    expect(withVersion(null)).toBeNull()
  })

  it('takes the outside page that brought the visitor as the referrer, not a link within the site', () => {
    const google = 'https://www.google.com/search?q=boots'
    const history = [
      page('https://shop.example/boots?size=42', 'https://shop.example/'),
      page('https://shop.example/boots', 'https://shop.example/'),
      page('https://shop.example/', google),
    ]
    // The visitor's own referrer moved to the shop's home page after they clicked within the site.
    expect(visitReferrer({ referrer: 'https://shop.example/', currentPage: { url: 'https://shop.example/boots?size=42', title: '' } }, history)).toBe(google)
    expect(visitReferrer({ referrer: google, currentPage: { url: 'https://shop.example/', title: '' } }, [])).toBe(google)
    expect(visitReferrer({ referrer: 'https://shop.example/', currentPage: { url: 'https://shop.example/a', title: '' } }, history.slice(0, 2))).toBeNull()
    expect(visitReferrer({ referrer: null, currentPage: null }, [])).toBeNull()
  })
})
