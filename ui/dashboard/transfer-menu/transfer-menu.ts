import { css, html, nothing } from 'lit'
import { PopoverDismiss } from '../popover.ts'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import type { Conversation } from '../../../server/realtime/wire.ts'
import { canAssign, canTransfer } from '../permissions.ts'
import { chevronIcon } from '../icons.ts'
import type { Agent, Group } from '../../shared/types.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-transfer-menu': ParleyTransferMenu
  }
}

/**
 * Transfer from the thread header (#16): to another agent (assigns it) or to a group (it waits,
 * unassigned, in that group). Shown only to whoever may hand the conversation on.
 */
export class ParleyTransferMenu extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings']
  static override properties = { conversation: { attribute: false }, open: { state: true }, busy: { state: true }, notice: { state: true }, error: { state: true } }
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: inline-flex;
        position: relative;
      }
      form {
        position: absolute;
        top: calc(100% + 4px);
        right: 0;
        z-index: 20;
        display: grid;
        gap: 8px;
        min-width: 240px;
        padding: 12px;
        background: var(--p-surface);
        border: 1px solid var(--p-border-strong);
        border-radius: var(--p-radius);
        box-shadow: var(--p-shadow-l);
      }
      label {
        display: grid;
        gap: 4px;
        font-size: var(--p-fs-s, 13px);
        font-weight: 600;
        color: var(--p-text-soft);
      }
      select {
        font: inherit;
        font-weight: 400;
        min-height: 34px;
        padding: 0 8px;
        color: var(--p-text);
        background: var(--p-surface);
        border: 1px solid var(--p-border-strong);
        border-radius: var(--p-radius-s);
      }
      .toggle {
        display: inline-flex;
        align-items: center;
        gap: 4px;
      }
      .done {
        align-self: center;
        margin-left: 6px;
        white-space: nowrap;
      }
      .msg {
        font-size: 12px;
      }
      .msg.error {
        color: var(--p-danger);
      }
      .msg.ok {
        color: var(--p-success);
      }
    `,
  ]

  declare conversation: Conversation
  declare open: boolean
  declare busy: boolean
  declare notice: string
  declare error: string

  constructor() {
    super()
    this.open = false
    this.busy = false
    this.notice = ''
    this.error = ''
  }

  private dismiss = new PopoverDismiss(this, '[data-action=transfer-open]')

  private toggle() {
    this.open = !this.open
    this.notice = ''
    this.error = ''
    if (this.open) {
      void this.settings.loadGroups().catch(() => {})
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLSelectElement>('select')?.focus())
    }
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const value = String(new FormData(form).get('to') ?? '')
    const [kind, id] = value.split(':') as ['agent' | 'group', string]
    if (!id) return
    const name = kind === 'agent' ? this.session.agents.find((a) => a.id === id)?.name : this.settings.groups.find((g) => g.id === id)?.name
    this.busy = true
    this.error = ''
    this.notice = ''
    try {
      if (kind === 'agent') await this.lists.assign(this.conversation.id, id)
      else await this.lists.transferToGroup(this.conversation.id, id)
      this.notice = this.session.t('transfer.done', { name: name ?? '' })
      this.open = false
    } catch (err) {
      this.error = this.session.errorText(err)
    } finally {
      this.busy = false
    }
  }

  override render() {
    if (!this.hasStore || !this.conversation || !this.session.me) return nothing
    const t = this.session.t
    const c = this.conversation
    const me = this.session.me!
    if (c.status !== 'open') return nothing
    const agents = this.session.agents.filter((a) => a.active && a.id !== c.assignee?.id && canAssign(me, c, a.id))
    const groups = canTransfer(me, c) ? this.settings.groups : []
    if (agents.length === 0 && groups.length === 0) return nothing
    return html`<button class="btn toggle" type="button" data-action="transfer-open" aria-expanded=${this.open ? 'true' : 'false'}
        aria-haspopup="true" @click=${this.toggle}>${t('transfer.button')} ${chevronIcon(12)}</button>
      ${this.open ? this.form(agents, groups) : nothing}
      <span class="msg done ${this.error ? 'error' : 'ok'}" role="status">${this.error || this.notice}</span>`
  }

  private form(agents: Agent[], groups: Group[]) {
    const t = this.session.t
    return html`<form @submit=${this.submit} data-transfer>
      <label>${t('transfer.label')}
        <select name="to" data-action="transfer-to" ?disabled=${this.busy} required>
          <option value="" selected disabled>${t('transfer.choose')}</option>
          ${agents.length
            ? html`<optgroup label=${t('transfer.agents')}>
                ${agents.map((a) => html`<option value=${`agent:${a.id}`}>${a.name}${a.presence === 'online' ? '' : ` · ${t(`status.${a.presence}`)}`}</option>`)}
              </optgroup>`
            : nothing}
          ${groups.length
            ? html`<optgroup label=${t('transfer.groups')}>
                ${groups.map((g) => html`<option value=${`group:${g.id}`}>${g.name}</option>`)}
              </optgroup>`
            : nothing}
        </select></label>
      <button class="btn primary" type="submit" data-action="transfer" ?disabled=${this.busy}>${t('transfer.button')}</button>
    </form>`
  }
}

customElements.define('parley-transfer-menu', ParleyTransferMenu)
