// What a group's key and name may be; pure.
import { AppError } from '../../shared/errors.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'

export const GROUP_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/
export const GROUP_NAME_MAX = 60

export function groupKey(raw: string): string {
  const key = raw.trim()
  if (!GROUP_KEY.test(key)) {
    throw new AppError('group.invalid_key', 400, 'a group key is 1 to 40 lower-case letters, digits, - or _, starting with a letter or digit', { field: 'key' })
  }
  return key
}

export function groupName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim()
  if (name.length === 0 || name.length > GROUP_NAME_MAX || /[\p{Cc}\p{Cf}]/u.test(name)) {
    throw new AppError('group.invalid_name', 400, `a group's name is 1 to ${GROUP_NAME_MAX} characters of text`, { field: 'name' })
  }
  // free text an agent typed: a card number in it is masked like anywhere else
  return maskCardNumbers(name)
}
