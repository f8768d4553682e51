import type { Db } from '../../db/client.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { RatingScale, RatingView } from './ratings.types.ts'

/** Stores the rating; a second one of the same conversation replaces the first. */
export async function upsertRating(
  db: Db,
  r: { conversationId: string; visitorId: string; scale: RatingScale; score: number; comment: MaskedText },
): Promise<RatingView> {
  const [row] = await db<RatingView[]>`
    insert into conversation_ratings (conversation_id, visitor_id, scale, score, comment)
    values (${r.conversationId}, ${r.visitorId}, ${r.scale}, ${r.score}, ${r.comment})
    on conflict (conversation_id) do update
      set scale = excluded.scale, score = excluded.score, comment = excluded.comment, updated_at = now()
    returning conversation_id, scale, score, comment, created_at, updated_at`
  return row!
}

export async function findRating(db: Db, conversationId: string): Promise<RatingView | null> {
  const [row] = await db<RatingView[]>`
    select conversation_id, scale, score, comment, created_at, updated_at
    from conversation_ratings where conversation_id = ${conversationId}`
  return row ?? null
}
