import { describe, expect, it } from 'bun:test'
import { clockTime } from './format.ts'

describe('clockTime', () => {
  it('writes the time of day as the widget does, without a padded hour', () => {
    const morning = new Date(2026, 11, 2, 9, 5).toISOString()
    const afternoon = new Date(2026, 11, 2, 16, 36).toISOString()
    // U+202F (narrow no-break space) or a plain space before AM/PM, as ICU chooses.
    expect(clockTime(morning, 'en', 'en-US').replace(/\s/g, ' ')).toBe('9:05 AM')
    expect(clockTime(afternoon, 'en', 'en-US').replace(/\s/g, ' ')).toBe('4:36 PM')
    expect(clockTime(morning, 'cs', 'cs-CZ')).toBe('9:05')
    expect(clockTime(afternoon, 'de', 'de-DE')).toBe('16:36')
  })
})
