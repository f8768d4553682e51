import { describe, expect, it } from 'bun:test'
import { OpenCounter, RateLimiter } from './rate-limit.ts'

describe('token buckets', () => {
  it('allows a burst, then one request per refill interval, and says how long to wait', () => {
    const l = new RateLimiter({ burst: 20, seconds: 10 }, 1000)
    const t0 = 1_000_000
    for (let i = 0; i < 20; i++) expect(l.take('v', t0)).toBe(0)
    expect(l.take('v', t0)).toBe(1) // 2 tokens a second: the next one in half a second, rounded up
    expect(l.take('v', t0 + 499)).toBe(1)
    expect(l.take('v', t0 + 1000)).toBe(0)
    // steady: two tokens a second (one was left over at t0 + 1000), no more
    for (let i = 0; i < 3; i++) expect(l.take('v', t0 + 2000)).toBe(0)
    expect(l.take('v', t0 + 2000)).toBeGreaterThan(0)
    // another key has its own bucket
    expect(l.take('w', t0 + 2000)).toBe(0)
  })

  it('says a slow limit in whole seconds', () => {
    const l = new RateLimiter({ burst: 5, seconds: 600 }, 1000)
    for (let i = 0; i < 5; i++) expect(l.take('ip', 0)).toBe(0)
    expect(l.take('ip', 0)).toBe(120)
    expect(l.take('ip', 60_000)).toBe(60)
  })

  it('stays bounded while an attacker rotates keys, and keeps limiting the key that is flooding', () => {
    // Refills once a day: the flooder earns no token during the 100 s of simulated time.
    const l = new RateLimiter({ burst: 3, seconds: 86_400 }, 500)
    let now = 0
    for (let i = 0; i < 3; i++) expect(l.take('flooder', now)).toBe(0)
    for (let i = 0; i < 100_000; i++) {
      now += 1
      l.take(`fresh-${i}`, now)
      if (i % 100 === 0) expect(l.take('flooder', now)).toBeGreaterThan(0)
      expect(l.size).toBeLessThanOrEqual(500)
    }
    expect(l.size).toBeLessThanOrEqual(500)
  })

  it('forgets keys that have been idle long enough to be full again', () => {
    const l = new RateLimiter({ burst: 3, seconds: 10 }, 1000)
    for (let i = 0; i < 200; i++) l.take(`k${i}`, 0)
    expect(l.size).toBe(200)
    l.take('late', 10_001)
    expect(l.size).toBe(1)
  })
})

describe('open counter', () => {
  it('refuses past the maximum and forgets a key with nothing open', () => {
    const c = new OpenCounter(2)
    expect(c.acquire('ip')).toBe(true)
    expect(c.acquire('ip')).toBe(true)
    expect(c.acquire('ip')).toBe(false)
    c.release('ip')
    expect(c.acquire('ip')).toBe(true)
    c.release('ip')
    c.release('ip')
    expect(c.count('ip')).toBe(0)
  })
})
