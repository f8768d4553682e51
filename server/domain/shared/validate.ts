// Small value rules shared by several use cases. Each failure is a 400 naming the field.
import { AppError } from '../../shared/errors.ts'

export const LANGUAGES = ['en', 'cs', 'de', 'es', 'hu', 'pl'] as const
export type Language = (typeof LANGUAGES)[number]

const EMAIL = /^[^\s@<>(),;:"\[\]\\]+@[^\s@<>(),;:"\[\]\\]+\.[^\s@<>(),;:"\[\]\\]{2,}$/

export function email(value: string, field = 'email'): string {
  const v = value.trim()
  if (v.length > 254 || !EMAIL.test(v)) throw new AppError('request.invalid_email', 400, `${field} is not a valid e-mail address`, { field })
  return v.toLowerCase()
}

export function text(value: string, field: string, max: number, { allowEmpty = false } = {}): string {
  const v = value.trim()
  if (!allowEmpty && v === '') throw new AppError('request.empty', 400, `${field} must not be empty`, { field })
  if (v.length > max) throw new AppError('request.too_long', 400, `${field} is longer than ${max} characters`, { field, max })
  return v
}

export function password(value: string): string {
  if (value.length < 8) throw new AppError('request.weak_password', 400, 'password must be at least 8 characters', { field: 'password' })
  if (value.length > 256) throw new AppError('request.too_long', 400, 'password is longer than 256 characters', { field: 'password' })
  return value
}

export function language(value: string): Language {
  if (!(LANGUAGES as readonly string[]).includes(value)) {
    throw new AppError('request.invalid_language', 400, `language must be one of ${LANGUAGES.join(', ')}`, { field: 'language' })
  }
  return value as Language
}
