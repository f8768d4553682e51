// The owner's recording settings, kept beside the widget's appearance in the settings table.
import type { Sql } from '../../db/client.ts'
import { AppError } from '../../shared/errors.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import type { RecordingSettings, WidgetRecordingSettings } from '../recordings/recordings.types.ts'
import * as repo from './settings.repo.ts'

export const DEFAULT_RECORDING_SETTINGS: RecordingSettings = {
  enabled: true,
  requireConsent: false,
  honorGpc: true,
  recordMobile: true,
  recordInputs: false,
  finalizeAfterMinutes: 2,
  retentionDays: 10,
}

const KEY = 'recordings'

/**
 * Every chunk upload reads the switches: kept for a moment per database, so a busy site's uploads
 * do not each cost a query. A change made here clears it at once; other processes see it within
 * CACHE_MS.
 */
const CACHE_MS = 2_000
const cache = new WeakMap<Sql, { at: number; value: RecordingSettings }>()

export async function getRecordingSettings(deps: { sql: Sql }): Promise<RecordingSettings> {
  const hit = cache.get(deps.sql)
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value
  const stored = await repo.readSetting<Partial<RecordingSettings>>(deps.sql, KEY)
  const value = { ...DEFAULT_RECORDING_SETTINGS, ...(stored ?? {}) }
  cache.set(deps.sql, { at: Date.now(), value })
  return value
}

export async function getWidgetRecordingSettings(deps: { sql: Sql }): Promise<WidgetRecordingSettings> {
  const s = await getRecordingSettings(deps)
  return { enabled: s.enabled, requireConsent: s.requireConsent, honorGpc: s.honorGpc, recordMobile: s.recordMobile, recordInputs: s.recordInputs }
}

const SWITCHES = ['enabled', 'requireConsent', 'honorGpc', 'recordMobile', 'recordInputs'] as const
const PERIODS = { finalizeAfterMinutes: [1, 60], retentionDays: [1, 365] } as const

export async function updateRecordingSettings(deps: { sql: Sql }, actor: Actor, patch: Partial<RecordingSettings>): Promise<RecordingSettings> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can change the recording settings')
  const next = { ...(await getRecordingSettings(deps)) }
  for (const key of SWITCHES) {
    const v = patch[key]
    if (v === undefined) continue
    if (typeof v !== 'boolean') throw new AppError('request.invalid', 400, `${key} must be true or false`, { field: key })
    next[key] = v
  }
  for (const [key, [lo, hi]] of Object.entries(PERIODS) as [keyof typeof PERIODS, readonly [number, number]][]) {
    const v = patch[key]
    if (v === undefined) continue
    if (!Number.isInteger(v) || v < lo || v > hi) throw new AppError('request.invalid', 400, `${key} must be a whole number from ${lo} to ${hi}`, { field: key })
    next[key] = v
  }
  await repo.writeSetting(deps.sql, KEY, next, actor.id)
  cache.delete(deps.sql)
  return next
}
