// The visitor card's small helpers: flags, place names, safe links, and which referrer is the
// one that brought the visitor.
import { describe, expect, it } from 'bun:test'
import { browserText, flag, pathOf, placeName, safeHref, shortUrl, visitReferrer, withVersion } from './card.ts'
import { parseUserAgent } from '../../../server/facts/useragent.ts'
import { CATALOGS } from '../i18n/index.ts'
import { LANGUAGES, translator } from '../../shared/i18n.ts'

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

  it('says a bot and an in-app browser in each of the six languages, as the server stores them', () => {
    const browserOf = (ua: string) => {
      const f = parseUserAgent(ua)
      return f.browserName ? { name: f.browserName, version: f.browserVersion } : null
    }
    const googlebot = browserOf('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')
    const facebook = browserOf(
      'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/445.0.0.34.118;]',
    )
    const instagram = browserOf(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 312.0.0.34.111 (iPhone15,2; iOS 17_1; de_DE; de; scale=3.00; 1179x2556; 549445925)',
    )
    const chrome = browserOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')
    const expected = {
      en: ['Bot: Googlebot', 'Facebook in-app browser 445.0.0.34.118', 'Instagram in-app browser 312.0.0.34.111'],
      cs: ['Robot: Googlebot', 'Prohlížeč v aplikaci Facebook 445.0.0.34.118', 'Prohlížeč v aplikaci Instagram 312.0.0.34.111'],
      de: ['Bot: Googlebot', 'In-App-Browser von Facebook 445.0.0.34.118', 'In-App-Browser von Instagram 312.0.0.34.111'],
      es: ['Bot: Googlebot', 'Navegador integrado de Facebook 445.0.0.34.118', 'Navegador integrado de Instagram 312.0.0.34.111'],
      hu: ['Robot: Googlebot', 'Facebook beépített böngésző 445.0.0.34.118', 'Instagram beépített böngésző 312.0.0.34.111'],
      pl: ['Bot: Googlebot', 'Przeglądarka w aplikacji Facebook 445.0.0.34.118', 'Przeglądarka w aplikacji Instagram 312.0.0.34.111'],
    }
    for (const lang of LANGUAGES) {
      const t = translator(CATALOGS, lang)
      expect({ lang, shown: [googlebot, facebook, instagram].map((b) => browserText(b, t)) }).toEqual({ lang, shown: expected[lang] })
      expect(browserText(chrome, t)).toBe('Chrome 120.0.0.0')
      expect(browserText(null, t)).toBeNull()
    }
  })
})
