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

/**
 * Returns the text with every card number masked; text without one comes back unchanged. The only
 * way to make a MaskedText.
 */
export function maskCardNumbers(text: string): MaskedText {
  if (!/\d{4}/.test(text) && !/\d[ \u00a0\u202f-]\d/.test(text)) return text as MaskedText
  return text.replace(CHAIN, (chain) => {
    const digits = chain.replace(/\D/g, '')
    if (!isCardNumber(digits)) return chain
    let keep = 4
    let out = ''
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!
      if (c >= '0' && c <= '9') {
        out = (keep > 0 ? c : MASK) + out
        keep--
      } else {
        out = c + out
      }
    }
    return out
  }) as MaskedText
}

/** Masks an optional text, keeping null (a cleared field) as null. */
export function maskOptional(text: string | null): MaskedText | null {
  return text === null ? null : maskCardNumbers(text)
}
