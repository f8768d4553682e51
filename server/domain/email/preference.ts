// "Also e-mail this reply" is the agent's choice per reply. The reply's use case emits the event
// the e-mail copy listens to before the HTTP handler gets its result back, so the choice travels
// with the request's async context instead of through every signature in between.
import { AsyncLocalStorage } from 'node:async_hooks'

const preference = new AsyncLocalStorage<{ alsoEmail: boolean }>()

export function withEmailPreference<T>(alsoEmail: boolean | undefined, fn: () => Promise<T>): Promise<T> {
  if (alsoEmail === undefined) return fn()
  return preference.run({ alsoEmail }, fn)
}

/** The choice of the request that emitted the current event; undefined: the default (e-mail when offline). */
export const alsoEmailChoice = (): boolean | undefined => preference.getStore()?.alsoEmail
