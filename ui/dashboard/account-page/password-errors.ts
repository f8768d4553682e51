// The server's reason for refusing a password (details.reason), in the agent's language.
import { ApiError } from '../../shared/api.ts'
import type { Translate } from '../../shared/i18n.ts'
import type { Key } from '../i18n/index.ts'

export function passwordErrorText(t: Translate<Key>, err: unknown): string | null {
  if (!(err instanceof ApiError) || err.field !== 'password') return null
  if (err.reason === 'common') return t('password.common')
  if (err.reason === 'guessable') return t('password.guessable')
  return t('error.password')
}

/** A browser and system from a User-Agent string, as "Chrome 131 · Linux" (enough to recognise a device). */
export function deviceOf(userAgent: string | null): { browser: string; os: string } | null {
  if (!userAgent) return null
  const browsers: [string, RegExp][] = [
    ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
    ['Opera', /OPR\/(\d+)/],
    ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
    ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
    ['Safari', /Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari/],
  ]
  let browser = ''
  for (const [name, re] of browsers) {
    const m = re.exec(userAgent)
    if (m) {
      browser = `${name} ${m[1]}`
      break
    }
  }
  const systems: [string, RegExp][] = [
    ['Android', /Android/],
    ['iOS', /iPhone|iPad|iPod/],
    ['Windows', /Windows/],
    ['macOS', /Mac OS X|Macintosh/],
    ['ChromeOS', /CrOS/],
    ['Linux', /Linux/],
  ]
  const os = systems.find(([, re]) => re.test(userAgent))?.[0] ?? ''
  if (!browser && !os) return null
  return { browser: browser || userAgent.slice(0, 40), os }
}
