// Search over conversations (#16): what the HTTP layer and the dashboard see.
import type { Channel, ConversationView } from '../conversations/conversations.types.ts'

export type SearchStatus = 'resolved' | 'open' | 'all'
export type TagMode = 'any' | 'all'

/** A search, parsed and checked (search.rules.ts parseSearch). Every filter is optional; they combine with AND. */
export interface SearchFilters {
  /** Full text (messages) and part of the visitor's name or e-mail; null: none. */
  q: string | null
  status: SearchStatus
  /** Thumbs scores (0 bad, 1 good) and star scores (1–5) asked for; null: any rating or none. */
  rating: { thumbs: number[]; stars: number[] } | null
  /** An agent id, 'none' (never assigned), or null (anyone). */
  agent: string | null
  group: string | null
  tags: string[]
  tagMode: TagMode
  /** Part of the page URL the conversation started on (case-insensitive). */
  url: string | null
  /** An address or a CIDR range, as PostgreSQL's inet reads it. */
  ip: string | null
  channel: Channel | null
  /** Inclusive start and exclusive end (the day after `to`), UTC midnight. */
  from: Date | null
  to: Date | null
}

/** A keyset position: [sort key as PostgreSQL text, conversation id]. */
export type SearchCursor = [string, string]

export interface SearchQuery extends SearchFilters {
  cursor: SearchCursor | null
  limit: number
}

export interface SearchMatch {
  messageId: string
  seq: number
  /** Plain text around the hit; the UI highlights the words itself. */
  snippet: string
}

export type SearchItem = ConversationView & { match: SearchMatch | null }

export interface SearchPage {
  items: SearchItem[]
  nextCursor: string | null
}

export interface SavedSearch {
  id: string
  name: string
  /** The search as a URL query string (without `?`), re-checked by parseSearch when saved. */
  query: string
  createdAt: Date
}
