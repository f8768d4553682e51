// New visitor messages: my unread total in the tab title (stored per agent on the server, so it
// is the same in every tab and after a reload), and a sound and a desktop notification as the
// agent chose per event (GET /api/settings/alerts: new conversation, my conversation, unassigned,
// mention; the volume) — only when the tab is hidden or the conversation is not open, and from
// one tab only however many are open (alerts/tabs.ts). The sound can also be muted for this
// browser alone (the account menu; localStorage). Permission is asked on a click, never on load.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { MentionEvent, VisitorMessageEvent, type Dashboard } from './stores/dashboard.ts'
import { AlertPrefsChangedEvent, DEFAULT_ALERT_PREFS, alertEventFor, chime, type AlertPrefs } from './alerts/alerts.ts'
import { TabCoordinator } from './alerts/tabs.ts'

const SOUND_KEY = 'parley.sound'

export class NotifierController implements ReactiveController {
  baseTitle = 'Parley'
  prefs: AlertPrefs = DEFAULT_ALERT_PREFS
  private store: Dashboard | null = null
  private unwatch: (() => void)[] = []
  private prefsFor: string | null = null
  readonly tabs = new TabCoordinator(
    () => this.viewing(),
    (prefs) => (this.prefs = prefs),
  )

  constructor(private host: ReactiveControllerHost) {
    host.addController(this)
  }

  get soundOn(): boolean {
    try {
      return localStorage.getItem(SOUND_KEY) !== 'off'
    } catch {
      return true
    }
  }

  set soundOn(on: boolean) {
    try {
      localStorage.setItem(SOUND_KEY, on ? 'on' : 'off')
    } catch {}
    this.host.requestUpdate()
  }

  get permission(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
  }

  /** Must run inside a user gesture (a click): browsers ignore the request otherwise. */
  async requestPermission(): Promise<void> {
    if (typeof Notification === 'undefined') return
    this.unlockAudio()
    await Notification.requestPermission()
    this.host.requestUpdate()
  }

  /** Listens to the root's visitor-message and mention events, and to the two stores the title and the tabs follow. */
  attach(store: Dashboard): void {
    this.store?.removeEventListener(VisitorMessageEvent.type, this.onMessage)
    this.store?.removeEventListener(MentionEvent.type, this.onMention)
    for (const off of this.unwatch) off()
    this.store = store
    store.addEventListener(VisitorMessageEvent.type, this.onMessage)
    store.addEventListener(MentionEvent.type, this.onMention)
    this.unwatch = [store.lists.onChange(this.onStoreChange), store.session.onChange(this.onStoreChange)]
  }

  hostConnected(): void {
    // AudioContext may only start after a gesture; create it on the first one.
    addEventListener('pointerdown', this.unlockAudio, { once: true })
    addEventListener('keydown', this.unlockAudio, { once: true })
    addEventListener(AlertPrefsChangedEvent.type, this.onPrefsSaved)
    navigator.serviceWorker?.addEventListener('message', this.onWorkerMessage)
    this.tabs.start()
  }

  hostDisconnected(): void {
    this.store?.removeEventListener(VisitorMessageEvent.type, this.onMessage)
    this.store?.removeEventListener(MentionEvent.type, this.onMention)
    removeEventListener(AlertPrefsChangedEvent.type, this.onPrefsSaved)
    navigator.serviceWorker?.removeEventListener('message', this.onWorkerMessage)
    this.tabs.stop()
  }

  get inBackground(): boolean {
    return document.visibilityState === 'hidden' || !document.hasFocus()
  }

  /** The conversation this tab shows in front of the agent, if any. */
  private viewing(): string | null {
    return this.inBackground ? null : (this.store?.lists.selectedId ?? null)
  }

  private onStoreChange = (): void => {
    this.updateTitle()
    this.tabs.announce()
    const me = this.store?.session.me?.id ?? null
    if (me !== this.prefsFor) {
      this.prefsFor = me
      this.prefs = DEFAULT_ALERT_PREFS
      if (me) void this.loadPrefs()
    }
  }

  private async loadPrefs(): Promise<void> {
    try {
      const p = await this.store!.api.get<AlertPrefs>('/api/settings/alerts')
      this.prefs = { desktop: p.desktop, sound: p.sound, volume: p.volume }
    } catch {
      // The defaults stand until the next sign-in; the settings page shows the error.
    }
  }

  private onPrefsSaved = (e: AlertPrefsChangedEvent) => {
    this.prefs = e.prefs
    this.tabs.sharePrefs(e.prefs)
  }

  /** A push notification was clicked while this tab was open: show its conversation here. */
  private onWorkerMessage = (e: MessageEvent) => {
    const d = e.data as { type?: string; conversationId?: unknown } | null
    if (d?.type !== 'parley-open') return
    if (typeof d.conversationId === 'string' && /^[0-9a-f-]{36}$/i.test(d.conversationId)) location.hash = `#/c/${d.conversationId}`
  }

  private onMessage = (e: Event) => {
    const { message, conversation } = e as VisitorMessageEvent
    const store = this.store?.session
    if (!store?.me || !this.tabs.leader) return
    const event = alertEventFor(store.me.id, message, conversation)
    if (!event || this.tabs.viewedSomewhere(conversation.id)) return
    if (this.soundOn && this.prefs.sound.includes(event)) chime.play(this.prefs.volume)
    if (this.prefs.desktop.includes(event) && this.permission === 'granted') {
      const name = conversation.visitor.name ?? store.t('list.visitor', { number: conversation.visitor.number })
      this.show(store.t('notify.title', { name }), message.body.slice(0, 200), conversation.id)
    }
  }

  /** A colleague mentioned me in a note: the same choices as a message, for the 'mention' event. */
  private onMention = (e: Event) => {
    const { note, conversation } = e as MentionEvent
    const store = this.store?.session
    if (!store?.me || !this.tabs.leader || this.tabs.viewedSomewhere(conversation.id)) return
    if (this.soundOn && this.prefs.sound.includes('mention')) chime.play(this.prefs.volume)
    if (this.prefs.desktop.includes('mention') && this.permission === 'granted') {
      const visitor = conversation.visitor.name ?? store.t('list.visitor', { number: conversation.visitor.number })
      this.show(store.t('note.mentioned', { name: note.authorName ?? '', visitor }), note.body.slice(0, 200), conversation.id)
    }
  }

  /** A desktop notification; clicking it brings this tab forward on the conversation. */
  show(title: string, body: string, conversationId: string | null): void {
    try {
      const n = new Notification(title, { body, tag: conversationId ?? 'parley-test' })
      n.onclick = () => {
        window.focus()
        if (conversationId) location.hash = `#/c/${conversationId}`
        n.close()
      }
    } catch {
      // Some browsers only allow notifications from a service worker; the title and sound still tell.
    }
  }

  updateTitle = (): void => {
    const n = this.store?.lists.unreadTotal ?? 0
    const title = n > 0 ? `(${n}) ${this.baseTitle}` : this.baseTitle
    if (document.title !== title) document.title = title
  }

  private unlockAudio = () => chime.unlock()
}
