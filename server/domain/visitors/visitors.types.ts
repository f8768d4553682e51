// The visitor as the rest of Parley sees it (events, the wire protocol, http), and the shapes the
// repository stores, whose free text must be MaskedText.
import type { MaskedText } from '../privacy/privacy.types.ts'

export interface VisitorRow {
  id: string
  number: number
  name: string | null
  email: string | null
  phone: string | null
  createdAt: Date
  lastSeenAt: Date
  /**
   * Only from a socket's token check (authenticateVisitorSocket): the visitor's newest
   * conversation, the first of GET /api/widget/conversations, or null when they have none.
   */
  latestConversationId?: string | null
}

export type EmailSource = 'contact_form' | 'site' | 'agent' | 'email'

export interface CustomerVariable {
  label: string
  value: string
}

/** A visitor as the dashboard's visitor card shows it. */
export interface VisitorView {
  id: string
  number: number
  externalId: string | null
  name: string | null
  email: string | null
  emailSource: EmailSource | null
  phone: string | null
  note: string
  noteUpdatedAt: Date | null
  noteUpdatedBy: { id: string; name: string } | null
  variables: Record<string, CustomerVariable>
  ip: string | null
  location: { countryCode: string; region: string | null; city: string | null } | null
  os: { name: string; version: string | null } | null
  browser: { name: string; version: string | null } | null
  referrer: string | null
  currentPage: { url: string; title: string | null } | null
  /** A widget of this visitor is connected to a live Parley process. */
  online: boolean
  createdAt: Date
  lastSeenAt: Date
}

/** What a widget's connection tells about the visitor; the browser's own words are masked. */
export interface VisitFacts {
  ip: string
  userAgent: MaskedText
  countryCode: string | null
  region: string | null
  city: string | null
  osName: MaskedText | null
  osVersion: MaskedText | null
  browserName: MaskedText | null
  browserVersion: MaskedText | null
}

export interface PageView {
  url: string
  title: string
  referrer: string | null
  at: Date
}

/** Fields of the visitor card to change; free text masked. The e-mail address and phone are kept exact (validated). */
export interface VisitorPatch {
  name?: MaskedText | null
  email?: string | null
  emailSource?: EmailSource | null
  phone?: string | null
  note?: MaskedText
  noteUpdatedBy?: string
}

/** Customer info as stored: label and value masked. */
export interface MaskedVariable extends CustomerVariable {
  label: MaskedText
  value: MaskedText
}

/** A page the visitor opened, as stored: the page's own words masked. */
export interface PageVisit {
  url: MaskedText
  title: MaskedText
  referrer: MaskedText | null
  /** The outside page that brought the visitor, if this one did (else the stored one stays). */
  visitReferrer: MaskedText | null
}
