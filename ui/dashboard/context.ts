// Shared state through @lit/context: <parley-app> provides each per-feature store (stores/) under
// its own context. An element names the stores it renders from (`static watches`) and re-renders
// when one of those changes, and only then; it may still call any store from event handlers.
import { LitElement, type PropertyValues } from 'lit'
import { createContext, ContextConsumer, type Context } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { SessionStore } from './stores/session.ts'
import type { SettingsStore } from './stores/settings.ts'
import type { ListsStore } from './stores/lists.ts'
import type { ThreadStore } from './stores/thread.ts'
import type { VisitorStore } from './stores/visitor.ts'
import type { TeamTools } from './team-tools/team-tools.ts'
import type { Store, StoreName } from './stores/store.ts'

export interface Stores {
  session: SessionStore
  settings: SettingsStore
  lists: ListsStore
  thread: ThreadStore
  visitor: VisitorStore
  team: TeamTools
}

export const contexts: { [K in StoreName]: Context<unknown, Stores[K]> } = {
  session: createContext<SessionStore>(Symbol('parley-session')),
  settings: createContext<SettingsStore>(Symbol('parley-settings')),
  lists: createContext<ListsStore>(Symbol('parley-lists')),
  thread: createContext<ThreadStore>(Symbol('parley-thread')),
  visitor: createContext<VisitorStore>(Symbol('parley-visitor')),
  team: createContext<TeamTools>(Symbol('parley-team')),
}

const NAMES = Object.keys(contexts) as StoreName[]

/** Re-renders its host when one of the stores it watches changes. */
export class StoresController implements ReactiveController {
  private stores = new Map<StoreName, Store>()
  private connected = false
  private listener = () => this.host.requestUpdate()

  constructor(
    private host: ReactiveControllerHost,
    readonly watches: readonly StoreName[],
  ) {
    host.addController(this)
  }

  attach(name: StoreName, store: Store | undefined): void {
    if (!this.watches.includes(name) || this.stores.get(name) === store) return
    const old = this.stores.get(name)
    if (old && this.connected) old.removeEventListener(old.changeType, this.listener)
    if (store) this.stores.set(name, store)
    else this.stores.delete(name)
    if (store && this.connected) store.addEventListener(store.changeType, this.listener)
    this.host.requestUpdate()
  }

  hostConnected(): void {
    this.connected = true
    for (const s of this.stores.values()) s.addEventListener(s.changeType, this.listener)
  }

  hostDisconnected(): void {
    this.connected = false
    for (const s of this.stores.values()) s.removeEventListener(s.changeType, this.listener)
  }
}

/**
 * Base class for elements that read the stores: `this.session`, `this.lists`, … and `this.t`.
 * `static watches` names the stores the element renders from; reading another one while
 * rendering throws (it would show stale state), so a missing name shows up in the first test.
 */
export class StoreElement extends LitElement {
  static watches: readonly StoreName[] = ['session']
  protected storesCtl = new StoresController(this, (this.constructor as typeof StoreElement).watches)
  private consumers = Object.fromEntries(
    NAMES.map((name) => [
      name,
      new ContextConsumer(this, {
        context: contexts[name] as Context<unknown, Store>,
        subscribe: true,
        callback: (store) => this.storesCtl.attach(name, store),
      }),
    ]),
  ) as unknown as { [K in StoreName]: ContextConsumer<Context<unknown, Stores[K]>, LitElement> }
  private rendering = false

  protected override update(changed: PropertyValues): void {
    this.rendering = true
    try {
      super.update(changed)
    } finally {
      this.rendering = false
    }
  }

  private use<K extends StoreName>(name: K): Stores[K] {
    const s = this.consumers[name].value
    if (!s) throw new Error(`${this.localName} needs a <parley-app> around it`)
    if (this.rendering && !this.storesCtl.watches.includes(name)) throw new Error(`${this.localName} renders from the ${name} store without watching it`)
    return s
  }

  get session(): SessionStore {
    return this.use('session')
  }
  get settings(): SettingsStore {
    return this.use('settings')
  }
  get lists(): ListsStore {
    return this.use('lists')
  }
  get thread(): ThreadStore {
    return this.use('thread')
  }
  get visitor(): VisitorStore {
    return this.use('visitor')
  }
  get team(): TeamTools {
    return this.use('team')
  }

  get hasStore(): boolean {
    return this.consumers.session.value !== undefined
  }

  get t(): SessionStore['t'] {
    return this.session.t
  }
}
