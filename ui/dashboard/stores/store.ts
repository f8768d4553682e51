// The base of the dashboard's per-feature stores (session, settings, lists, thread, visitor, team):
// each is its own EventTarget with its own change event, so an element that renders from the
// lists does not re-render when only a visitor's card changed. Many changes in one task are
// coalesced into one event.

export type StoreName = 'session' | 'settings' | 'lists' | 'thread' | 'visitor' | 'team'

export class StoreChangeEvent extends Event {
  constructor(
    type: string,
    readonly store: StoreName,
  ) {
    super(type)
  }
}

export abstract class Store extends EventTarget {
  /** This store's change event type, e.g. `parley-lists-change`. */
  readonly changeType: string
  private scheduled = false

  constructor(readonly name: StoreName) {
    super()
    this.changeType = `parley-${name}-change`
  }

  /** Coalesces many changes in one task into one change event (one re-render of each reader). */
  changed(): void {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.dispatchEvent(new StoreChangeEvent(this.changeType, this.name))
    })
  }

  onChange(listener: () => void): () => void {
    this.addEventListener(this.changeType, listener)
    return () => this.removeEventListener(this.changeType, listener)
  }
}

/**
 * The frames that cross a read: a store reads over HTTP while frames keep coming, and an answer
 * may be older than a frame that came before it. The changes noted while a read runs are handed
 * back with its answer, to be played again over it.
 */
export class Crossings<T> {
  private open = new Set<T[]>()

  async during<R>(read: () => Promise<R>): Promise<{ answer: R; crossed: T[] }> {
    const crossed: T[] = []
    this.open.add(crossed)
    try {
      return { answer: await read(), crossed }
    } finally {
      this.open.delete(crossed)
    }
  }

  note(change: T): void {
    for (const crossed of this.open) crossed.push(change)
  }
}
