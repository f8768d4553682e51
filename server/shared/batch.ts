// Group commit for reads and writes that arrive together: the calls made while the previous
// batch is still in the database (or within one turn of the event loop, when none is) are run as
// one statement. Under a burst — every widget reconnecting after a restart — a thousand token
// checks become a few statements instead of a thousand round trips; alone, a call waits one turn.

export interface BatchOptions {
  /** The most inputs one run gets; more wait for the next run. */
  max?: number
  /** How many runs may be in the database at once (a second one overlaps the first's round trip). */
  concurrency?: number
  /**
   * For work nobody waits on (a timer due in minutes): a run starts this long after the first call
   * instead of on the next turn, so the calls of that window share one statement even when they
   * come one by one. 0 (the default) for what a caller waits on.
   */
  gatherMs?: number
}

/**
 * Wraps `run` (inputs in call order → one result per input, same order) into a function of one
 * input. A run that throws fails every call of that run with its error; the next run is not held up.
 */
export function batched<I, O>(run: (inputs: I[]) => Promise<O[]>, opts: BatchOptions = {}): (input: I) => Promise<O> {
  const max = opts.max ?? 500
  const concurrency = opts.concurrency ?? 2
  const gatherMs = opts.gatherMs ?? 0
  let inputs: I[] = []
  let waiters: { resolve: (o: O) => void; reject: (e: unknown) => void }[] = []
  let running = 0
  let scheduled = false

  const next = (): void => {
    scheduled = false
    while (running < concurrency && inputs.length > 0) {
      const ins = inputs.slice(0, max)
      const ws = waiters.slice(0, max)
      inputs = inputs.slice(ins.length)
      waiters = waiters.slice(ws.length)
      running++
      let out: Promise<O[]>
      try {
        out = run(ins)
      } catch (e) {
        out = Promise.reject(e)
      }
      out
        .then(
          (results) => {
            for (let i = 0; i < ws.length; i++) ws[i]!.resolve(results[i]!)
          },
          (error) => {
            for (const w of ws) w.reject(error)
          },
        )
        .finally(() => {
          running--
          if (inputs.length > 0) schedule()
        })
    }
  }
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    if (gatherMs > 0) setTimeout(next, gatherMs)
    else setImmediate(next)
  }
  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      inputs.push(input)
      waiters.push({ resolve, reject })
      schedule()
    })
}
