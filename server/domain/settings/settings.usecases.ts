import type { Sql } from '../../db/client.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { AppError } from '../../shared/errors.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import * as repo from './settings.repo.ts'
import { newSecret } from '../../shared/ids.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'

export interface WidgetAppearance {
  color: string
  position: 'left' | 'right'
  greeting: string
  offlineMessage: string
}

// Empty texts mean "the widget's own words, in the visitor's language"; an owner who writes a
// greeting has it shown as written.
export const DEFAULT_APPEARANCE: WidgetAppearance = {
  color: '#4f46e5',
  position: 'right',
  greeting: '',
  offlineMessage: '',
}

const KEY = 'widget.appearance'

export async function getAppearance(deps: { sql: Sql }): Promise<WidgetAppearance> {
  const stored = await repo.readSetting<Partial<WidgetAppearance>>(deps.sql, KEY)
  return { ...DEFAULT_APPEARANCE, ...(stored ?? {}) }
}

export async function updateAppearance(deps: { sql: Sql }, actor: Actor, patch: Partial<WidgetAppearance>): Promise<WidgetAppearance> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can change the widget settings')
  const next = { ...(await getAppearance(deps)) }
  if (patch.color !== undefined) {
    if (!/^#[0-9a-f]{6}$/i.test(patch.color)) throw new AppError('request.invalid_color', 400, 'color must look like #4f46e5', { field: 'color' })
    next.color = patch.color.toLowerCase()
  }
  if (patch.position !== undefined) {
    if (patch.position !== 'left' && patch.position !== 'right') {
      throw new AppError('request.invalid_position', 400, 'position must be left or right', { field: 'position' })
    }
    next.position = patch.position
  }
  for (const field of ['greeting', 'offlineMessage'] as const) {
    const v = patch[field]
    if (v === undefined) continue
    const text = v.trim()
    if (text.length > 500) throw new AppError('request.too_long', 400, `${field} is longer than 500 characters`, { field })
    next[field] = maskCardNumbers(text)
  }
  await repo.writeSetting(deps.sql, KEY, next, actor.id)
  return next
}

// Identity verification ------------------------------------------------------------------------

const IDENTITY = 'identity.secret'

/** The secret the site's back end uses to sign user ids for identify(); made on first use. */
/** Where the identity secret lives; stored sealed (shared/secrets.ts). */
export interface SecretDeps {
  sql: Sql
  secrets: SecretBox
}

export async function getIdentitySecret(deps: SecretDeps): Promise<string> {
  const stored = await repo.readSetting<{ secret: string }>(deps.sql, IDENTITY)
  if (stored) return deps.secrets.open(stored.secret)
  await repo.insertSettingOnce(deps.sql, IDENTITY, { secret: deps.secrets.seal(newSecret()) })
  return deps.secrets.open((await repo.readSetting<{ secret: string }>(deps.sql, IDENTITY))!.secret)
}

/** An identity secret stored in the clear or under an older key is sealed again (at every start). */
export async function resealIdentitySecret(deps: SecretDeps): Promise<boolean> {
  const stored = await repo.readSetting<{ secret: string }>(deps.sql, IDENTITY)
  if (!stored || !deps.secrets.needsReseal(stored.secret)) return false
  await repo.replaceSetting(deps.sql, IDENTITY, { secret: deps.secrets.seal(deps.secrets.open(stored.secret)) })
  return true
}

export async function showIdentitySecret(deps: SecretDeps, actor: Actor): Promise<string> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can see the identity secret')
  return getIdentitySecret(deps)
}

/** A new secret: hashes signed with the old one stop verifying at once. */
export async function rotateIdentitySecret(deps: SecretDeps, actor: Actor): Promise<string> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can rotate the identity secret')
  const secret = newSecret()
  await repo.writeSetting(deps.sql, IDENTITY, { secret: deps.secrets.seal(secret) }, actor.id)
  return secret
}

// Attention ------------------------------------------------------------------------------------

/** When an Unassigned row's wait turns amber (and, at twice as long, red): one number for the team. */
export interface AttentionSettings {
  waitWarnMinutes: number
}

export const DEFAULT_ATTENTION: AttentionSettings = { waitWarnMinutes: 2 }
const ATTENTION = 'attention'

export async function getAttention(deps: { sql: Sql }): Promise<AttentionSettings> {
  const stored = await repo.readSetting<Partial<AttentionSettings>>(deps.sql, ATTENTION)
  return { ...DEFAULT_ATTENTION, ...(stored ?? {}) }
}

export async function updateAttention(deps: { sql: Sql }, actor: Actor, patch: AttentionSettings): Promise<AttentionSettings> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can change when waiting conversations turn urgent')
  const m = patch.waitWarnMinutes
  if (!Number.isInteger(m) || m < 1 || m > 240) {
    throw new AppError('request.invalid_minutes', 400, 'waitWarnMinutes must be a whole number from 1 to 240', { field: 'waitWarnMinutes' })
  }
  const next = { waitWarnMinutes: m }
  await repo.writeSetting(deps.sql, ATTENTION, next, actor.id)
  return next
}
