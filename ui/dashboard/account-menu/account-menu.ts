import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../../shared/i18n.ts'
import { avatarColor, initials } from '../format.ts'
import { chevronIcon } from '../icons.ts'
import { PopoverDismiss } from '../popover.ts'

/** The agent asked to sign out. */
export class SignOutEvent extends Event {
  static readonly type = 'parley-sign-out'
  constructor() {
    super(SignOutEvent.type, { bubbles: true, composed: true })
  }
}

/** The sound or desktop-notification preference changed (the app's notifier holds them). */
export class NotificationPrefsEvent extends Event {
  static readonly type = 'parley-notification-prefs'
  constructor(readonly change: { sound?: boolean; askPermission?: boolean }) {
    super(NotificationPrefsEvent.type, { bubbles: true, composed: true })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'parley-sign-out': SignOutEvent
    'parley-notification-prefs': NotificationPrefsEvent
  }
  interface HTMLElementTagNameMap {
    'parley-account-menu': ParleyAccountMenu
  }
}

/** Avatar button opening the agent's own settings: language, sound, notifications, my account, sign out. */
export class ParleyAccountMenu extends StoreElement {
  static override properties = {
    open: { state: true },
    soundOn: { type: Boolean, attribute: 'sound-on' },
    permission: {},
    error: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        position: relative;
        display: inline-block;
      }
      .trigger {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        border: none;
        background: none;
        color: #e2e8f0;
        padding: 4px 6px;
        border-radius: var(--p-radius-s);
        cursor: pointer;
      }
      .trigger:focus-visible {
        box-shadow: var(--p-focus-dark);
      }
      .trigger:hover {
        background: rgba(255, 255, 255, 0.08);
      }
      .avatar {
        width: 30px;
        height: 30px;
        border-radius: 50%;
        display: grid;
        place-items: center;
        font-size: 12px;
        font-weight: 700;
        color: #fff;
      }
      .name {
        max-width: 160px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-weight: 600;
      }
      .panel {
        position: absolute;
        right: 0;
        top: calc(100% + 8px);
        z-index: 20;
        width: 290px;
        background: var(--p-surface);
        color: var(--p-text);
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius);
        box-shadow: var(--p-shadow-l);
        padding: var(--p-space-4);
        display: grid;
        gap: var(--p-space-4);
      }
      .who strong {
        display: block;
      }
      .who span {
        color: var(--p-text-muted);
        font-size: var(--p-fs-s);
        overflow-wrap: anywhere;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 8px;
        cursor: pointer;
      }
      .notif {
        display: grid;
        gap: 6px;
        font-size: var(--p-fs-s);
        color: var(--p-text-soft);
      }
      .notif strong {
        color: var(--p-text);
        font-size: var(--p-fs);
        font-weight: 500;
      }
      hr {
        border: none;
        border-top: 1px solid var(--p-border);
        margin: 0;
      }
      @media (max-width: 900px) {
        .name {
          display: none;
        }
      }
    `,
  ]

  declare open: boolean
  declare soundOn: boolean
  declare permission: string
  declare error: string

  constructor() {
    super()
    this.open = false
    this.soundOn = true
    this.permission = 'default'
    this.error = ''
  }

  /** Opening moves focus into the panel (its first field), as a dialog's opening does; focus that
   *  leaves it for the rest of the page closes it. */
  private toggle = () => {
    this.open = !this.open
    if (this.open) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#account-panel select')?.focus())
  }

  private onFocusOut = (e: FocusEvent) => {
    const to = e.relatedTarget as Node | null
    if (this.open && to && !this.contains(to) && !this.renderRoot.contains(to)) this.open = false
  }

  /** A click outside or Escape closes it, Escape with focus back on its button (as the thread's menus). */
  private dismiss = new PopoverDismiss(this, '.trigger')

  override connectedCallback(): void {
    super.connectedCallback()
    this.addEventListener('focusout', this.onFocusOut)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.removeEventListener('focusout', this.onFocusOut)
  }

  private async setLanguage(e: Event) {
    const v = (e.target as HTMLSelectElement).value
    if (!isLanguage(v)) return
    this.error = ''
    try {
      await this.session.updateMe({ language: v })
    } catch (err) {
      this.error = this.session.errorText(err)
    }
  }

  override render() {
    const me = this.hasStore ? this.session.me : null
    if (!me) return nothing
    const t = this.t
    const permissionText =
      this.permission === 'granted'
        ? t('prefs.notificationsOn')
        : this.permission === 'denied'
          ? t('prefs.notificationsBlocked')
          : this.permission === 'unsupported'
            ? t('prefs.notificationsUnsupported')
            : null
    return html`
      <button class="trigger" aria-haspopup="dialog" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="account-panel"
        @click=${this.toggle} title=${t('prefs.menu')}>
        <span class="avatar" aria-hidden="true" style=${`background:${avatarColor(me.id)}`}>${initials(me.name)}</span>
        <span class="name">${me.name}</span>${chevronIcon()}
      </button>
      ${this.open
        ? html`<div class="panel" id="account-panel" role="dialog" aria-label=${t('prefs.menu')}>
            <div class="who"><strong>${me.name}</strong><span>${me.email} · ${t(`role.${me.role}`)}</span></div>
            <label class="field">${t('field.language')}
              <select class="input" data-pref="language" @change=${this.setLanguage}>
                ${LANGUAGES.map((l) => html`<option value=${l} ?selected=${l === this.session.lang}>${LANGUAGE_NAMES[l]}</option>`)}
              </select>
            </label>
            ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
            <label class="check"><input type="checkbox" data-pref="sound" .checked=${this.soundOn}
              @change=${(e: Event) => this.dispatchEvent(new NotificationPrefsEvent({ sound: (e.target as HTMLInputElement).checked }))} />
              ${t('prefs.sound')}</label>
            <div class="notif">
              <strong>${t('prefs.notifications')}</strong>
              ${permissionText
                ? html`<span>${permissionText}</span>`
                : html`<button class="btn small" data-pref="notifications" @click=${() => this.dispatchEvent(new NotificationPrefsEvent({ askPermission: true }))}>
                    ${t('prefs.enableNotifications')}</button>`}
            </div>
            <a class="btn" data-action="account" href="#/account" @click=${() => (this.open = false)}>${t('account.menuLink')}</a>
            <hr />
            <button class="btn" data-action="sign-out" @click=${() => this.dispatchEvent(new SignOutEvent())}>${t('action.signOut')}</button>
          </div>`
        : nothing}
    `
  }
}

customElements.define('parley-account-menu', ParleyAccountMenu)
