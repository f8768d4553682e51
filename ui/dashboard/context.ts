// Shared state through @lit/context: <parley-app> provides the store; every dashboard element
// consumes it and re-renders when it changes.
import { LitElement } from 'lit'
import { createContext, ContextConsumer } from '@lit/context'
import type { DashboardStore } from './store.ts'
import { StoreController } from './store.ts'

export const storeContext = createContext<DashboardStore>(Symbol('parley-store'))

/** Base class for elements that read the store: `this.store`, `this.t`. */
export class StoreElement extends LitElement {
  protected storeCtl = new StoreController(this)
  private storeConsumer = new ContextConsumer(this, {
    context: storeContext,
    subscribe: true,
    callback: (store) => this.storeCtl.attach(store),
  })

  get store(): DashboardStore {
    const s = this.storeConsumer.value
    if (!s) throw new Error(`${this.localName} needs a <parley-app> around it`)
    return s
  }

  get hasStore(): boolean {
    return this.storeConsumer.value !== undefined
  }

  get t(): DashboardStore['t'] {
    return this.store.t
  }
}
