// Links in a message: the text is cut into plain pieces and http(s) addresses, and each address
// becomes an <a> built by Lit from its parts, so the message stays text and no markup the visitor
// typed can ever become an element. Only http and https: a `javascript:` or `data:` address is
// left as the text it is.
import { html, type TemplateResult } from 'lit'

export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Up to the first space or a character that cannot stand unescaped in an address anyway.
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi
// Punctuation that usually ends the sentence around an address rather than the address itself.
const TRAILING = /[.,;:!?*_~'"]+$/

/** The address without the sentence's closing punctuation; a closing bracket stays when it closes one inside. */
function trim(candidate: string): string {
  let s = candidate
  for (;;) {
    const before = s
    s = s.replace(TRAILING, '')
    for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}']] as const) {
      if (s.endsWith(close) && s.split(close).length > s.split(open).length) s = s.slice(0, -1)
    }
    if (s === before) return s
  }
}

export function segments(text: string): Segment[] {
  const out: Segment[] = []
  let at = 0
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = trim(m[0])
    let href: string
    try {
      const url = new URL(raw)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue
      href = url.href
    } catch {
      continue
    }
    if (m.index > at) out.push({ kind: 'text', text: text.slice(at, m.index) })
    out.push({ kind: 'link', text: raw, href })
    at = m.index + raw.length
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) })
  return out
}

/** A message body with its addresses as links that open in a new tab, without giving it this page. */
export function linkified(text: string): (string | TemplateResult)[] {
  return segments(text).map((s) =>
    s.kind === 'text' ? s.text : html`<a href=${s.href} target="_blank" rel="noopener noreferrer">${s.text}</a>`,
  )
}
