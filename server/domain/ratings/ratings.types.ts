// A visitor's rating of a resolved conversation, as the rest of Parley sees it.
import type { RatingMode } from '../settings/rating-settings.usecases.ts'

export type RatingScale = Exclude<RatingMode, 'off'>

export interface RatingView {
  conversationId: string
  scale: RatingScale
  /** thumbs: 0 bad, 1 good; stars: 1–5. */
  score: number
  /** Card numbers masked; empty when the visitor wrote none. */
  comment: string
  createdAt: Date
  updatedAt: Date
}
