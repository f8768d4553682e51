// A fact each process keeps per database handle (one per running Parley) until it is told the fact
// changed — by a change made here, or by another process's notice (listeners/cluster.ts). For
// facts read on a hot path and changed by hand now and then: whether any block exists, which
// webhooks are active.

export interface Known<T> {
  /** The kept value, or `load()`'s (kept unless a change was announced while it was read). */
  get(handle: object, load: () => Promise<T>): Promise<T>
  /** Forget the value: the next get() reads it again. */
  forget(handle: object): void
}

export function knownPerHandle<T>(): Known<T> {
  const kept = new WeakMap<object, { value: T | undefined; generation: number }>()
  const entry = (handle: object) => {
    let e = kept.get(handle)
    if (!e) kept.set(handle, (e = { value: undefined, generation: 0 }))
    return e
  }
  return {
    async get(handle, load) {
      const e = entry(handle)
      if (e.value !== undefined) return e.value
      const generation = e.generation
      const value = await load()
      // A change announced while this was read may not be in what was read: then it is not kept.
      if (e.generation === generation) e.value = value
      return value
    },
    forget(handle) {
      const e = entry(handle)
      e.value = undefined
      e.generation++
    },
  }
}
