import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../../shared/i18n.ts'
import type { Agent, Role } from '../../shared/types.ts'
import { avatarColor, initials } from '../format.ts'
import { pageStyles, tableStyles } from './page.styles.ts'
import { passwordErrorText } from '../account-page/password-errors.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-agents-page': ParleyAgentsPage
  }
}

type NewField = 'name' | 'email' | 'password'
type EditField = NewField | 'form'

/** Owner page: the team with live presence; add an agent, edit one (name, e-mail, role, a new password), deactivate. */
export class ParleyAgentsPage extends StoreElement {
  static override properties = {
    busyId: { state: true },
    creating: { state: true },
    error: { state: true },
    formErrors: { state: true },
    notice: { state: true },
    editing: { state: true },
    editErrors: { state: true },
    saving: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    tableStyles,
    css`
      tr.inactive td {
        color: var(--p-text-muted);
      }
      .agent {
        display: flex;
        align-items: center;
        gap: 10px;
        min-width: 0;
      }
      /* At least 9rem: breaking anywhere, a column squeezed by its neighbours on a phone had the
         name run down one letter a line; with it the table is wider and scrolls (the shadow hints). */
      .agent div {
        min-width: 9rem;
      }
      /* A long name or address breaks anywhere rather than widening its column until the actions
         (Deaktivieren, Dezaktywuj) are cut off at the card's edge on a laptop. */
      .agent div > strong,
      .agent div > span {
        display: block;
        overflow-wrap: anywhere;
      }
      .agent div > span {
        font-size: var(--p-fs-s);
        color: var(--p-text-muted);
      }
      .avatar {
        position: relative;
        width: 34px;
        height: 34px;
        border-radius: 50%;
        display: grid;
        place-items: center;
        font-size: 12px;
        font-weight: 700;
        color: #fff;
        flex: none;
      }
      .presence {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        white-space: nowrap;
      }
      .dot {
        width: 9px;
        height: 9px;
        border-radius: 50%;
      }
      .online { background: var(--p-online); }
      .away { background: var(--p-away); }
      .offline { background: var(--p-offline); }
      select.input {
        width: auto;
        min-height: 32px;
        padding: 4px 8px;
      }
      .pill {
        font-size: var(--p-fs-s);
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--p-hover);
        color: var(--p-text-soft);
      }
      .new {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(200px, 1fr));
        gap: var(--p-space-4);
        align-items: start;
      }
      .new .submit {
        grid-column: 1 / -1;
        display: flex;
        gap: var(--p-space-3);
        align-items: center;
      }
      .hint {
        font-weight: 400;
        color: var(--p-text-muted);
      }
      td.actions {
        white-space: nowrap;
        text-align: right;
      }
      td.actions .btn + .btn {
        margin-left: 6px;
      }
      dialog {
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius);
        box-shadow: var(--p-shadow-l);
        padding: 0;
        width: min(440px, calc(100vw - 32px));
        color: var(--p-text);
        background: var(--p-surface);
      }
      dialog::backdrop {
        background: rgba(15, 23, 42, 0.45);
      }
      dialog h2 {
        margin: 0;
        padding: var(--p-space-4) var(--p-space-5);
        font-size: var(--p-fs-m);
        border-bottom: 1px solid var(--p-border);
      }
      dialog form {
        padding: var(--p-space-5);
        display: grid;
        gap: var(--p-space-4);
      }
      dialog .buttons {
        display: flex;
        justify-content: flex-end;
        gap: var(--p-space-3);
      }
    `,
  ]

  declare busyId: string | null
  declare creating: boolean
  declare error: string
  declare formErrors: Partial<Record<NewField, string>>
  declare notice: string
  /** The agent whose edit dialog is open. */
  declare editing: Agent | null
  declare editErrors: Partial<Record<EditField, string>>
  declare saving: boolean

  constructor() {
    super()
    this.busyId = null
    this.creating = false
    this.error = ''
    this.formErrors = {}
    this.notice = ''
    this.editing = null
    this.editErrors = {}
    this.saving = false
  }

  private openEdit(a: Agent) {
    this.editing = a
    this.editErrors = {}
    this.notice = ''
    void this.updateComplete.then(() => {
      const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog')
      if (dialog && !dialog.open) dialog.showModal()
    })
  }

  private closeEdit() {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close()
    this.editing = null
  }

  private async saveEdit(e: SubmitEvent) {
    e.preventDefault()
    const a = this.editing
    if (!a) return
    const d = new FormData(e.target as HTMLFormElement)
    const t = this.t
    const name = String(d.get('name') ?? '').trim()
    const email = String(d.get('email') ?? '').trim()
    const role = String(d.get('role') ?? a.role) as Role
    const password = String(d.get('password') ?? '')
    const errors: Partial<Record<EditField, string>> = {}
    if (!name) errors.name = t('error.required')
    if (!/^\S+@\S+\.\S{2,}$/.test(email)) errors.email = t('error.email')
    if (password && password.length < 10) errors.password = t('error.password')
    this.editErrors = errors
    if (Object.keys(errors).length > 0) return
    // Only what changed is sent: a new password is set only when one was typed.
    const patch: Record<string, string> = {}
    if (name !== a.name) patch.name = name
    if (email.toLowerCase() !== a.email.toLowerCase()) patch.email = email
    if (a.role !== 'owner' && role !== a.role) patch.role = role
    if (password) patch.password = password
    if (Object.keys(patch).length === 0) {
      this.closeEdit()
      return
    }
    this.saving = true
    try {
      const saved = await this.session.api.patch<Agent>(`/api/agents/${a.id}`, patch)
      this.closeEdit()
      this.notice = patch.password ? t('agents.passwordReset', { name: saved.name }) : t('agents.saved', { name: saved.name })
      await this.session.loadAgents()
    } catch (err) {
      const pw = passwordErrorText(t, err)
      if (pw) this.editErrors = { password: pw }
      else if (err instanceof ApiError && err.code === 'agent.email_taken') this.editErrors = { email: t('agents.emailTaken') }
      else if (err instanceof ApiError && err.field === 'email') this.editErrors = { email: t('error.email') }
      else this.editErrors = { form: this.session.errorText(err) }
    } finally {
      this.saving = false
    }
  }

  private editDialog() {
    const a = this.editing
    if (!a) return nothing
    const t = this.t
    const field = (name: NewField, type: string, label: string, value: string, autocomplete: string, hint?: string) => {
      const err = this.editErrors[name]
      return html`<label class="field">${label}
        <input class="input" name=${name} type=${type} autocomplete=${autocomplete} .value=${value}
          aria-invalid=${err ? 'true' : 'false'} aria-describedby=${`edit-${name}-msg`} />
        ${err ? html`<span class="error" id=${`edit-${name}-msg`}>${err}</span>` : hint ? html`<span class="hint" id=${`edit-${name}-msg`}>${hint}</span>` : nothing}
      </label>`
    }
    return html`<dialog aria-labelledby="edit-h" @close=${() => (this.editing = null)}>
      <h2 id="edit-h">${t('agents.editTitle', { name: a.name })}</h2>
      <form data-form="edit-agent" @submit=${this.saveEdit} novalidate>
        ${this.editErrors.form ? html`<div class="alert" role="alert">${this.editErrors.form}</div>` : nothing}
        ${field('name', 'text', t('field.name'), a.name, 'off')}
        ${field('email', 'email', t('field.email'), a.email, 'off')}
        ${a.role === 'owner'
          ? nothing
          : html`<label class="field">${t('agents.role')}
              <select class="input" name="role">
                <option value="limited" ?selected=${a.role === 'limited'}>${t('role.limited')}</option>
                <option value="full" ?selected=${a.role === 'full'}>${t('role.full')}</option>
              </select>
            </label>`}
        ${field('password', 'password', t('agents.newPassword'), '', 'new-password', t('agents.newPasswordHint'))}
        <div class="buttons">
          <button class="btn" type="button" @click=${() => this.closeEdit()}>${t('action.cancel')}</button>
          <button class="btn primary" type="submit" ?disabled=${this.saving}>${t('action.save')}</button>
        </div>
      </form>
    </dialog>`
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.session.loadAgents().catch((e) => (this.error = this.session.errorText(e))))
  }

  private async update_(agent: Agent, patch: Partial<Pick<Agent, 'role' | 'active'>>) {
    this.busyId = agent.id
    this.error = ''
    this.notice = ''
    try {
      await this.session.api.patch<Agent>(`/api/agents/${agent.id}`, patch)
      await this.session.loadAgents()
    } catch (e) {
      this.error = this.session.errorText(e)
    } finally {
      this.busyId = null
    }
  }

  private async create(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const d = new FormData(form)
    const body = {
      name: String(d.get('name') ?? '').trim(),
      email: String(d.get('email') ?? '').trim(),
      password: String(d.get('password') ?? ''),
      role: String(d.get('role') ?? 'limited') as Role,
      language: String(d.get('language') ?? 'en'),
    }
    const t = this.t
    const errors: Partial<Record<NewField, string>> = {}
    if (!body.name) errors.name = t('error.required')
    if (!/^\S+@\S+\.\S{2,}$/.test(body.email)) errors.email = t('error.email')
    if (body.password.length < 10) errors.password = t('error.password')
    this.formErrors = errors
    this.notice = ''
    this.error = ''
    if (Object.keys(errors).length > 0) return
    this.creating = true
    try {
      const agent = await this.session.api.post<Agent>('/api/agents', body)
      form.reset()
      this.notice = t('agents.created', { name: agent.name })
      await this.session.loadAgents()
    } catch (err) {
      if (err instanceof ApiError && err.code === 'agent.email_taken') this.formErrors = { email: t('agents.emailTaken') }
      else if (err instanceof ApiError && err.field === 'email') this.formErrors = { email: t('error.email') }
      else if (err instanceof ApiError && err.field === 'password') this.formErrors = { password: passwordErrorText(t, err)! }
      else this.error = this.session.errorText(err)
    } finally {
      this.creating = false
    }
  }

  private row(a: Agent) {
    const t = this.t
    const me = this.session.me!
    const owner = me.role === 'owner'
    const busy = this.busyId === a.id
    return html`<tr class=${a.active ? '' : 'inactive'} data-agent=${a.email}>
      <td>
        <div class="agent">
          <span class="avatar" aria-hidden="true" style=${`background:${avatarColor(a.id, !a.active)}`}>${initials(a.name)}</span>
          <div><strong>${a.name}${a.id === me.id ? html` <span class="pill" style="display:inline">${t('list.you')}</span>` : nothing}</strong><span>${a.email}</span></div>
        </div>
      </td>
      <td>
        ${a.role === 'owner' || !owner || !a.active
          ? html`<span>${t(`role.${a.role}`)}</span>`
          : html`<select class="input" data-action="role" aria-label=${t('agents.roleOf', { name: a.name })} ?disabled=${busy}
              @change=${(e: Event) => this.update_(a, { role: (e.target as HTMLSelectElement).value as Role })}>
              <option value="full" ?selected=${a.role === 'full'}>${t('role.full')}</option>
              <option value="limited" ?selected=${a.role === 'limited'}>${t('role.limited')}</option>
            </select>`}
      </td>
      <td>
        ${a.active
          ? html`<span class="presence"><span class="dot ${a.presence}" aria-hidden="true"></span>${t(`status.${a.presence}`)}</span>`
          : html`<span class="pill">${t('agents.deactivated')}</span>`}
      </td>
      <td>${isLanguage(a.language) ? LANGUAGE_NAMES[a.language] : a.language}</td>
      <td class="actions">
        ${owner && a.role !== 'owner'
          ? html`<button class="btn small" data-action="edit" ?disabled=${busy} @click=${() => this.openEdit(a)}>${t('agents.edit')}</button>`
          : owner && a.id === me.id
            ? html`<a class="btn small" data-action="my-account" href="#/account">${t('agents.edit')}</a>`
            : nothing}
        ${owner && a.role !== 'owner'
          ? a.active
            ? html`<button class="btn small danger" data-action="deactivate" ?disabled=${busy}
                @click=${() => confirm(t('agents.confirmDeactivate', { name: a.name })) && this.update_(a, { active: false })}>${t('agents.deactivate')}</button>`
            : html`<button class="btn small" data-action="reactivate" ?disabled=${busy} @click=${() => this.update_(a, { active: true })}>${t('agents.reactivate')}</button>`
          : nothing}
      </td>
    </tr>`
  }

  private input(name: NewField, type: string, label: string, autocomplete: string, hint?: string) {
    const err = this.formErrors[name]
    return html`<label class="field">${label}
      <input class="input" name=${name} type=${type} autocomplete=${autocomplete} aria-invalid=${err ? 'true' : 'false'} aria-describedby=${`new-${name}-msg`} />
      ${err ? html`<span class="error" id=${`new-${name}-msg`}>${err}</span>` : hint ? html`<span class="hint" id=${`new-${name}-msg`}>${hint}</span>` : nothing}
    </label>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const owner = this.session.me.role === 'owner'
    return html`<div class="page">
      <div>
        <h1>${t('agents.title')}</h1>
        <p class="lead">${t('agents.lead')}${owner ? html` <a href="#/audit" data-action="audit">${t('audit.link')}</a>` : nothing}</p>
      </div>
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      <div class="card table-wrap">
        <table>
          <thead><tr>
            <th scope="col">${t('agents.agent')}</th><th scope="col">${t('agents.role')}</th><th scope="col">${t('agents.status')}</th>
            <th scope="col">${t('field.language')}</th><th scope="col"><span class="sr-only">${t('agents.actions')}</span></th>
          </tr></thead>
          <tbody>${this.session.agents.map((a) => this.row(a))}</tbody>
        </table>
      </div>
      ${owner
        ? html`<section class="card" aria-labelledby="new-h">
            <h2 id="new-h">${t('agents.add')}</h2>
            <form class="card-body new" @submit=${this.create} novalidate>
              ${this.input('name', 'text', t('field.name'), 'off')}
              ${this.input('email', 'email', t('field.email'), 'off')}
              ${this.input('password', 'password', t('field.password'), 'new-password', t('setup.passwordHint'))}
              <label class="field">${t('agents.role')}
                <select class="input" name="role">
                  <option value="limited">${t('role.limited')}</option>
                  <option value="full">${t('role.full')}</option>
                </select>
                <span class="hint">${t('agents.roleHint')}</span>
              </label>
              <label class="field">${t('field.language')}
                <select class="input" name="language">
                  ${LANGUAGES.map((l) => html`<option value=${l} ?selected=${l === this.session.lang}>${LANGUAGE_NAMES[l]}</option>`)}
                </select>
              </label>
              <div class="submit"><button class="btn primary" type="submit" ?disabled=${this.creating}>${t('agents.create')}</button></div>
            </form>
          </section>`
        : nothing}
      ${this.editDialog()}
    </div>`
  }
}

customElements.define('parley-agents-page', ParleyAgentsPage)
