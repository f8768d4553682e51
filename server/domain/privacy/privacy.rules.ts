// Card numbers are masked before anything is stored, shown, forwarded or e-mailed: a Luhn-valid
// run of 12–19 digits that starts with a real card prefix, plain or grouped by single spaces,
// no-break spaces or dashes, keeps its last four digits and every separator:
// `4111 1111 1111 1111` → `•••• •••• •••• 1111`. Phone numbers (+…), IBANs, dates, prices,
// order numbers and Luhn-invalid runs stay as they are.
import type { MaskedText } from './privacy.types.ts'

export const MASK = '•'

// A chain of digit groups joined by one separator each. It may not continue a word or a number
// (no letter, digit or "+" right before it, and no "digit + separator" before it either, so the
// tail of an IBAN such as "CZ65 0800 …" is not taken for a card on its own), and a chain after
// "letters-" is an identifier such as "ORD-…", not a card.
const CHAIN = /(?<![\p{L}\p{N}+])(?<!\d[ \u00a0\u202f-])(?<!\p{L}-)\d+(?:[ \u00a0\u202f-]\d+)*(?![\p{L}\p{N}])/gu

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
  return text.replace(CHAIN, (chain) => {
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
  }) as MaskedText
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
