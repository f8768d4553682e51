// Small pure helpers for the visitor card: flags, country names, safe links and short URLs.
import type { Language, Translate } from '../../shared/i18n.ts'
import type { PageView } from '../../shared/types.ts'
import type { Visitor } from '../../../server/realtime/wire.ts'

/** The flag emoji of an ISO 3166 country code ("CZ" → 🇨🇿); empty for anything else. */
export function flag(countryCode: string): string {
  const cc = countryCode.trim().toUpperCase()
  if (!/^[A-Z]{2}$/.test(cc)) return ''
  return String.fromCodePoint(...[...cc].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65))
}

let flagSupport: boolean | null = null

/**
 * Whether this browser draws flag emoji in colour. Windows (Segoe UI Emoji) and machines without
 * an emoji font show two grey letters or boxes instead: then the card shows the country code.
 */
export function supportsFlagEmoji(): boolean {
  if (flagSupport !== null) return flagSupport
  flagSupport = false
  try {
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = 20
    const ctx = canvas.getContext('2d', { willReadFrequently: true })
    if (!ctx) return flagSupport
    ctx.font = '16px "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif'
    ctx.textBaseline = 'top'
    ctx.fillText(flag('CZ'), 0, 0)
    const d = ctx.getImageData(0, 0, 20, 20).data
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 0 && (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2])) return (flagSupport = true)
    }
  } catch {
    // No canvas (or it is blocked): the country code is always readable.
  }
  return flagSupport
}

/** The country's name in the agent's language ("CZ" → "Česko" in Czech), or the code itself. */
export function countryName(countryCode: string, lang: Language): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(countryCode.toUpperCase()) ?? countryCode
  } catch {
    return countryCode
  }
}

/** "Bracknell, England, United Kingdom": city, region (when it adds something) and country. */
export function placeName(loc: NonNullable<Visitor['location']>, lang: Language): string {
  const parts = [loc.city, loc.region && loc.region !== loc.city ? loc.region : null, countryName(loc.countryCode, lang)]
  return parts.filter((p): p is string => Boolean(p && p.trim())).join(', ')
}

/** Only http(s) links are rendered as links; anything else is shown as text. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
  } catch {
    return null
  }
}

/** "shop.example/boots?size=42": the URL without its scheme, "www." and a lone trailing slash. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url)
    const path = u.pathname === '/' ? '' : u.pathname
    return `${u.host.replace(/^www\./, '')}${path}${u.search}${u.hash}`
  } catch {
    return url
  }
}

/** The path and query only, for history rows on the visitor's own site. */
export function pathOf(url: string): string {
  try {
    const u = new URL(url)
    return `${u.pathname}${u.search}${u.hash}`
  } catch {
    return url
  }
}

const originOf = (url: string | null | undefined): string | null => {
  try {
    return url ? new URL(url).origin : null
  } catch {
    return null
  }
}

/**
 * The outside page that brought the visitor. A referrer from the visitor's own site (a click from
 * one of its pages to another) is not where they came from: then look for an outside one in the
 * browsing history, newest first.
 */
export function visitReferrer(v: Pick<Visitor, 'referrer' | 'currentPage'>, pages: PageView[]): string | null {
  const external = (referrer: string | null | undefined, page: string | null | undefined) => {
    const from = originOf(referrer)
    return from !== null && from !== originOf(page) ? referrer! : null
  }
  const direct = external(v.referrer, v.currentPage?.url ?? pages[0]?.url)
  if (direct) return direct
  for (const p of pages) {
    const r = external(p.referrer, p.url)
    if (r) return r
  }
  return null
}

/** "Chrome 126.0.6478.126" or just "Chrome". */
export function withVersion(x: { name: string; version: string | null } | null | undefined): string | null {
  if (!x) return null
  return x.version ? `${x.name} ${x.version}` : x.name
}

/**
 * The browser as the card says it. A bot or an in-app browser is stored under its English label
 * ("Bot: Googlebot", "Facebook in-app browser"; server/facts/useragent.ts), said here in the
 * agent's language; any other browser is its name and version.
 */
export function browserText(b: { name: string; version: string | null } | null | undefined, t: Translate<'visitor.bot' | 'visitor.inApp'>): string | null {
  if (!b) return null
  const bot = /^Bot: (.+)$/.exec(b.name)
  if (bot) return withVersion({ name: t('visitor.bot', { name: bot[1]! }), version: b.version })
  const app = /^(.+) in-app browser$/.exec(b.name)
  if (app) return withVersion({ name: t('visitor.inApp', { app: app[1]! }), version: b.version })
  return withVersion(b)
}
