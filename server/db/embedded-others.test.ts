// The rule that decides whether the embedded PostgreSQL may be stopped: only a count of zero
// other clients is a "no". A count that fails is no answer (embedded.ts usedByOthers).
import { describe, expect, it } from 'bun:test'
import { usedByOthers } from './embedded.ts'

const counts = (...answers: (number | Error)[]) => {
  let i = 0
  const f = async () => {
    const a = answers[Math.min(i++, answers.length - 1)]!
    if (a instanceof Error) throw a
    return a
  }
  return { f, asked: () => i }
}

describe('usedByOthers', () => {
  it('is false only on a count of zero', async () => {
    expect(await usedByOthers(counts(0).f, 10, 0)).toEqual({ used: false, count: 0, error: null })
    // a client that just left is still listed for a moment
    const leaving = counts(1, 1, 0)
    expect((await usedByOthers(leaving.f, 10, 0)).used).toBe(false)
    expect(leaving.asked()).toBe(3)
    const staying = counts(5)
    expect(await usedByOthers(staying.f, 4, 0)).toEqual({ used: true, count: 5, error: null })
    expect(staying.asked()).toBe(4)
  })

  it('takes a failed count for no answer, never for zero', async () => {
    const timeout = new Error('write CONNECT_TIMEOUT 127.0.0.1:5432')
    const failing = counts(timeout)
    const r = await usedByOthers(failing.f, 10, 0)
    expect(r.used).toBe(true)
    expect(r.error).toBe(timeout)
    // two failures in a row end the asking: each may have waited for the connect timeout
    expect(failing.asked()).toBe(2)
    // one failure, then an answer: the answer counts
    expect((await usedByOthers(counts(timeout, 0).f, 10, 0)).used).toBe(false)
    expect(await usedByOthers(counts(timeout, 3, timeout, timeout).f, 10, 0)).toMatchObject({ used: true, count: 3 })
  })
})
