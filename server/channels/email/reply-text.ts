// Only the new text of a reply: quoted history, attribution lines, the Outlook header block,
// signatures and mobile taglines are cut, for the clients people use (Gmail, Outlook desktop and
// web, Apple Mail and iOS, Thunderbird, Yahoo, Seznam) in the six UI languages. A reply written
// below the quote (bottom-posting) keeps what follows it; one written between quoted lines keeps
// its answers with their questions. The full original is kept elsewhere; when cutting would leave
// nothing, nothing is cut.
import type { HtmlToTextOptions } from 'html-to-text'

// html-to-text (with its HTML parser, ~0.4 MB of source) is loaded by the first HTML mail, not at start.
const convert = (html: string, options: HtmlToTextOptions): string => (require('html-to-text') as typeof import('html-to-text')).convert(html, options)

const hasDateOrAddress = (s: string) => /\d|@/.test(s)

// "On … wrote:" and its translations, each starting with the client's leading word. Gmail wraps
// long ones over two or three lines, so a candidate is a line joined with the next two.
const STRONG_ATTRIBUTION: RegExp[] = [
  /^\s*On\b.{3,300}\b(?:wrote|writes)\s*:\s*$/i, // Gmail, Apple Mail, Thunderbird, Yahoo, Outlook for Mac; "writes:" in some
  /^.{1,200}<[^<>\s]+@[^<>\s]+>\)?\s*(?:wrote|writes)\s*:\s*$/i, // Gnus, Claws, KMail: Acme Support <support@acme.test> writes:
  /^\s*Am\b.{3,300}\bschrieb\b.{0,300}:\s*$/i, // Am 1. Jan. 2024 um 10:00 schrieb Max <…>:
  /^\s*El\b.{3,300}\bescribió\s*:\s*$/i, // El lun, 1 ene 2024 a las 10:00, Juan (<…>) escribió:
  /^\s*Dne\b.{3,300}\bnapsal(?:a|\(a\))?\s*:\s*$/i, // Dne 1. 1. 2024 v 10:00 Jan Novák napsal(a):
  /^.{0,200}\bodesílatel\b.{1,300}\bnapsal(?:a|\(a\))?\s*:\s*$/i, // Gmail: po 1. 1. 2024 v 10:00 odesílatel Jan <…> napsal:
  /^\s*W dniu\b.{3,300}\bpisze\s*:\s*$/i, // Thunderbird: W dniu 1.01.2024 o 10:00, Jan Kowalski pisze:
  /^.{3,300}\bnapisał(?:a|\(a\))?\s*:\s*$/i, // Gmail: pon., 1 sty 2024 o 10:00 Jan <…> napisał(a):
  /^\s*Wiadomość napisana przez\b.{3,300}\bw dniu\b.{3,300}:\s*$/i, // Apple Mail (pl)
  /^.{3,300}(?<!\p{L})írta(?!\p{L}).{0,120}:\s*$/iu, // Gmail: … ezt írta (időpont: 2024. jan. 1., H, 10:00):  Thunderbird: … keltezéssel, Jan írta:
  /^.{3,200}\bdátummal\b.{0,200}\bírta\s*:\s*$/i, // Apple Mail (hu)
]

// Bare "X wrote:" forms: only when quoted lines follow.
const WEAK_ATTRIBUTION = /(?<!\p{L})(wrote|writes|schrieb|escribió|napsal(?:a|\(a\))?|napisał(?:a|\(a\))?|pisze|írta)\s*:\s*$/iu

// Outlook's "-----Original Message-----", Seznam.cz's "---------- Původní e-mail ----------", …
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(original message|ursprüngliche nachricht|původní zpráva|původní e-mail|pôvodný e-mail|mensaje original|eredeti üzenet|oryginalna wiadomość|wiadomość oryginalna|originalnachricht)\s*-{2,}\s*$/i
const UNDERSCORES = /^\s*_{10,}\s*$/

// Outlook's header block, in each language: From / Sent (or Date) / To / Subject.
const H = (words: string) => new RegExp(`^\\s*[*>]*\\s*(${words})\\s*\\*?\\s*:\\*?\\s*`, 'i')
const FROM = H('from|von|de|od|feladó')
const SENT = H('sent|date|gesendet|datum|enviado|enviado el|fecha|odesláno|elküldve|küldve|dátum|wysłane|wysłano|data')
const TO = H('to|an|para|komu|címzett|do')
const CC = H('cc|kopie|másolat|dw|kopia')
const SUBJECT = H('subject|betreff|asunto|předmět|tárgy|temat')

// The legal footer a company's mail server appends at the very bottom, below the quoted history.
const DISCLAIMERS: RegExp[] = [
  /^(confidentiality notice|disclaimer)\b/i,
  /^this (e-?mail|message)\b.{0,80}\b(confidential|privileged|intended (solely |only )?for)/i,
  /^(diese|die) (e-?mail|nachricht)\b.{0,80}\b(vertraulich|rechtlich geschützte|ausschließlich für)/i,
  /^(tento e-mail|tato (e-mailová )?zpráva)\b.{0,80}\b(důvěrn|určen)/i,
  /^(ta|niniejsza) wiadomość\b.{0,80}\b(poufn|przeznaczon)/i,
  /^este (correo|mensaje)\b.{0,80}\b(confidencial|dirigido)/i,
  /^(ez az? (e-mail|üzenet)|jelen (e-mail|üzenet))\b.{0,80}\b(bizalmas|címzett)/i,
]

const TAGLINES: RegExp[] = [
  /^sent from my \S+/i,
  /^sent from (yahoo mail|mail for windows|outlook|samsung mobile|my phone|my mobile|proton ?mail|aol|gmail|bluemail|spark)\b/i,
  /^sent (with|via) (proton ?mail|spark|bluemail|blackberry)\b/i,
  /^get outlook for (ios|android)/i,
  /^von meinem \S+.{0,40}gesendet/i,
  /^gesendet (von|mit) (meinem|yahoo|mail für windows|outlook|proton ?mail|gmx|web\.de)/i,
  /^outlook für (ios|android) (beziehen|herunterladen)/i,
  /^(odesláno|posláno) (z|ze|přes) \S+/i,
  /^získat outlook pro (ios|android)/i,
  /^enviado desde (mi|yahoo|correo para windows|outlook)\b/i,
  /^obtener outlook para (ios|android)/i,
  /^(elküldve|küldve) (az?|a) \S+/i,
  /^\S+-r[óő]l küldve/i,
  /^(outlook letöltése|szerezze be az outlook)/i,
  /^(wysłane|wysłano) (z|ze|przez) \S+/i,
  /^(pobierz|uzyskaj) (aplikację )?outlook (dla|na)/i,
]

const isQuote = (l: string) => /^\s*>/.test(l)
const isBlank = (l: string) => l.trim() === ''
const isRule = (l: string) => /^\s*([-_=*]\s*){3,}$/.test(l)
const isTagline = (l: string) => TAGLINES.some((re) => re.test(l.trim().replace(/^[-–—\s]+/, '')))

function isOutlookBlock(lines: string[], i: number): boolean {
  if (!FROM.test(lines[i]!)) return false
  let sent = false
  let to = false
  let subject = false
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
    const l = lines[j]!
    if (isBlank(l)) continue
    if (SENT.test(l)) sent = true
    else if (TO.test(l)) to = true
    else if (SUBJECT.test(l)) subject = true
    else if (CC.test(l)) continue
  }
  return [sent, to, subject].filter(Boolean).length >= 2
}

function nextNonBlank(lines: string[], from: number): number {
  for (let j = from; j < lines.length; j++) if (!isBlank(lines[j]!)) return j
  return -1
}

/** Where quoted history starts, and where the reply's own text resumes after it (`end`). */
interface History {
  start: number
  end: number
}

/** The end of a block of quoted lines starting at `from` (blank lines inside it belong to it). */
function quoteBlockEnd(lines: string[], from: number): number {
  let end = from
  for (let j = from; j < lines.length; j++) {
    if (isQuote(lines[j]!)) end = j + 1
    else if (!isBlank(lines[j]!)) break
  }
  return end
}

/** A time ("9:00") or an address: what a client's attribution has and a sentence rarely does. */
const CLIENT_MARK = /@|\d:\d\d/
const isAttribution = (s: string) => hasDateOrAddress(s) && STRONG_ATTRIBUTION.some((re) => re.test(s))

/**
 * Yahoo Mail's apps flatten the history into the attribution's line: "On Mon, … Acme <…>
 * wrote:   Hello Jana,your order…". Such a line starts with an attribution that ends in a colon
 * followed by two or more spaces.
 */
function isFlattenedAttribution(line: string): boolean {
  for (const m of line.matchAll(/:\s{2,}\S/g)) if (isAttribution(line.slice(0, m.index + 1))) return true
  return false
}

/** Whether anything but blank lines, taglines and a signature is left in `lines`. */
const hasOwnText = (lines: string[]) => tidy(lines).length > 0

/** The first quoted history in the mail, or null. */
function findHistory(lines: string[]): History | null {
  const toEnd = (start: number) => ({ start, end: lines.length })
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (ORIGINAL_MESSAGE.test(line)) return toEnd(i)
    if (UNDERSCORES.test(line)) {
      const n = nextNonBlank(lines, i + 1)
      if (n >= 0 && isOutlookBlock(lines, n)) return toEnd(i)
    }
    if (isOutlookBlock(lines, i)) return toEnd(i)
    if (isFlattenedAttribution(line)) return toEnd(i)
    // attributions, possibly wrapped over up to three lines
    let joined = ''
    for (let k = 0; k < 3 && i + k < lines.length; k++) {
      const part = lines[i + k]!
      if (k > 0 && (isBlank(part) || isQuote(part))) break
      joined = k === 0 ? part : `${joined} ${part.trim()}`
      if (!/:\s*$/.test(joined)) continue
      const n = nextNonBlank(lines, i + k + 1)
      const quoted = n >= 0 && isQuote(lines[n]!)
      // A client's attribution starts history: quoted lines, whose end is where a reply written
      // below them begins, or (Yahoo) unquoted text running to the end. Clients put a time or an
      // address in it; a sentence that only has a date ("am 3. Januar schrieb mir Ihr Kollege:")
      // is the visitor's own prose unless nothing of theirs follows it.
      const end = quoted ? quoteBlockEnd(lines, n) : lines.length
      const rest = lines.slice(quoted ? end : i + k + 1)
      if (isAttribution(joined)) {
        const certain = quoted ? CLIENT_MARK.test(joined) : /@/.test(joined)
        if (certain || !hasOwnText(rest)) return { start: i, end }
      }
      // "Jana wrote:" alone could be the visitor's own prose quoting someone: history only when
      // the quote is all that follows.
      if (WEAK_ATTRIBUTION.test(joined) && quoted && !hasOwnText(rest)) return { start: i, end }
      break
    }
    // a quote that runs to the end (inline answers between quoted lines are kept)
    if (isQuote(line) && lines.slice(i).every((l) => isBlank(l) || isQuote(l) || isTagline(l))) return toEnd(i)
  }
  return null
}

/** Without the signature ("-- ") and the trailing blank lines, taglines and rules. */
function tidy(lines: string[]): string[] {
  const sig = lines.findIndex((l) => l === '-- ' || l === '--' || l === '—')
  lines = sig >= 0 ? lines.slice(0, sig) : [...lines]
  while (lines.length && (isBlank(lines[lines.length - 1]!) || isTagline(lines[lines.length - 1]!) || isRule(lines[lines.length - 1]!))) lines.pop()
  while (lines.length && isBlank(lines[0]!)) lines.shift()
  return lines
}

/** The reply's new text. */
export function stripReply(text: string): string {
  const all = text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n')
  let lines = all
  const history = findHistory(all)
  if (history) {
    const above = tidy(all.slice(0, history.start))
    let below = tidy(all.slice(history.end))
    const disclaimer = below.findIndex((l) => DISCLAIMERS.some((re) => re.test(l.trim())))
    if (disclaimer >= 0) below = tidy(below.slice(0, disclaimer))
    // Answers between quoted lines: the questions they answer stay with them, the trailing
    // quote (the rest of the history) goes.
    const firstQuote = below.findIndex(isQuote)
    if (firstQuote >= 0 && below.slice(firstQuote).some((l) => !isBlank(l) && !isQuote(l))) {
      const fromQuote = tidy(all.slice(history.start).slice(all.slice(history.start).findIndex(isQuote)))
      below = tidy(fromQuote.slice(0, fromQuote.findLastIndex((l) => !isBlank(l) && !isQuote(l)) + 1))
    } else if (firstQuote >= 0) {
      below = tidy(below.slice(0, firstQuote))
    }
    lines = above.length && below.length ? [...above, '', ...below] : [...above, ...below]
  }
  const out = tidy(lines).join('\n').replace(/[ \t]+$/gm, '').trim()
  return out === '' ? all.join('\n').trim() : out
}

const BASE: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
}

/** The whole HTML mail as readable text (quotes rendered with "> "). */
export function htmlToText(html: string): string {
  return convert(html, BASE).trim()
}

// The containers clients put quoted history and signatures in.
const QUOTE_CONTAINERS = [
  'div.gmail_quote',
  'div.gmail_quote_container',
  'div.gmail_signature',
  '[data-smartmail="gmail_signature"]',
  'blockquote',
  'div.moz-cite-prefix',
  'div.moz-signature',
  'pre.moz-signature',
  'div.yahoo_quoted',
  'div.ydpyahoo_quoted',
  'div#Signature',
  'div.OutlookMessageHeader',
]

/** Only the new text of an HTML mail. */
export function htmlReplyText(html: string): string {
  const text = convert(html, {
    ...BASE,
    selectors: [...BASE.selectors!, ...QUOTE_CONTAINERS.map((selector) => ({ selector, format: 'skip' }))],
  })
  return stripReply(text)
}
