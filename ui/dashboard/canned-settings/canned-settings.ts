// #16: canned responses, managed in settings. Every agent keeps their own ("Only me"); the team's
// are shared by everyone and only the owner adds, edits or deletes them (the server enforces it,
// this page only hides the buttons). In the composer, `/` and the shortcut insert one.
import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import { pageStyles, tableStyles } from '../agents-page/page.styles.ts'
import type { Canned } from '../team-tools/team-tools.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-canned-settings': ParleyCannedSettings
  }
}

const PLACEHOLDERS = [
  ['{visitor.name}', 'canned.placeholderVisitor'],
  ['{visitor.first_name}', 'canned.placeholderFirstName'],
  ['{visitor.email}', 'canned.placeholderEmail'],
  ['{agent.name}', 'canned.placeholderAgent'],
] as const

export class ParleyCannedSettings extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'team']
  static override properties = {
    editing: { state: true },
    saving: { state: true },
    notice: { state: true },
    error: { state: true },
    fieldError: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    tableStyles,
    css`
      .placeholders {
        margin: var(--p-space-2) 0 0;
        padding: 0;
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        gap: var(--p-space-2) var(--p-space-4);
        color: var(--p-text-soft);
      }
      code {
        font-family: var(--p-mono);
        background: var(--p-surface-2);
        padding: 1px 5px;
        border-radius: 4px;
        color: var(--p-text);
      }
      form {
        display: grid;
        grid-template-columns: 10rem 12rem 1fr;
        gap: var(--p-space-3);
        align-items: start;
      }
      form .wide {
        grid-column: 1 / -1;
      }
      @media (max-width: 720px) {
        form {
          grid-template-columns: 1fr;
        }
      }
      .hint {
        font-weight: 400;
      }
      .shortcut {
        display: flex;
        align-items: center;
        gap: 2px;
      }
      textarea.input {
        min-height: 5rem;
        resize: vertical;
      }
      .actions {
        display: flex;
        gap: var(--p-space-2);
        justify-content: flex-end;
        white-space: nowrap;
      }
      td.text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        /* On a phone the table scrolls sideways rather than squeezing the text to a word a line. */
        min-width: 12rem;
        color: var(--p-text-soft);
      }
      td.short {
        font-family: var(--p-mono);
        font-weight: 600;
        white-space: nowrap;
      }
      .scope {
        font-size: var(--p-fs-s);
        font-weight: 600;
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--p-surface-2);
        white-space: nowrap;
      }
      .scope.team {
        background: var(--p-accent-soft);
        color: var(--p-accent);
      }
      .submit {
        display: flex;
        gap: var(--p-space-2);
        align-items: center;
      }
    `,
  ]

  declare editing: Canned | null
  declare saving: boolean
  declare notice: string
  declare error: string
  declare fieldError: { field: 'shortcut' | 'body'; text: string } | null
  private requested = false

  constructor() {
    super()
    this.editing = null
    this.saving = false
    this.notice = ''
    this.error = ''
    this.fieldError = null
  }

  protected override willUpdate(): void {
    if (this.hasStore && !this.requested) {
      this.requested = true
      void this.team.loadCanned()
    }
  }

  private mayChange(c: Canned): boolean {
    return c.scope === 'personal' || this.session.me?.role === 'owner'
  }

  private explain(e: unknown): void {
    const t = this.t
    if (e instanceof ApiError && e.code === 'canned.duplicate') this.fieldError = { field: 'shortcut', text: t('canned.duplicate') }
    else if (e instanceof ApiError && e.code === 'canned.invalid_shortcut') this.fieldError = { field: 'shortcut', text: t('canned.invalidShortcut') }
    else this.error = this.session.errorText(e)
  }

  private save = async (e: SubmitEvent) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    const shortcut = String(data.get('shortcut') ?? '').trim().replace(/^\//, '')
    const body = String(data.get('body') ?? '').trim()
    this.notice = ''
    this.error = ''
    this.fieldError = null
    if (!/^[a-z0-9][a-z0-9_-]{0,31}$/i.test(shortcut)) {
      this.fieldError = { field: 'shortcut', text: this.t('canned.invalidShortcut') }
      return
    }
    if (!body) {
      this.fieldError = { field: 'body', text: this.t('error.required') }
      return
    }
    this.saving = true
    try {
      if (this.editing) await this.session.api.put(`/api/canned/${this.editing.id}`, { shortcut, body })
      else await this.session.api.post('/api/canned', { scope: String(data.get('scope') ?? 'personal'), shortcut, body })
      form.reset()
      this.editing = null
      this.notice = this.t('canned.saved')
      await this.team.loadCanned()
    } catch (err) {
      this.explain(err)
    } finally {
      this.saving = false
    }
  }

  private async deleteCanned(c: Canned) {
    if (!confirm(this.t('canned.confirmDelete', { shortcut: c.shortcut }))) return
    this.error = ''
    try {
      await this.session.api.delete(`/api/canned/${c.id}`)
      if (this.editing?.id === c.id) this.editing = null
      await this.team.loadCanned()
    } catch (err) {
      this.error = this.session.errorText(err)
    }
  }

  private edit(c: Canned) {
    this.editing = c
    this.fieldError = null
    this.notice = ''
    void this.updateComplete.then(() => {
      const form = this.renderRoot.querySelector('form')!
      ;(form.elements.namedItem('shortcut') as HTMLInputElement).value = c.shortcut
      ;(form.elements.namedItem('body') as HTMLTextAreaElement).value = c.body
      ;(form.elements.namedItem('shortcut') as HTMLInputElement).focus()
    })
  }

  private row(c: Canned) {
    const t = this.t
    return html`<tr data-canned=${c.shortcut} data-scope=${c.scope}>
      <td class="short">/${c.shortcut}</td>
      <td class="text">${c.body}</td>
      <td><span class="scope ${c.scope}">${c.scope === 'team' ? t('canned.team') : t('canned.personal')}</span></td>
      <td>
        ${this.mayChange(c)
          ? html`<div class="actions">
              <button class="btn small" data-action="edit" aria-label=${`${t('canned.edit')} /${c.shortcut}`} @click=${() => this.edit(c)}>${t('canned.edit')}</button>
              <button class="btn small danger" data-action="delete" aria-label=${`${t('canned.delete')} /${c.shortcut}`} @click=${() => this.deleteCanned(c)}>${t('canned.delete')}</button>
            </div>`
          : nothing}
      </td>
    </tr>`
  }

  private form() {
    const t = this.t
    const owner = this.session.me?.role === 'owner'
    const err = this.fieldError
    const edit = this.editing
    return html`<section class="card" aria-labelledby="canned-form-h">
      <h2 id="canned-form-h">${edit ? `${t('canned.edit')} /${edit.shortcut}` : t('canned.add')}</h2>
      <div class="card-body">
        <form @submit=${this.save} novalidate>
          <label class="field">${t('canned.scope')}
            <select class="input" name="scope" ?disabled=${edit !== null}>
              <option value="personal" ?selected=${!edit || edit.scope === 'personal'}>${t('canned.personal')}</option>
              ${owner ? html`<option value="team" ?selected=${edit?.scope === 'team'}>${t('canned.team')}</option>` : nothing}
            </select>
          </label>
          <label class="field">${t('canned.shortcut')}
            <span class="shortcut"><span aria-hidden="true">/</span><input class="input" name="shortcut" maxlength="33" autocomplete="off"
              aria-invalid=${err?.field === 'shortcut' ? 'true' : 'false'} aria-describedby="shortcut-msg" /></span>
            ${err?.field === 'shortcut' ? html`<span class="error" id="shortcut-msg">${err.text}</span>` : html`<span class="hint" id="shortcut-msg">${t('canned.shortcutExample')}</span>`}
          </label>
          <label class="field">${t('canned.text')}
            <textarea class="input" name="body" maxlength="5000" aria-invalid=${err?.field === 'body' ? 'true' : 'false'} aria-describedby="body-msg"></textarea>
            ${err?.field === 'body' ? html`<span class="error" id="body-msg">${err.text}</span>` : nothing}
          </label>
          <div class="submit wide">
            <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? t('state.saving') : edit ? t('action.save') : t('canned.add')}</button>
            ${edit
              ? html`<button class="btn" type="button" @click=${() => {
                  this.editing = null
                  this.renderRoot.querySelector('form')?.reset()
                }}>${t('action.cancel')}</button>`
              : nothing}
          </div>
        </form>
      </div>
    </section>`
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const team = this.team
    const list = team.canned
    return html`<div class="page">
      <div>
        <h1>${t('canned.title')}</h1>
        <p class="lead">${t('canned.lead')}</p>
        <ul class="placeholders">
          ${PLACEHOLDERS.map(([code, key]) => html`<li><code>${code}</code> ${t(key)}</li>`)}
        </ul>
        <p class="lead">${t('canned.teamHint')}</p>
      </div>
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      ${this.error || team.cannedError ? html`<div class="alert" role="alert">${this.error || t('error.generic')}</div>` : nothing}
      <div class="card table-wrap">
        ${list === null
          ? html`<p class="card-body muted">${t('state.loading')}</p>`
          : list.length === 0
            ? html`<p class="card-body muted" data-empty>${t('canned.empty')}</p>`
            : html`<table>
                <thead><tr>
                  <th scope="col">${t('canned.shortcut')}</th><th scope="col">${t('canned.text')}</th><th scope="col">${t('canned.scope')}</th>
                  <th scope="col"><span class="sr-only">${t('agents.actions')}</span></th>
                </tr></thead>
                <tbody>${list.map((c) => this.row(c))}</tbody>
              </table>`}
      </div>
      ${this.form()}
    </div>`
  }
}

customElements.define('parley-canned-settings', ParleyCannedSettings)
