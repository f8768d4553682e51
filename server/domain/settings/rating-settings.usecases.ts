// Whether the widget asks a visitor to rate a resolved conversation, and on which scale (#16).
import type { Sql } from '../../db/client.ts'
import { AppError } from '../../shared/errors.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import * as repo from './settings.repo.ts'

/** thumbs: good / bad; stars: 1–5; off: the widget does not ask. */
export type RatingMode = 'thumbs' | 'stars' | 'off'
export const RATING_MODES: readonly RatingMode[] = ['thumbs', 'stars', 'off']

export interface RatingSettings {
  mode: RatingMode
}

export const DEFAULT_RATING_SETTINGS: RatingSettings = { mode: 'thumbs' }

const KEY = 'widget.rating'

export async function getRatingSettings(deps: { sql: Sql }): Promise<RatingSettings> {
  const stored = await repo.readSetting<Partial<RatingSettings>>(deps.sql, KEY)
  const mode = stored?.mode && RATING_MODES.includes(stored.mode) ? stored.mode : DEFAULT_RATING_SETTINGS.mode
  return { mode }
}

export async function updateRatingSettings(deps: { sql: Sql }, actor: Actor, patch: Partial<RatingSettings>): Promise<RatingSettings> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can change the widget settings')
  if (patch.mode === undefined || !RATING_MODES.includes(patch.mode)) {
    throw new AppError('request.invalid_rating_mode', 400, 'mode must be thumbs, stars or off', { field: 'mode' })
  }
  const next = { mode: patch.mode }
  await repo.writeSetting(deps.sql, KEY, next, actor.id)
  return next
}
