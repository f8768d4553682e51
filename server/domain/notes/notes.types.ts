// Private notes (#16): written by agents inside a thread, read by agents only.
import type { ConversationView } from '../conversations/conversations.types.ts'

export interface NoteView {
  id: string
  conversationId: string
  authorId: string | null
  authorName: string | null
  /** Card numbers masked, like every stored text. */
  body: string
  /** The agents mentioned with @name in the body. */
  mentions: string[]
  clientId: string | null
  createdAt: Date
}

export interface NoteResult {
  note: NoteView
  conversation: ConversationView
  duplicate: boolean
}
