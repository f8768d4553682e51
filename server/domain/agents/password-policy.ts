// What makes a password acceptable: at least 10 characters and not easy to guess, judged by
// zxcvbn (its common-password list, keyboard patterns, sequences, repeats, dates, and the
// person's own name and address).
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'

export const MIN_PASSWORD_LENGTH = 10
export const MAX_PASSWORD_LENGTH = 256
/** zxcvbn's score 2: more than 10^6 guesses ("somewhat guessable"), below is refused. */
const MIN_SCORE = 2

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'guessable'

export interface PasswordVerdict {
  problem: PasswordProblem
  /** Says why, in words a person can act on (the API's 400 message). */
  message: string
}

// Loading zxcvbn and building its dictionaries takes 0.2-0.5 s, so it is loaded on the first
// check, not at start: most starts never check a password. Its dictionaries hold about 6 MB, so
// they are let go a while after the last check and collected (a first start that created the
// owner would keep them for good otherwise); passwords are set rarely, and the next one builds
// them again.
const FORGET_AFTER_MS = 30_000
let factory: ZxcvbnFactory | null = null
let forget: ReturnType<typeof setTimeout> | null = null
function zxcvbn(): ZxcvbnFactory {
  if (forget) clearTimeout(forget)
  forget = setTimeout(() => {
    factory = null
    forget = null
    // A quiet server allocates too little for the collector to run soon on its own.
    Bun.gc(true)
  }, FORGET_AFTER_MS)
  forget.unref?.()
  if (factory) return factory
  const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core')
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')
  return (factory = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }))
}

/** Whether zxcvbn's dictionaries are in memory now (tests). */
export const dictionariesLoaded = () => factory !== null

// zxcvbn's warnings (keys, as no translations are loaded) that mean "a known common password".
const COMMON = new Set(['topTen', 'topHundred', 'common', 'similarToCommon'])
const WHY: Record<string, string> = {
  straightRow: 'it is a row of keys on the keyboard',
  keyPattern: 'it is a short keyboard pattern',
  simpleRepeat: 'it repeats the same characters',
  extendedRepeat: 'it repeats the same characters',
  sequences: 'it is a sequence such as abc or 123',
  recentYears: 'it is built on a recent year',
  dates: 'it is built on a date',
  userInputs: 'it contains your name or e-mail address',
  namesByThemselves: 'it is a name',
  commonNames: 'it is built on a common name',
  wordByItself: 'it is a single word',
}

/** Why `password` is refused, or null when it is acceptable. */
export function passwordProblem(password: string, userInputs: readonly string[] = []): PasswordVerdict | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { problem: 'too_short', message: `password must be at least ${MIN_PASSWORD_LENGTH} characters` }
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { problem: 'too_long', message: `password is longer than ${MAX_PASSWORD_LENGTH} characters` }
  }
  // The name and the e-mail address (and its parts) count as known to an attacker.
  const inputs = userInputs.flatMap((s) => [s, ...s.toLowerCase().split(/[@.\s_+-]+/)]).filter((s) => s.length >= 3)
  const result = zxcvbn().check(password, inputs)
  if (result.score >= MIN_SCORE) return null
  const warning = result.feedback.warning ?? ''
  if (COMMON.has(warning)) {
    return { problem: 'common', message: 'password is among the most common passwords (or too close to one); choose another' }
  }
  const why = WHY[warning]
  return { problem: 'guessable', message: `password is too easy to guess${why ? `: ${why}` : ''}; add more words or characters` }
}
