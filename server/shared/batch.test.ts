import { describe, expect, it } from 'bun:test'
import { batched } from './batch.ts'

describe('batched calls', () => {
  it('runs the calls made together as one run and gives each caller its own result, in order', async () => {
    const runs: number[][] = []
    const double = batched(async (xs: number[]) => {
      runs.push(xs)
      return xs.map((x) => x * 2)
    })
    expect(await Promise.all([1, 2, 3, 4].map(double))).toEqual([2, 4, 6, 8])
    expect(runs).toEqual([[1, 2, 3, 4]])
  })

  it('gathers the calls that arrive while a run is under way into the next run', async () => {
    const runs: number[][] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const f = batched(
      async (xs: number[]) => {
        runs.push(xs)
        if (runs.length === 1) await gate
        return xs
      },
      { concurrency: 1 },
    )
    const first = f(1)
    await Bun.sleep(1)
    const later = [f(2), f(3), f(4)]
    await Bun.sleep(1)
    expect(runs).toEqual([[1]]) // the others wait for the first run
    release()
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4])
    expect(runs).toEqual([[1], [2, 3, 4]])
  })

  it('with gatherMs, calls made one by one within the window share a run; a call after it starts the next', async () => {
    const runs: number[][] = []
    const f = batched(
      async (xs: number[]) => {
        runs.push(xs)
        return xs
      },
      { gatherMs: 60 },
    )
    const early = [f(1)]
    await Bun.sleep(15)
    early.push(f(2))
    await Bun.sleep(15)
    early.push(f(3))
    expect(runs).toEqual([]) // nothing runs before the window closes
    expect(await Promise.all(early)).toEqual([1, 2, 3])
    expect(runs).toEqual([[1, 2, 3]])
    expect(await f(4)).toBe(4)
    expect(runs).toEqual([[1, 2, 3], [4]])
  })

  it('splits a burst larger than max into several runs', async () => {
    const sizes: number[] = []
    const f = batched(
      async (xs: number[]) => {
        sizes.push(xs.length)
        return xs
      },
      { max: 10 },
    )
    const out = await Promise.all(Array.from({ length: 25 }, (_, i) => f(i)))
    expect(out).toEqual(Array.from({ length: 25 }, (_, i) => i))
    expect(sizes).toEqual([10, 10, 5])
  })

  it('fails every call of a failed run with its error, and the next run goes ahead', async () => {
    let n = 0
    const f = batched(async (xs: string[]) => {
      if (n++ === 0) throw new Error('database unavailable')
      return xs.map((x) => x.toUpperCase())
    })
    const failed = await Promise.allSettled([f('a'), f('b')])
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect((failed[0] as PromiseRejectedResult).reason.message).toBe('database unavailable')
    expect(await f('c')).toBe('C')
  })
})
