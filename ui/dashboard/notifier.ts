// New visitor messages: my unread total in the tab title (stored per agent on the server, so it
// is the same in every tab and after a reload) and, while the tab is in the background, a short WebAudio chime (can be turned off; remembered in localStorage) and a desktop
// notification when the agent allowed them (permission is asked on a click, never on load).
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { DashboardStore } from './store.ts'
import { StoreChangeEvent, VisitorMessageEvent } from './store.ts'

const SOUND_KEY = 'parley.sound'

export class NotifierController implements ReactiveController {
  baseTitle = 'Parley'
  private audio: AudioContext | null = null
  private store: DashboardStore | null = null

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

  attach(store: DashboardStore): void {
    this.store?.removeEventListener(VisitorMessageEvent.type, this.onMessage)
    this.store?.removeEventListener(StoreChangeEvent.type, this.updateTitle)
    this.store = store
    store.addEventListener(VisitorMessageEvent.type, this.onMessage)
    store.addEventListener(StoreChangeEvent.type, this.updateTitle)
  }

  hostConnected(): void {
    // AudioContext may only start after a gesture; create it on the first one.
    addEventListener('pointerdown', this.unlockAudio, { once: true })
    addEventListener('keydown', this.unlockAudio, { once: true })
  }

  hostDisconnected(): void {
    this.store?.removeEventListener(VisitorMessageEvent.type, this.onMessage)
  }

  get inBackground(): boolean {
    return document.visibilityState === 'hidden' || !document.hasFocus()
  }

  private onMessage = (e: Event) => {
    const { message, conversation } = e as VisitorMessageEvent
    if (!this.inBackground) return
    if (this.soundOn) this.chime()
    if (this.permission === 'granted' && this.store) {
      const name = conversation.visitor.name ?? this.store.t('list.visitor', { number: conversation.visitor.number })
      try {
        const n = new Notification(this.store.t('notify.title', { name }), {
          body: message.body.slice(0, 200),
          tag: conversation.id,
        })
        n.onclick = () => {
          window.focus()
          location.hash = `#/c/${conversation.id}`
          n.close()
        }
      } catch {
        // Some browsers only allow notifications from a service worker; the title and sound still tell.
      }
    }
  }

  updateTitle = (): void => {
    const n = this.store?.unreadTotal ?? 0
    const title = n > 0 ? `(${n}) ${this.baseTitle}` : this.baseTitle
    if (document.title !== title) document.title = title
  }

  private unlockAudio = () => {
    if (this.audio || typeof AudioContext === 'undefined') return
    try {
      this.audio = new AudioContext()
    } catch {
      this.audio = null
    }
  }

  /** Two soft notes, about a third of a second. */
  chime(): void {
    this.unlockAudio()
    const ctx = this.audio
    if (!ctx) return
    void ctx.resume?.()
    const start = ctx.currentTime + 0.01
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = freq
      const t0 = start + i * 0.12
      gain.gain.setValueAtTime(0.0001, t0)
      gain.gain.exponentialRampToValueAtTime(0.18, t0 + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.22)
      osc.connect(gain).connect(ctx.destination)
      osc.start(t0)
      osc.stop(t0 + 0.25)
    }
  }
}
