import { describe, expect, it, jest } from 'bun:test'
import { dictionariesLoaded, passwordProblem } from './password-policy.ts'

describe('the password rule', () => {
  it('refuses passwords shorter than 10 characters, saying so', () => {
    expect(passwordProblem('Xq7!kd9#')).toEqual({ problem: 'too_short', message: 'password must be at least 10 characters' })
  })

  it('refuses common passwords of any length, saying they are common', () => {
    for (const p of ['password123', 'qwertyuiop', '1234567890', 'password1234', 'iloveyou12', 'Password1!']) {
      expect(passwordProblem(p)?.problem).toBe('common')
      expect(passwordProblem(p)?.message).toContain('most common passwords')
    }
  })

  it('refuses guessable patterns and says which', () => {
    expect(passwordProblem('aaaaaaaaaaaa')).toMatchObject({ problem: 'guessable', message: expect.stringContaining('repeats') })
    expect(passwordProblem('abcdefghijkl')).toMatchObject({ problem: 'guessable', message: expect.stringContaining('sequence') })
  })

  it("refuses a password made of the person's own name or address", () => {
    expect(passwordProblem('oliviaowner', ['Olivia Owner', 'olivia.owner@example.com'])?.problem).not.toBeUndefined()
    expect(passwordProblem('oliviaowner')).toBeNull()
  })

  it('accepts long, uncommon passwords and passphrases', () => {
    for (const p of ['correct horse battery staple', 'owner-password', 'tulip-Fjord-4-ember', 'Zq8#vL2!mR4p']) expect(passwordProblem(p)).toBeNull()
  })
})

describe('zxcvbn\'s dictionaries in memory', () => {
  it('are let go 30 s after the last check, and built again for the next', () => {
    jest.useFakeTimers()
    try {
      expect(passwordProblem('violet-harbor-trumpet-9')).toBeNull()
      expect(dictionariesLoaded()).toBe(true)
      jest.advanceTimersByTime(20_000)
      // a check in between starts the 30 s again
      expect(passwordProblem('password1234')?.problem).toBe('common')
      jest.advanceTimersByTime(20_000)
      expect(dictionariesLoaded()).toBe(true)
      jest.advanceTimersByTime(10_001)
      expect(dictionariesLoaded()).toBe(false)
      expect(passwordProblem('password1234')?.problem).toBe('common')
      expect(dictionariesLoaded()).toBe(true)
    } finally {
      jest.useRealTimers()
    }
  })
})
