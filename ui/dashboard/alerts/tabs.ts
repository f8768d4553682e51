// Several dashboard tabs of one browser ring once, not once each. One tab is the leader (it holds
// a Web Lock for as long as it lives; when it closes, another takes over) and is the only one that
// plays the sound and shows the desktop notification. Every tab tells the others, over a
// BroadcastChannel, which conversation it shows in front of the agent, so the leader stays quiet
// about a conversation the agent is reading in any tab.
import type { AlertPrefs } from './alerts.ts'

type Note =
  | { type: 'state'; tab: string; viewing: string | null }
  | { type: 'hello'; tab: string }
  | { type: 'bye'; tab: string }
  | { type: 'prefs'; prefs: AlertPrefs }

const LOCK = 'parley-alerts-leader'
const CHANNEL = 'parley-alerts'

export class TabCoordinator {
  readonly tab = crypto.randomUUID()
  /** True in the one tab that rings. Without Web Locks (old browsers) every tab rings. */
  leader = false
  private channel: BroadcastChannel | null = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
  private others = new Map<string, string | null>()
  private lastSent: string | null | undefined = undefined
  private release: (() => void) | null = null

  constructor(
    /** The conversation this tab shows in front of the agent (visible and focused), or null. */
    private viewing: () => string | null,
    private onPrefs: (prefs: AlertPrefs) => void,
  ) {}

  start(): void {
    this.channel ??= typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
    const locks = (navigator as Navigator & { locks?: LockManager }).locks
    if (locks) {
      void locks.request(LOCK, () => {
        this.leader = true
        return new Promise<void>((resolve) => (this.release = resolve))
      })
    } else this.leader = true
    if (this.channel) this.channel.onmessage = (e: MessageEvent<Note>) => this.hear(e.data)
    this.post({ type: 'hello', tab: this.tab })
    this.announce(true)
    addEventListener('pagehide', this.bye)
    for (const ev of ['focus', 'blur', 'hashchange'] as const) addEventListener(ev, this.onChange)
    document.addEventListener('visibilitychange', this.onChange)
  }

  stop(): void {
    this.bye()
    removeEventListener('pagehide', this.bye)
    for (const ev of ['focus', 'blur', 'hashchange'] as const) removeEventListener(ev, this.onChange)
    document.removeEventListener('visibilitychange', this.onChange)
    this.release?.()
    this.release = null
    this.leader = false
    this.channel?.close()
    this.channel = null
  }

  /** Tells the other tabs what this one shows, when that changed (or when asked to). */
  announce(force = false): void {
    const v = this.viewing()
    if (!force && v === this.lastSent) return
    this.lastSent = v
    this.post({ type: 'state', tab: this.tab, viewing: v })
  }

  /** Whether the agent is looking at this conversation in this tab or any other. */
  viewedSomewhere(conversationId: string): boolean {
    if (this.viewing() === conversationId) return true
    for (const v of this.others.values()) if (v === conversationId) return true
    return false
  }

  sharePrefs(prefs: AlertPrefs): void {
    this.post({ type: 'prefs', prefs })
  }

  private onChange = () => this.announce()

  private bye = () => this.post({ type: 'bye', tab: this.tab })

  private post(note: Note) {
    try {
      this.channel?.postMessage(note)
    } catch {
      // A closed channel (the tab is going away): nothing to tell.
    }
  }

  private hear(note: Note) {
    if (note.type === 'state') this.others.set(note.tab, note.viewing)
    else if (note.type === 'bye') this.others.delete(note.tab)
    else if (note.type === 'hello') {
      this.others.set(note.tab, null)
      this.announce(true)
    } else if (note.type === 'prefs') this.onPrefs(note.prefs)
  }
}
