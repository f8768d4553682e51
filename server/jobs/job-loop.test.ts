// The queue workers' loop: the database away for a moment is said once, as a warning, and tried
// again soon; any other failure is an error, backed off further each time.
import { describe, expect, test } from 'bun:test'
import { createLogger } from '../shared/logger.ts'
import { JobLoop } from './job-loop.ts'

/** A loop whose step fails with `errors` one after another, then finds nothing to do. */
async function runUntilDone(errors: unknown[], awayRetryMs = 100) {
  const lines: { level: string; msg: string; code?: string; error?: unknown }[] = []
  const log = createLogger('debug', (line) => lines.push(JSON.parse(line)))
  const tries: number[] = []
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  const loop = new JobLoop({
    log,
    name: 'testq',
    failure: 'testq: a step failed unexpectedly',
    pollMs: 60_000,
    awayRetryMs,
    async step() {
      tries.push(performance.now())
      const error = errors.shift()
      if (error) throw error
      done()
      return false
    },
    msUntilNext: async () => null,
  })
  const t0 = performance.now()
  loop.start()
  await finished
  const ms = performance.now() - t0
  await loop.stop()
  return { lines, tries, ms }
}

const unavailable = (code: string) => Object.assign(new Error(`connect ${code}`), { code })

describe('the queue loop', () => {
  test('says once that the database is unavailable, without a stack, tries again soon, and says when it is back', async () => {
    const { lines, tries, ms } = await runUntilDone([unavailable('ECONNREFUSED'), unavailable('CONNECTION_CLOSED'), unavailable('57P03'), unavailable('ECONNREFUSED'), unavailable('ECONNREFUSED'), unavailable('ECONNREFUSED')])
    expect(tries).toHaveLength(7)
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'testq: the database is unavailable; trying again every 0.1 s'],
      ['info', 'testq: the database is back; working again'],
    ])
    expect(lines[0]).toMatchObject({ code: 'ECONNREFUSED' })
    expect(lines[0]!.error).toBeUndefined()
    // Six waits of at most 0.1 s here; the unexpected errors' back-off would have waited 0.5 + 1 + 2 + 4 + 8 + 16 s.
    expect(ms).toBeLessThan(5_000)
  })

  test('logs any other failure as an error, with what it was, each time', async () => {
    const { lines, tries } = await runUntilDone([new TypeError('x is not a function')])
    expect(tries).toHaveLength(2)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'testq: a step failed unexpectedly', error: { name: 'TypeError', message: 'x is not a function' } })
    // The first wait after an unexpected error is half a second.
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(490)
  })
})
