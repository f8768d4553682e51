// The short conversation token e-mail carries twice: in the reply address
// (support+c_<token>@example.com) and in the subject ("… [#<token>]"). Lower case and without
// look-alike characters, because mail servers and people may change the case or retype it.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'
export const TOKEN_LENGTH = 10

export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_LENGTH))
  let out = ''
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length]
  return out
}

const TOKEN = `[${ALPHABET}]{${TOKEN_LENGTH}}`
const PLUS = new RegExp(`\\+c_(${TOKEN})@`, 'i')
const SUBJECT = new RegExp(`\\[#(${TOKEN})\\]`, 'gi')

export function plusAddress(address: string, token: string): string {
  const at = address.lastIndexOf('@')
  return `${address.slice(0, at)}+c_${token}${address.slice(at)}`
}

export const subjectTag = (token: string) => `[#${token}]`

/** Tokens in the recipients' plus-addresses, in order. */
export function tokensInAddresses(addresses: string[]): string[] {
  const out: string[] = []
  for (const a of addresses) {
    const m = PLUS.exec(a)
    if (m) out.push(m[1]!.toLowerCase())
  }
  return out
}

/** Tokens in a decoded subject; the last one is the most recent thread's. */
export function tokensInSubject(subject: string): string[] {
  return [...subject.matchAll(SUBJECT)].map((m) => m[1]!.toLowerCase()).reverse()
}

/** The subject without reply prefixes and our tag: what the thread is called. */
export function baseSubject(subject: string): string {
  let s = subject.replace(SUBJECT, '').replace(/\s+/g, ' ').trim()
  // Re:, Fwd:, and their Czech, German, Spanish, Hungarian and Polish forms, repeated or counted (Re[2]:)
  const prefix = /^(re|fw|fwd|aw|wg|odp|pd|rv|res|vá|válasz|tr|sv|antw|r)(\[\d+\])?\s*:\s*/i
  for (let i = 0; i < 10 && prefix.test(s); i++) s = s.replace(prefix, '')
  return s.trim()
}
