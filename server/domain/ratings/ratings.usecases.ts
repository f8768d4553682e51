// The visitor rates a resolved conversation (#16): good/bad or 1–5 stars, as the owner chose,
// with an optional comment (card numbers masked, bounded). Once per conversation: a second rating
// replaces the first, so a visitor who clicked the wrong thumb can correct it. Dashboards hear of
// it as a conversation change ('updated'), which the list and the thread already follow and the
// cluster relay already carries to other processes.
import { announceConversationEvents, recordConversationEvent } from '../conversation-events/conversation-events.usecases.ts'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid } from '../../shared/ids.ts'
import { getConversation, getVisitorConversation } from '../conversations/conversations.usecases.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import { getRatingSettings } from '../settings/rating-settings.usecases.ts'
import * as repo from './ratings.repo.ts'
import type { RatingView } from './ratings.types.ts'

export type { RatingScale, RatingView } from './ratings.types.ts'

export const MAX_RATING_COMMENT = 1000

export interface RatingDeps {
  sql: Sql
  bus: EventBus
}

/** Whether `score` fits the scale: thumbs 0 or 1, stars 1–5 (pure, unit-tested). */
export function scoreFits(scale: 'thumbs' | 'stars', score: number): boolean {
  if (!Number.isInteger(score)) return false
  return scale === 'thumbs' ? score === 0 || score === 1 : score >= 1 && score <= 5
}

export async function rateConversation(
  deps: RatingDeps,
  visitorId: string,
  conversationId: string,
  input: { score: number; comment?: string | null },
): Promise<RatingView> {
  const conversation = await getVisitorConversation(deps, visitorId, conversationId)
  const { mode } = await getRatingSettings(deps)
  if (mode === 'off') throw new AppError('rating.off', 409, 'ratings are switched off')
  if (conversation.status !== 'resolved') throw new AppError('rating.not_resolved', 409, 'a conversation can be rated once it is resolved')
  if (!scoreFits(mode, input.score)) {
    const range = mode === 'thumbs' ? '0 (bad) or 1 (good)' : '1 to 5'
    throw new AppError('rating.invalid_score', 400, `score must be ${range}`, { field: 'score' })
  }
  const comment = maskCardNumbers((input.comment ?? '').trim())
  if (comment.length > MAX_RATING_COMMENT) {
    throw new AppError('rating.comment_too_long', 400, `the comment is longer than ${MAX_RATING_COMMENT} characters`, { field: 'comment', max: MAX_RATING_COMMENT })
  }
  // The rating and its line in the conversation's history ("rated: Good"; never the comment), together.
  const { rating, event } = await deps.sql.begin(async (tx) => {
    const rating = await repo.upsertRating(tx, { conversationId, visitorId, scale: mode, score: input.score, comment })
    const event = await recordConversationEvent(tx, {
      conversationId,
      kind: 'rated',
      actorAgentId: null,
      data: { rating: mode === 'thumbs' ? (input.score === 1 ? 'good' : 'bad') : input.score },
    })
    return { rating, event }
  })
  deps.bus.emit('conversation.changed', { conversation: await getConversation(deps, conversationId), change: 'updated' })
  announceConversationEvents(deps, [event])
  return rating
}

/** The rating with its comment, for the thread (agents); null when the visitor has not rated. */
export async function conversationRating(deps: { sql: Sql }, conversationId: string): Promise<RatingView | null> {
  if (!isUuid(conversationId)) return null
  return repo.findRating(deps.sql, conversationId)
}
