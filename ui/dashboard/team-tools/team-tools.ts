// The dashboard's store for #16's team tools: private notes per conversation, the visitor's rating
// with its comment, the canned responses, and the mentions waiting to be seen. One of the per-feature
// stores (stores/), with its own context and change event; the composition root (stores/dashboard.ts)
// routes the 'note' and 'mention' frames to it, so the thread, the composer and the settings page
// each find them in one place.
import type { Conversation, Note, ServerFrame } from '../../../server/realtime/wire.ts'
import type { ApiClient } from '../../shared/api.ts'
import { clientId } from '../../shared/socket.ts'
import { Store } from '../stores/store.ts'

export interface Canned {
  id: string
  scope: 'team' | 'personal'
  shortcut: string
  body: string
  updatedAt: string
}

export interface Rating {
  scale: 'thumbs' | 'stars'
  score: number
  comment: string
  createdAt: string
  updatedAt: string
}

interface Host {
  readonly api: ApiClient
}

const MAX_TOASTS = 5
/** A list that failed to load is asked for again at the first use after this long. */
const RETRY_AFTER_MS = 10_000
const retryDue = (failedAt: number | null | undefined) => failedAt != null && Date.now() - failedAt > RETRY_AFTER_MS

/** A conversation's notes as loaded: failedAt when the last load failed. */
type NotesEntry = { loading: boolean; items: Note[]; failedAt?: number }

export class TeamTools extends Store {
  private notes = new Map<string, NotesEntry>()
  private ratings = new Map<string, { score: number; rating: Rating | null }>()
  canned: Canned[] | null = null
  /** When the canned responses last failed to load; null once they have loaded (or not yet tried). */
  private cannedFailedAt: number | null = null
  /** The last load of the canned responses failed (the settings page says so). */
  get cannedError(): boolean {
    return this.cannedFailedAt !== null
  }
  /** Mentions of me not yet opened or dismissed, newest last. */
  mentions: { note: Note; conversation: Conversation }[] = []

  constructor(private host: Host) {
    super('team')
  }

  reset(): void {
    this.notes.clear()
    this.ratings.clear()
    this.canned = null
    this.cannedFailedAt = null
    this.mentions = []
    this.changed()
  }

  /** The conversation's notes, oldest first; loaded on first use, and again at a use 10 s after a
   *  load that failed (the thread works without them meanwhile). */
  notesFor(conversationId: string): Note[] {
    const known = this.notes.get(conversationId)
    if (!known || (!known.loading && retryDue(known.failedAt))) void this.loadNotes(conversationId)
    return known?.items ?? []
  }

  async loadNotes(conversationId: string): Promise<void> {
    const entry: NotesEntry = { loading: true, items: this.notes.get(conversationId)?.items ?? [] }
    this.notes.set(conversationId, entry)
    try {
      const items = await this.host.api.get<Note[]>(`/api/conversations/${conversationId}/notes`)
      entry.items = mergeNotes(entry.items, items)
    } catch {
      entry.failedAt = Date.now()
    }
    entry.loading = false
    this.changed()
  }

  private addToThread(note: Note): void {
    const entry = this.notes.get(note.conversationId)
    if (entry) entry.items = mergeNotes(entry.items, [note])
  }

  async addNote(conversationId: string, body: string): Promise<void> {
    const r = await this.host.api.post<{ note: Note }>(`/api/conversations/${conversationId}/notes`, { body, clientId: clientId() })
    this.addToThread(r.note)
    this.changed()
  }

  /** The rating with its comment, for the thread; reloaded when the score in the conversation changes. */
  ratingFor(c: Conversation): Rating | null {
    if (!c.rating) return null
    const known = this.ratings.get(c.id)
    if (!known || known.score !== c.rating.score) {
      this.ratings.set(c.id, { score: c.rating.score, rating: known?.rating ?? null })
      void this.host.api.get<{ rating: Rating | null }>(`/api/conversations/${c.id}/rating`).then(
        (r) => {
          this.ratings.set(c.id, { score: c.rating!.score, rating: r.rating })
          this.changed()
        },
        () => {},
      )
    }
    return this.ratings.get(c.id)?.rating ?? null
  }

  private cannedLoading = false

  /** The canned responses for the composer; loaded on first use, and again at a later use (10 s
   *  on) when that load failed — one failed request no longer hid them until a reload. */
  cannedList(): Canned[] {
    if (this.canned === null && !this.cannedLoading && (this.cannedFailedAt === null || retryDue(this.cannedFailedAt))) {
      this.cannedLoading = true
      void this.loadCanned().finally(() => (this.cannedLoading = false))
    }
    return this.canned ?? []
  }

  async loadCanned(): Promise<Canned[]> {
    try {
      this.canned = await this.host.api.get<Canned[]>('/api/canned')
      this.cannedFailedAt = null
    } catch {
      this.cannedFailedAt = Date.now()
    }
    this.changed()
    return this.canned ?? []
  }

  dismissMention(noteId: string): void {
    this.mentions = this.mentions.filter((m) => m.note.id !== noteId)
    this.changed()
  }

  handleFrame(frame: Extract<ServerFrame, { type: 'note' | 'mention' }>): void {
    this.addToThread(frame.note)
    if (frame.type === 'mention' && !this.mentions.some((m) => m.note.id === frame.note.id)) {
      this.mentions = [...this.mentions, { note: frame.note, conversation: frame.conversation }].slice(-MAX_TOASTS)
    }
    this.changed()
  }
}

export function mergeNotes(a: Note[], b: Note[]): Note[] {
  const byId = new Map(a.map((n) => [n.id, n]))
  for (const n of b) byId.set(n.id, n)
  return [...byId.values()].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.id.localeCompare(y.id))
}
