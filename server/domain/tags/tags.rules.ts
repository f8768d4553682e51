// What a tag's name and colour may be; pure, so the HTTP layer and the tests share one rule.
import { AppError } from '../../shared/errors.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import { TAG_COLORS, type TagColor } from './tags.types.ts'

export const TAG_NAME_MAX = 40

/** Trimmed, inner runs of white space made one space, 1–40 characters, no control characters. */
export function tagName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim()
  if (name.length === 0 || name.length > TAG_NAME_MAX || /[\p{Cc}\p{Cf}]/u.test(name)) {
    throw new AppError('tag.invalid_name', 400, `a tag's name is 1 to ${TAG_NAME_MAX} characters of text`, { field: 'name' })
  }
  // free text an agent typed: a card number in it is masked like anywhere else
  return maskCardNumbers(name)
}

export function tagColor(raw: string): TagColor {
  if (!(TAG_COLORS as readonly string[]).includes(raw)) {
    throw new AppError('tag.invalid_color', 400, `color must be one of ${TAG_COLORS.join(', ')}`, { field: 'color' })
  }
  return raw as TagColor
}
