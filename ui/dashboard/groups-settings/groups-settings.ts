import { html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import type { Group } from '../../shared/types.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { teamSettingsStyles } from '../tags-settings/tags-settings.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-groups-settings': ParleyGroupsSettings
  }
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/

/**
 * The owner's groups (#16): name, the key the website routes with, members; and whether the
 * widget lets visitors choose a group before their first message.
 */
export class ParleyGroupsSettings extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings']
  static override properties = { busy: { state: true }, error: { state: true }, notice: { state: true }, prechat: { state: true } }
  static override styles = [tokens, controls, pageStyles, teamSettingsStyles]

  declare busy: boolean
  declare error: string
  declare notice: string
  declare prechat: boolean | null

  constructor() {
    super()
    this.busy = false
    this.error = ''
    this.notice = ''
    this.prechat = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(async () => {
      try {
        await Promise.all([this.settings.loadGroups(), this.session.loadAgents()])
        this.prechat = (await this.session.api.get<{ prechat: boolean }>('/api/settings/groups')).prechat
      } catch (e) {
        this.error = this.session.errorText(e)
      }
    })
  }

  private message(e: unknown): string {
    if (e instanceof ApiError) {
      if (e.code === 'group.key_taken') return this.t('groups.keyTaken')
      if (e.code === 'group.name_taken') return this.t('groups.nameTaken')
      if (e.code === 'group.invalid_key') return this.t('groups.keyInvalid')
      if (e.status === 400) return this.t('error.invalid')
    }
    return this.session.errorText(e)
  }

  private async act(fn: () => Promise<void>, done: string) {
    this.busy = true
    this.error = ''
    this.notice = ''
    try {
      await fn()
      await this.settings.loadGroups()
      this.notice = done
    } catch (e) {
      this.error = this.message(e)
    } finally {
      this.busy = false
    }
  }

  private read(form: HTMLFormElement): { key: string; name: string; memberIds: string[] } | null {
    const d = new FormData(form)
    const name = String(d.get('name') ?? '').trim()
    const key = String(d.get('key') ?? '').trim()
    if (!name || !key) {
      this.error = this.t('error.required')
      return null
    }
    if (!KEY.test(key)) {
      this.error = this.t('groups.keyInvalid')
      return null
    }
    return { key, name, memberIds: d.getAll('member').map(String) }
  }

  private add(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const body = this.read(form)
    if (!body) return
    void this.act(async () => {
      await this.session.api.post('/api/groups', body)
      form.reset()
    }, this.t('groups.added'))
  }

  private save(e: SubmitEvent, g: Group) {
    e.preventDefault()
    const body = this.read(e.target as HTMLFormElement)
    if (!body) return
    void this.act(() => this.session.api.patch(`/api/groups/${g.id}`, body), this.t('groups.saved'))
  }

  private deleteOne(g: Group) {
    if (!confirm(this.t('groups.confirmDelete', { name: g.name }))) return
    void this.act(() => this.session.api.delete(`/api/groups/${g.id}`), '')
  }

  private setPrechat(on: boolean) {
    void this.act(async () => {
      this.prechat = (await this.session.api.put<{ prechat: boolean }>('/api/settings/groups', { prechat: on })).prechat
    }, this.t('groups.saved'))
  }

  private fields(g: Group | null) {
    const t = this.t
    const agents = this.session.agents.filter((a) => a.active)
    const id = g?.id ?? 'new'
    return html`
      <label class="field grow">${t('groups.name')}
        <input class="input" name="name" .value=${g?.name ?? ''} maxlength="60" required /></label>
      <label class="field">${t('groups.key')}
        <input class="input" name="key" .value=${g?.key ?? ''} maxlength="40" required pattern="[a-z0-9][a-z0-9_\\-]{0,39}"
          aria-describedby=${`key-hint-${id}`} spellcheck="false" autocapitalize="off" /></label>
      <p class="hint" id=${`key-hint-${id}`}>${t('groups.keyHint')}</p>
      <fieldset>
        <legend>${t('groups.members')}</legend>
        <div class="members">
          ${agents.map(
            (a) => html`<label><input type="checkbox" name="member" value=${a.id} .checked=${g?.memberIds.includes(a.id) ?? false} />${a.name}</label>`,
          )}
        </div>
      </fieldset>`
  }

  private row(g: Group) {
    const t = this.t
    return html`<li data-group-row=${g.key}>
      <form class="row" @submit=${(e: SubmitEvent) => this.save(e, g)} novalidate>
        ${this.fields(g)}
        <div class="buttons">
          <button class="btn small" type="submit" ?disabled=${this.busy}>${t('action.save')}</button>
          <button class="btn small danger" type="button" data-action="delete" ?disabled=${this.busy} @click=${() => this.deleteOne(g)}>${t('groups.delete')}</button>
        </div>
      </form>
    </li>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.t
    const groups = this.settings.groups
    return html`<div class="page">
      <header>
        <h1>${t('groups.title')}</h1>
        <p class="lead">${t('groups.lead')}</p>
      </header>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      <section class="card" aria-labelledby="groups-h">
        <h2 id="groups-h">${t('groups.title')}</h2>
        <div class="card-body">
          <label class="switch"><input type="checkbox" data-action="prechat" .checked=${this.prechat ?? false}
            ?disabled=${this.prechat === null || this.busy} @change=${(e: Event) => this.setPrechat((e.target as HTMLInputElement).checked)} />
            ${t('groups.prechat')}</label>
          ${groups.length === 0
            ? html`<p class="hint">${t('groups.empty')}</p>`
            : html`<ul class="items">${repeat(groups, (g) => g.id, (g) => this.row(g))}</ul>`}
        </div>
      </section>
      <section class="card" aria-labelledby="groups-add-h">
        <h2 id="groups-add-h">${t('groups.add')}</h2>
        <div class="card-body">
          <form class="row" data-form="group" @submit=${this.add} novalidate>
            ${this.fields(null)}
            <button class="btn primary" type="submit" ?disabled=${this.busy}>${t('groups.add')}</button>
          </form>
        </div>
      </section>
    </div>`
  }
}

customElements.define('parley-groups-settings', ParleyGroupsSettings)
