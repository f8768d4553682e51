// Locale-aware times and durations through Intl, so no unit words live in the string tables.
// The UI language picks the words; the browser's full locale for that language (de-AT, es-MX)
// picks the formats — see localeFor.
import { localeFor, type Language } from '../shared/i18n.ts'

/** The time of day as the widget writes it: "9:05 AM", "9:05" (no padded hour). */
export function clockTime(iso: string, lang: Language, locale = localeFor(lang)): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso))
}

export function dateTime(iso: string, lang: Language, locale = localeFor(lang)): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
}

/** A short day and month ("5. 3.", "05.03.", "3/5") for a date that is not today. */
export function shortDate(iso: string, lang: Language, locale = localeFor(lang)): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric' }).format(new Date(iso))
}

export function dayLabel(iso: string, lang: Language, now = new Date(), locale = localeFor(lang)): string {
  const d = new Date(iso)
  const days = Math.round((startOfDay(now) - startOfDay(d)) / 86_400_000)
  if (days === 0 || days === 1) {
    const s = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-days, 'day')
    return s.charAt(0).toLocaleUpperCase(locale) + s.slice(1)
  }
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(d)
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
}

/** Languages whose short units are cryptic letters (Hungarian "5 p", "2 ó"): they get the words. */
const LONG_UNITS: readonly Language[] = ['hu']

/** A short duration such as "< 1 min", "5 min", "2 h", "3 d" in the agent's language. */
export function duration(ms: number, lang: Language, locale = localeFor(lang)): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const unitDisplay = LONG_UNITS.includes(lang) ? 'long' : 'short'
  const fmt = (n: number, unit: 'second' | 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay, maximumFractionDigits: 0 }).format(n)
  // Under a minute, seconds would tick visibly and distract: "< 1 min" is enough.
  if (s < 60) return `< ${fmt(1, 'minute')}`
  if (s < 3600) return fmt(Math.floor(s / 60), 'minute')
  if (s < 86_400) return fmt(Math.floor(s / 3600), 'hour')
  return fmt(Math.floor(s / 86_400), 'day')
}

/** Under this many seconds ago() says "now", which a sentence such as "last seen …" cannot hold. */
export const JUST_NOW_S = 45

/** "5 minutes ago" style, for list rows ("now" under JUST_NOW_S). */
export function ago(iso: string, lang: Language, now = Date.now(), locale = localeFor(lang)): string {
  const diff = (new Date(iso).getTime() - now) / 1000
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })
  const a = Math.abs(diff)
  if (a < JUST_NOW_S) return rtf.format(0, 'second')
  if (a < 3600) return rtf.format(Math.round(diff / 60), 'minute')
  if (a < 86_400) return rtf.format(Math.round(diff / 3600), 'hour')
  return rtf.format(Math.round(diff / 86_400), 'day')
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const first = parts[0]?.[0] ?? '?'
  const last = parts.length > 1 ? parts[parts.length - 1]![0]! : ''
  return (first + last).toUpperCase()
}

/**
 * An avatar's background for white initials: a hue from the id at one perceptual lightness
 * (OKLCH), so every hue keeps at least 4.5:1 against white. HSL's lightness does not: at one HSL
 * lightness yellow is far lighter than blue. `dim` greys it out (an inactive agent) at the same
 * lightness, so the initials stay readable.
 */
export function avatarColor(id: string, dim = false): string {
  return `oklch(50% ${dim ? 0.03 : 0.11} ${hue(id)})`
}

/** A stable, calm hue for an avatar from an id. */
export function hue(id: string): number {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return h % 360
}
