import { html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { alertStyles } from './alert-settings.styles.ts'
import { ALERT_EVENTS, AlertPrefsChangedEvent, chime, type AlertEvent, type AlertPrefs } from '../alerts/alerts.ts'
import { PushPermissionError, disablePush, enablePush, pushState, pushSupported, type PushState } from '../alerts/push-client.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-alert-settings': ParleyAlertSettings
  }
}

type Permission = NotificationPermission | 'unsupported'

const permissionNow = (): Permission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission)

/**
 * My desktop notifications and sounds on the account page: per event a desktop notification and a
 * sound, the volume, a test; what the browser allows (and how to undo a block); and Web Push on
 * this device, for when no dashboard tab is open.
 */
export class ParleyAlertSettings extends StoreElement {
  static override properties = {
    prefs: { state: true },
    permission: { state: true },
    push: { state: true },
    devices: { state: true },
    busy: { state: true },
    notice: { state: true },
    error: { state: true },
    pushNotice: { state: true },
    pushError: { state: true },
    volume: { state: true },
  }
  static override styles = [tokens, controls, pageStyles, alertStyles]

  declare prefs: AlertPrefs | null
  declare permission: Permission
  declare push: PushState | null
  declare devices: number
  declare busy: boolean
  declare notice: string
  declare error: string
  declare pushNotice: string
  declare pushError: string
  /** The slider's value while it moves, before it is saved. */
  declare volume: number | null

  constructor() {
    super()
    this.prefs = null
    this.permission = permissionNow()
    this.push = null
    this.devices = 0
    this.busy = false
    this.notice = ''
    this.error = ''
    this.pushNotice = ''
    this.pushError = ''
    this.volume = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private async load() {
    try {
      const p = await this.session.api.get<AlertPrefs>('/api/settings/alerts')
      this.prefs = { desktop: p.desktop, sound: p.sound, volume: p.volume }
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    }
    await this.loadPush()
  }

  private async loadPush() {
    this.permission = permissionNow()
    try {
      this.push = await pushState()
      this.devices = (await this.session.api.get<{ devices: unknown[] }>('/api/push/subscriptions')).devices.length
    } catch (e) {
      this.pushError = this.session.errorText(e)
    }
  }

  private read(form: HTMLFormElement): AlertPrefs {
    const d = new FormData(form)
    const pick = (kind: 'desktop' | 'sound') => ALERT_EVENTS.filter((e) => d.has(`${kind}.${e}`))
    return { desktop: pick('desktop'), sound: pick('sound'), volume: Number(d.get('volume')) }
  }

  private async save(e: SubmitEvent) {
    e.preventDefault()
    const next = this.read(e.target as HTMLFormElement)
    this.busy = true
    this.notice = ''
    this.error = ''
    try {
      const saved = await this.session.api.put<AlertPrefs>('/api/settings/alerts', next)
      this.prefs = { desktop: saved.desktop, sound: saved.sound, volume: saved.volume }
      dispatchEvent(new AlertPrefsChangedEvent(this.prefs))
      this.notice = this.t('alerts.saved')
    } catch (err) {
      this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  private async allow() {
    if (typeof Notification === 'undefined') return
    await Notification.requestPermission()
    this.permission = permissionNow()
    await this.loadPush()
  }

  /** Plays the chime at the volume on the slider and shows a notification when allowed. */
  private test() {
    const form = this.renderRoot.querySelector<HTMLFormElement>('form[data-form=alerts]')
    const volume = form ? this.read(form).volume : (this.prefs?.volume ?? 60)
    chime.play(volume)
    this.permission = permissionNow()
    if (this.permission === 'granted') {
      try {
        new Notification(this.t('alerts.testTitle'), { body: this.t('alerts.testBody'), tag: 'parley-test' })
      } catch {
        // Only a service worker may show one in this browser; the sound still played.
      }
    }
  }

  private async togglePush(on: boolean) {
    this.pushNotice = ''
    this.pushError = ''
    this.busy = true
    try {
      if (on) await enablePush(this.session.api)
      else await disablePush(this.session.api)
    } catch (e) {
      this.pushError =
        e instanceof PushPermissionError
          ? this.t('push.denied')
          : e instanceof DOMException
            ? this.t('push.failed', { reason: e.message || e.name })
            : this.session.errorText(e)
    } finally {
      this.busy = false
      await this.loadPush()
    }
  }

  private async testPush() {
    this.pushNotice = ''
    this.pushError = ''
    try {
      await this.session.api.post('/api/push/test')
      this.pushNotice = this.t('push.testSent')
    } catch (e) {
      this.pushError = this.session.errorText(e)
    }
  }

  private permissionLine() {
    const t = this.t
    switch (this.permission) {
      case 'granted':
        return html`<p class="status" data-permission="granted">${t('alerts.permissionGranted')}</p>`
      case 'denied':
        return html`<div class="alert" role="alert" data-permission="denied">${t('alerts.permissionDenied')}</div>`
      case 'unsupported':
        return html`<p class="status" data-permission="unsupported">${t('alerts.permissionUnsupported')}</p>`
      default:
        return html`<div class="actions" data-permission="default">
          <span class="status">${t('alerts.permissionDefault')}</span>
          <button class="btn" type="button" data-action="allow" @click=${this.allow}>${t('alerts.allow')}</button>
        </div>`
    }
  }

  private row(event: AlertEvent, p: AlertPrefs) {
    const t = this.t
    const label = t(`alerts.event.${event}`)
    return html`<tr data-event=${event}>
      <th scope="row">${label}<span class="hint">${t(`alerts.hint.${event}`)}</span></th>
      <td class="toggle"><input type="checkbox" name=${`desktop.${event}`} .checked=${p.desktop.includes(event)} aria-label=${t('alerts.desktopFor', { event: label })} /></td>
      <td class="toggle"><input type="checkbox" name=${`sound.${event}`} .checked=${p.sound.includes(event)} aria-label=${t('alerts.soundFor', { event: label })} /></td>
    </tr>`
  }

  private pushSection() {
    const t = this.t
    const s = this.push
    return html`<div class="stack" data-section="push">
      <h3>${t('push.title')}</h3>
      <p class="section-lead">${t('push.lead')}</p>
      ${this.pushNotice ? html`<div class="notice" role="status">${this.pushNotice}</div>` : nothing}
      ${this.pushError ? html`<div class="alert" role="alert" data-state="push-error">${this.pushError}</div>` : nothing}
      ${!pushSupported() || s === 'unsupported'
        ? html`<p class="status" data-push="unsupported">${t('push.unsupported')}</p>`
        : s === 'denied'
          ? html`<p class="status" data-push="denied">${t('push.denied')}</p>`
          : html`<div class="actions">
              <span class="status" data-push=${s ?? 'loading'}>${s === 'on' ? t('push.on') : t('push.off')}</span>
              ${s === 'on'
                ? html`<button class="btn" type="button" data-action="push-off" ?disabled=${this.busy} @click=${() => this.togglePush(false)}>${t('push.disable')}</button>`
                : html`<button class="btn" type="button" data-action="push-on" ?disabled=${this.busy || s === null} @click=${() => this.togglePush(true)}>${t('push.enable')}</button>`}
            </div>`}
      ${this.devices > 0
        ? html`<div class="actions">
            <span class="status" data-devices=${this.devices}>${t('push.devices', { count: this.devices })}</span>
            <button class="btn" type="button" data-action="push-test" @click=${this.testPush}>${t('push.test')}</button>
          </div>`
        : nothing}
    </div>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const p = this.prefs
    const muted = (() => {
      try {
        return localStorage.getItem('parley.sound') === 'off'
      } catch {
        return false
      }
    })()
    return html`<section class="card" aria-labelledby="alerts-h">
      <h2 id="alerts-h">${t('alerts.title')}</h2>
      ${p === null
        ? html`<div class="card-body muted" aria-busy=${this.error ? 'false' : 'true'}>
            ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : t('state.loading')}
          </div>`
        : html`<div class="card-body">
            <p class="section-lead">${t('alerts.lead')}</p>
            ${this.permissionLine()}
            <form data-form="alerts" @submit=${this.save}>
              <div class="stack">
                ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
                ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
                <table>
                  <thead>
                    <tr><th scope="col">${t('alerts.event')}</th><th scope="col" class="toggle">${t('alerts.desktop')}</th><th scope="col" class="toggle">${t('alerts.sound')}</th></tr>
                  </thead>
                  <tbody>${ALERT_EVENTS.map((e) => this.row(e, p))}</tbody>
                </table>
                <label class="field">${t('alerts.volume')}
                  <span class="volume">
                    <input type="range" name="volume" min="0" max="100" step="5" .value=${String(this.volume ?? p.volume)}
                      @input=${(e: Event) => (this.volume = Number((e.target as HTMLInputElement).value))} />
                    <output aria-hidden="true">${this.volume ?? p.volume} %</output>
                  </span>
                </label>
                ${muted ? html`<p class="status" data-state="muted">${t('alerts.muted')}</p>` : nothing}
                <div class="actions">
                  <button class="btn primary" type="submit" ?disabled=${this.busy}>${t('action.save')}</button>
                  <button class="btn" type="button" data-action="test" @click=${this.test}>${t('alerts.test')}</button>
                </div>
              </div>
            </form>
            ${this.pushSection()}
          </div>`}
    </section>`
  }
}

customElements.define('parley-alert-settings', ParleyAlertSettings)
