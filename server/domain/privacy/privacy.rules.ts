// Card numbers are masked before anything is stored, shown, forwarded or e-mailed: a Luhn-valid
// run of 12–19 digits that starts with a real card prefix, plain or grouped by single spaces,
// no-break spaces or dashes, keeps its last four digits and every separator:
// `4111 1111 1111 1111` → `•••• •••• •••• 1111`. Phone numbers (+…), IBANs, dates, prices,
// order numbers and Luhn-invalid runs stay as they are.
import type { MaskedText } from './privacy.types.ts'

export const MASK = '•'

// A chain of digit groups joined by one separator each, with the letters or "+" of the word it
// starts in (`CZ65 0800 …`, `+420 601 …`, `V1 4111 …`, `ref4111…`). It may not continue a number,
// and a chain after "letters-" is an identifier such as "ORD-…", not a card. (What stands before a
// chain is matched, not looked behind for: a lookbehind over the groups before a position was
// quadratic in a long run of them.)
const CHAIN = /(?<![\p{L}\p{N}+])(?<!\p{L}-)([\p{L}+]*)(\d+(?:[ \u00a0\u202f-]\d+)*)(?![\p{L}\p{N}])/gu
const FIRST_GROUP = /^\d+[ \u00a0\u202f-]?/

export function luhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

const between = (s: string, lo: number, hi: number) => {
  const n = Number(s)
  return n >= lo && n <= hi
}

/** Issuer prefixes (IIN ranges) of the networks we recognise. */
export function hasCardPrefix(d: string): boolean {
  return (
    d.startsWith('4') || // Visa
    between(d.slice(0, 2), 51, 55) || between(d.slice(0, 4), 2221, 2720) || // Mastercard
    d.startsWith('34') || d.startsWith('37') || // American Express
    d.startsWith('6011') || between(d.slice(0, 3), 644, 649) || d.startsWith('65') || // Discover
    between(d.slice(0, 6), 622126, 622925) ||
    between(d.slice(0, 4), 3528, 3589) || // JCB
    between(d.slice(0, 3), 300, 305) || d.startsWith('309') || d.startsWith('36') || d.startsWith('38') || d.startsWith('39') || // Diners
    d.startsWith('50') || between(d.slice(0, 2), 56, 69) || // Maestro
    d.startsWith('62') || d.startsWith('81') // UnionPay
  )
}

export function isCardNumber(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && hasCardPrefix(digits) && luhnValid(digits)
}

const SEPARATOR = /[ \u00a0\u202f-]/

/**
 * Returns the text with every card number masked; text without one comes back unchanged. The only
 * way to make a MaskedText. Inside a chain of digit groups the card is looked for group by group,
 * so what stands beside it (an expiry date, a CVC, an order number typed after it with a space)
 * does not hide it: `5555 5555 5555 4444 0329` → `•••• •••• •••• 4444 0329`. The longest card
 * wins at each group.
 */
export function maskCardNumbers(text: string): MaskedText {
  if (!/\d{4}/.test(text) && !/\d[ \u00a0\u202f-]\d/.test(text)) return text as MaskedText
  return text.replace(CHAIN, (whole: string, word: string, chain: string) => {
    if (word === '') return maskChain(chain)
    // An IBAN ("CZ65 0800 …": two letters and two digits, then groups) or an international phone
    // number ("+420 601 …"): no later group of it is a card on its own.
    if (word.includes('+') || (/^[A-Za-z]{2}$/.test(word) && /^\d{2}(?!\d)/.test(chain))) return whole
    // Any other word that ends in digits ("A1 4111 1111 …", "Qty12 5555 …"; "ref4111…" alone):
    // those digits are the word's, and a card may follow them.
    const first = FIRST_GROUP.exec(chain)![0]
    return word + first + maskChain(chain.slice(first.length))
  }) as MaskedText
}

/** One chain of digit groups with every card in it masked (see maskCardNumbers). */
function maskChain(chain: string): string {
  if (chain.replace(/\D/g, '').length < 12) return chain
  // Groups with their offsets in the chain: [start, end) of each run of digits.
  const groups: [number, number][] = []
  for (const m of chain.matchAll(/\d+/g)) groups.push([m.index, m.index + m[0].length])
  const masked: [number, number][] = []
  for (let i = 0; i < groups.length; ) {
    let found = -1
    let digits = 0
    const candidates: number[] = []
    // A card is written as one run of digits or in groups starting with four (4-4-4-4,
    // 4-6-5, 4-6-4): phone numbers in groups of three never line up as one.
    const firstLength = groups[i]![1] - groups[i]![0]
    for (let j = i; j < groups.length; j++) {
      digits += groups[j]![1] - groups[j]![0]
      if (digits > 19) break
      if (digits >= 12 && (j === i || firstLength === 4)) candidates.push(j)
    }
    for (const j of candidates.reverse()) {
      if (isCardNumber(chain.slice(groups[i]![0], groups[j]![1]).replace(/\D/g, ''))) {
        found = j
        break
      }
    }
    if (found < 0) {
      i++
      continue
    }
    masked.push([groups[i]![0], groups[found]![1]])
    i = found + 1
  }
  if (masked.length === 0) return chain
  let out = chain
  for (const [from, to] of masked) out = out.slice(0, from) + maskRun(out.slice(from, to)) + out.slice(to)
  return out
}

// The character references a card can be written with in HTML and still show as one: no-break
// and plain spaces, hyphens and digits (`4111&nbsp;1111&nbsp;…`, `&#52;111 …`), with or without
// the semicolon, as browsers read them.
const CARD_REFERENCE = /&(?:nbsp|#0*(?:32|45|160|8239|4[89]|5[0-7])|#x0*(?:20|2d|a0|202f|3[0-9]))(?![0-9a-z])(?:;|)/gi
const referenced = (ref: string): string => {
  const body = ref.slice(1).replace(/;$/, '').toLowerCase()
  if (body === 'nbsp') return '\u00a0'
  return String.fromCodePoint(body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10))
}

/**
 * The same for HTML (an e-mail's stored original): references that spell a card's digits or
 * separators are read first, so the card is found as the page shows it. HTML holding no card
 * comes back unchanged; one that did, with those references as the characters they stand for
 * (it renders the same).
 */
export function maskCardNumbersInHtml(html: string): MaskedText {
  if (!html.includes('&')) return maskCardNumbers(html)
  const read = html.replace(CARD_REFERENCE, referenced)
  const masked = maskCardNumbers(read)
  return masked === read ? maskCardNumbers(html) : masked
}

// How a URL writes a card's separators and digits: `+` (a space in a form's query), `%20`, `%2D`,
// an encoded no-break or narrow no-break space, and digits percent-encoded by a client.
const URL_CARD_ESCAPE = /\+|%(?:20|2d|3[0-9]|c2%a0|e2%80%af)/gi
const urlEscaped = (escape: string): string => (escape === '+' ? ' ' : decodeURIComponent(escape))

/**
 * The same for a URL (a page a visitor opened, its referrer): a browser sends what was typed into
 * a GET form percent-encoded (`?cc=4111+1111+…`, `4111%201111%20…`), so escapes that spell a card's
 * separators or digits are read as those characters while looking for cards. A masked digit
 * becomes `•`, as in a plain URL; every escape that was no part of a card stays as written.
 */
export function maskCardNumbersInUrl(url: string): MaskedText {
  if (!url.includes('+') && !url.includes('%')) return maskCardNumbers(url)
  // The URL as read (one character per escape), with what each read character was written as.
  let read = ''
  const written: string[] = []
  let at = 0
  for (const m of url.matchAll(URL_CARD_ESCAPE)) {
    for (; at < m.index; at++) {
      read += url[at]
      written.push(url[at]!)
    }
    read += urlEscaped(m[0])
    written.push(m[0])
    at = m.index + m[0].length
  }
  for (; at < url.length; at++) {
    read += url[at]
    written.push(url[at]!)
  }
  const masked = maskCardNumbers(read)
  if (masked === read) return maskCardNumbers(url)
  // Masking keeps the length (a digit becomes one `•`), so position i is the same character.
  let out = ''
  for (let i = 0; i < written.length; i++) out += masked[i] === read[i] ? written[i] : masked[i]
  return out as MaskedText
}

/** Masks an optional text, keeping null (a cleared field) as null. */
export function maskOptional(text: string | null): MaskedText | null {
  return text === null ? null : maskCardNumbers(text)
}

/** Every digit but the last four becomes the mask; separators stay. */
function maskRun(run: string): string {
  let keep = 4
  let out = ''
  for (let i = run.length - 1; i >= 0; i--) {
    const c = run[i]!
    if (SEPARATOR.test(c)) out = c + out
    else {
      out = (keep > 0 ? c : MASK) + out
      keep--
    }
  }
  return out
}
