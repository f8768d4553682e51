// An RFC 5322 message (bytes from IMAP) → the InboundMail the domain imports: decoded (charsets,
// quoted-printable, base64, format=flowed and encoded-word subjects, by mailparser), classified
// (visitor mail, auto-reply, read receipt, bounce), with the new text separated from the quote.
import type { AddressObject, ParsedMail } from 'mailparser'
import type { InboundAttachment, InboundMail, MailAddress } from './inbound.usecases.ts'
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL } from './inbound.usecases.ts'
import { htmlReplyText, htmlToText, stripReply } from './reply-text.ts'

/** Message-IDs in a header value, normalised: no angle brackets, lower case. */
export function messageIds(value: string | string[] | undefined | null): string[] {
  const all = Array.isArray(value) ? value.join(' ') : (value ?? '')
  const out: string[] = []
  for (const m of all.matchAll(/<([^<>\s]+)>/g)) out.push(normaliseId(m[1]!))
  if (out.length === 0 && all.trim() && !/\s/.test(all.trim())) out.push(normaliseId(all.trim()))
  return [...new Set(out)]
}

export const normaliseId = (id: string) => id.trim().replace(/^<|>$/g, '').toLowerCase()

const addresses = (v: AddressObject | AddressObject[] | undefined): MailAddress[] => {
  const list = Array.isArray(v) ? v : v ? [v] : []
  const out: MailAddress[] = []
  const walk = (items: { address?: string; name?: string; group?: unknown[] }[]) => {
    for (const a of items) {
      if (a.group) walk(a.group as never)
      else if (a.address) out.push({ address: a.address.toLowerCase(), name: a.name?.trim() || null })
    }
  }
  for (const o of list) walk(o.value as never)
  return out
}

const header = (p: ParsedMail, name: string): string => {
  const line = p.headerLines.find((h) => h.key === name)
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : ''
}
const headerAll = (p: ParsedMail, name: string): string[] =>
  p.headerLines.filter((h) => h.key === name).map((h) => h.line.slice(h.line.indexOf(':') + 1).trim())

const OUT_OF_OFFICE =
  /^\s*(auto(matic)?[- ]?(reply|response|answer)|out of (the )?office|away from (the )?office|automatische (antwort|rückantwort)|abwesenheits(notiz|nachricht)|nicht im büro|automatická odpověď|mimo kancelář|respuesta automática|fuera de la oficina|automatikus válasz|házon kívül|irodán kívül|odpowiedź automatyczna|automatyczna odpowiedź|poza biurem|nieobecność)(?!\p{L})/iu
const BOUNCE_SUBJECT =
  /(undeliver(ed|able)|delivery (status notification|failure|has failed)|returned mail|mail delivery (failed|failure|system)|failure notice|nicht zustellbar|unzustellbar|nedoručitelné|no se puede entregar|no entregado|kézbesíthetetlen|nie można dostarczyć|niedostarczon)/i

type Kind = InboundMail['kind']

function contentTypeParams(p: ParsedMail): { value: string; params: Record<string, string> } {
  const ct = p.headers.get('content-type') as { value?: string; params?: Record<string, string> } | string | undefined
  if (!ct) return { value: '', params: {} }
  if (typeof ct === 'string') return { value: ct.toLowerCase(), params: {} }
  return { value: (ct.value ?? '').toLowerCase(), params: ct.params ?? {} }
}

function reportText(p: ParsedMail): string {
  const parts = [p.text ?? '']
  for (const a of p.attachments) {
    if (/^(message\/(delivery-status|rfc822|global|global-headers)|text\/rfc822-headers|message\/disposition-notification)/i.test(a.contentType)) {
      parts.push(a.content.subarray(0, 256 * 1024).toString('utf8'))
    }
  }
  return parts.join('\n')
}

export function classify(p: ParsedMail): { kind: Kind; bounce: InboundMail['bounce'] } {
  const ct = contentTypeParams(p)
  const report = (ct.params['report-type'] ?? '').toLowerCase()
  const from = addresses(p.from)[0]?.address ?? ''
  const subject = p.subject ?? ''
  if (ct.value === 'multipart/report' && report === 'disposition-notification') return { kind: 'receipt', bounce: null }
  if (/urn:content-classes:mdn/i.test(header(p, 'content-class'))) return { kind: 'receipt', bounce: null }
  const isDsn = ct.value === 'multipart/report' && report === 'delivery-status'
  const looksBounced = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i.test(from) && BOUNCE_SUBJECT.test(subject)
  if (isDsn || looksBounced) {
    const text = reportText(p)
    const actions = [...text.matchAll(/^\s*Action:\s*(\S+)/gim)].map((m) => m[1]!.toLowerCase())
    // A "delayed" or "relayed" report is only news; only "failed" is a bounce.
    if (isDsn && actions.length > 0 && !actions.includes('failed')) return { kind: 'auto_reply', bounce: null }
    const diagnostic = /^\s*Diagnostic-Code:\s*(?:[a-z]+;\s*)?(.+(?:\n[ \t]+.+)*)/im.exec(text)?.[1]
    const status = /^\s*Status:\s*([245]\.\d+\.\d+)/im.exec(text)?.[1]
    const error = (diagnostic ?? (status ? `status ${status}` : subject)).replace(/\s+/g, ' ').trim().slice(0, 500)
    const ids = [...text.matchAll(/^\s*Message-ID:\s*(<[^>\s]+>)/gim)].map((m) => normaliseId(m[1]!))
    return { kind: 'bounce', bounce: { messageIds: [...new Set(ids)], error } }
  }
  const autoSubmitted = header(p, 'auto-submitted').toLowerCase()
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return { kind: 'auto_reply', bounce: null }
  if (header(p, 'x-autoreply') || header(p, 'x-autorespond') || header(p, 'x-auto-reply') || header(p, 'x-autoresponse')) {
    return { kind: 'auto_reply', bounce: null }
  }
  if (/^(auto_reply|bulk|junk)$/i.test(header(p, 'precedence'))) return { kind: 'auto_reply', bounce: null }
  if (OUT_OF_OFFICE.test(subject)) return { kind: 'auto_reply', bounce: null }
  return { kind: 'message', bounce: null }
}

export async function parseMail(source: Buffer | Uint8Array | string): Promise<InboundMail> {
  const raw = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source)
  // Loaded with the first mail, not at start: an idle process (or one without e-mail) never
  // needs mailparser, and not loading it keeps about 3 MiB out of its resident memory (#18).
  const { simpleParser } = await import('mailparser')
  const p = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 })
  const { kind, bounce } = classify(p)
  const ownId = messageIds(p.messageId)[0]
  const messageId = ownId ?? `sha256-${new Bun.CryptoHasher('sha256').update(raw).digest('hex')}@parley.invalid`
  const from = addresses(p.from)[0] ?? null
  const to = addresses(p.to).map((a) => a.address)
  const cc = addresses(p.cc).map((a) => a.address)
  const delivered = ['delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'x-forwarded-to']
    .flatMap((h) => headerAll(p, h))
    .flatMap((v) => [...v.matchAll(/[^\s<>,;"]+@[^\s<>,;"]+/g)].map((m) => m[0].toLowerCase()))
  const hasTextPart = /content-type:\s*text\/plain/i.test(raw.subarray(0, 512 * 1024).toString('latin1')) || !p.html
  const html = typeof p.html === 'string' ? p.html : null
  const fullText = hasTextPart ? (p.text ?? '').trim() : html ? htmlToText(html) : ''
  const text = kind === 'message' ? (hasTextPart ? stripReply(p.text ?? '') : html ? htmlReplyText(html) : '') : ''

  const attachments: InboundAttachment[] = []
  const skipped: string[] = []
  let total = 0
  for (const a of p.attachments) {
    // Images the HTML shows inline (logos, signatures) are part of the layout, not attachments.
    if (a.related && html) continue
    const filename = (a.filename ?? (a.contentType === 'message/rfc822' ? 'message.eml' : 'attachment')).replace(/[\u0000-\u001f/\\]/g, '_').slice(0, 200)
    if (attachments.length >= MAX_ATTACHMENTS) skipped.push(`${filename} (more than ${MAX_ATTACHMENTS} attachments)`)
    else if (a.size > MAX_ATTACHMENT_BYTES) skipped.push(`${filename} (larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB)`)
    else if (total + a.size > MAX_ATTACHMENTS_TOTAL) skipped.push(`${filename} (attachments larger than ${MAX_ATTACHMENTS_TOTAL / 1024 / 1024} MB in all)`)
    else {
      total += a.size
      attachments.push({ filename, contentType: (a.contentType || 'application/octet-stream').slice(0, 200), content: new Uint8Array(a.content) })
    }
  }
  return {
    messageId,
    inReplyTo: messageIds(header(p, 'in-reply-to')),
    references: messageIds(header(p, 'references')),
    from,
    to,
    cc,
    recipients: [...new Set([...to, ...cc, ...delivered])],
    subject: p.subject ?? '',
    date: p.date ?? null,
    kind,
    bounce,
    text,
    fullText,
    html,
    headers: p.headerLines.map((h) => h.line).join('\n').slice(0, 64 * 1024),
    attachments,
    skipped,
  }
}
