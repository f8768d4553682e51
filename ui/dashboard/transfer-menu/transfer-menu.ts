import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import type { Conversation } from '../../../server/realtime/wire.ts'
import { canAssign, canTransfer } from '../permissions.ts'

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
  static override properties = { conversation: { attribute: false }, busy: { state: true }, notice: { state: true }, error: { state: true } }
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: inline-flex;
      }
      form {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: var(--p-fs-s, 13px);
        color: var(--p-text-soft);
      }
      select {
        max-width: 200px;
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
  declare busy: boolean
  declare notice: string
  declare error: string

  constructor() {
    super()
    this.busy = false
    this.notice = ''
    this.error = ''
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const value = String(new FormData(form).get('to') ?? '')
    const [kind, id] = value.split(':') as ['agent' | 'group', string]
    if (!id) return
    const s = this.store
    const name = kind === 'agent' ? s.agents.find((a) => a.id === id)?.name : s.groups.find((g) => g.id === id)?.name
    this.busy = true
    this.error = ''
    this.notice = ''
    try {
      if (kind === 'agent') await s.assign(this.conversation.id, id)
      else await s.transferToGroup(this.conversation.id, id)
      this.notice = s.t('transfer.done', { name: name ?? '' })
      form.reset()
    } catch (err) {
      this.error = s.errorText(err)
    } finally {
      this.busy = false
    }
  }

  override render() {
    if (!this.hasStore || !this.conversation || !this.store.me) return nothing
    const s = this.store
    const t = s.t
    const c = this.conversation
    const me = s.me!
    if (c.status !== 'open') return nothing
    const agents = s.agents.filter((a) => a.active && a.id !== c.assignee?.id && canAssign(me, c, a.id))
    const groups = canTransfer(me, c) ? s.groups : []
    if (agents.length === 0 && groups.length === 0) return nothing
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
      <button class="btn small" type="submit" data-action="transfer" ?disabled=${this.busy}>${t('transfer.button')}</button>
      <span class="msg ${this.error ? 'error' : 'ok'}" role="status">${this.error || this.notice}</span>
    </form>`
  }
}

customElements.define('parley-transfer-menu', ParleyTransferMenu)
