import { html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { live } from 'lit/directives/live.js'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import type { Tag } from '../../shared/types.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import { chipStyle, chipStyles, TAG_PALETTE } from '../tag-picker/chips.ts'
import { teamSettingsStyles } from './tags-settings.styles.ts'
import type { Key } from '../i18n/en.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-tags-settings': ParleyTagsSettings
  }
}

const COLORS = Object.keys(TAG_PALETTE)

/** The owner's tags (#16): add (name, colour), rename, recolour, delete. */
export class ParleyTagsSettings extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings']
  static override properties = { busy: { state: true }, error: { state: true }, notice: { state: true }, draftColor: { state: true }, edits: { state: true } }
  static override styles = [tokens, controls, pageStyles, chipStyles, teamSettingsStyles]

  declare busy: boolean
  declare error: string
  declare notice: string
  declare draftColor: string
  /** Colours picked but not saved yet, so each row's preview follows its select. */
  declare edits: Record<string, string>

  constructor() {
    super()
    this.busy = false
    this.error = ''
    this.notice = ''
    this.draftColor = 'blue'
    this.edits = {}
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.settings.loadTags().catch((e) => (this.error = this.session.errorText(e))))
  }

  private message(e: unknown): string {
    if (e instanceof ApiError && e.code === 'tag.name_taken') return this.t('tags.nameTaken')
    if (e instanceof ApiError && e.status === 400) return this.t('error.invalid')
    return this.session.errorText(e)
  }

  private async act(fn: () => Promise<void>, done: string) {
    this.busy = true
    this.error = ''
    this.notice = ''
    try {
      await fn()
      await this.settings.loadTags()
      this.notice = done
    } catch (e) {
      this.error = this.message(e)
    } finally {
      this.busy = false
    }
  }

  private add(e: SubmitEvent) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const d = new FormData(form)
    const name = String(d.get('name') ?? '').trim()
    if (!name) {
      this.error = this.t('error.required')
      return
    }
    void this.act(async () => {
      await this.session.api.post('/api/tags', { name, color: String(d.get('color')) })
      form.reset()
      this.draftColor = 'blue'
    }, this.t('tags.added'))
  }

  private save(e: SubmitEvent, tag: Tag) {
    e.preventDefault()
    const d = new FormData(e.target as HTMLFormElement)
    const name = String(d.get('name') ?? '').trim()
    if (!name) {
      this.error = this.t('error.required')
      return
    }
    void this.act(async () => {
      await this.session.api.patch(`/api/tags/${tag.id}`, { name, color: String(d.get('color')) })
      const { [tag.id]: _, ...rest } = this.edits
      this.edits = rest
    }, this.t('tags.saved'))
  }

  private deleteOne(tag: Tag) {
    if (!confirm(this.t('tags.confirmDelete', { name: tag.name }))) return
    void this.act(() => this.session.api.delete(`/api/tags/${tag.id}`), '')
  }

  private colorSelect(id: string, value: string, onChange: (v: string) => void) {
    const t = this.t
    return html`<label class="field">${t('tags.color')}
      <select class="input" name="color" id=${id} .value=${live(value)} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
        ${COLORS.map((c) => html`<option value=${c} ?selected=${c === value}>${t(`tags.color.${c}` as Key)}</option>`)}
      </select></label>`
  }

  private row(tag: Tag) {
    const t = this.t
    const color = this.edits[tag.id] ?? tag.color
    return html`<li data-tag-row=${tag.name}>
      <form class="row" @submit=${(e: SubmitEvent) => this.save(e, tag)}>
        <label class="field grow">${t('tags.name')}
          <input class="input" name="name" .value=${tag.name} maxlength="40" required /></label>
        ${this.colorSelect(`color-${tag.id}`, color, (v) => (this.edits = { ...this.edits, [tag.id]: v }))}
        <span class="chip preview" style=${chipStyle(color)} aria-hidden="true">${tag.name}</span>
        <div class="buttons">
          <button class="btn small" type="submit" ?disabled=${this.busy}>${t('action.save')}</button>
          <button class="btn small danger" type="button" data-action="delete" ?disabled=${this.busy} @click=${() => this.deleteOne(tag)}>${t('tags.delete')}</button>
        </div>
      </form>
    </li>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.t
    const tags = this.settings.tags
    return html`<div class="page">
      <header>
        <h1>${t('tags.title')}</h1>
        <p class="lead">${t('tags.lead')}</p>
      </header>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      <section class="card" aria-labelledby="tags-add-h">
        <h2 id="tags-add-h">${t('tags.add')}</h2>
        <div class="card-body">
          <form class="row" data-form="tag" @submit=${this.add} novalidate>
            <label class="field grow">${t('tags.name')}
              <input class="input" name="name" maxlength="40" required /></label>
            ${this.colorSelect('color-new', this.draftColor, (v) => (this.draftColor = v))}
            <span class="preview" aria-hidden="true"><span class="chip" style=${chipStyle(this.draftColor)}>${t('tags.preview')}</span></span>
            <button class="btn primary" type="submit" ?disabled=${this.busy}>${t('tags.add')}</button>
          </form>
        </div>
      </section>
      <section class="card" aria-labelledby="tags-h">
        <h2 id="tags-h">${t('tags.title')}</h2>
        <div class="card-body">
          ${tags.length === 0
            ? html`<p class="hint">${t('tags.empty')}</p>`
            : html`<ul class="items">${repeat(tags, (x) => x.id, (x) => this.row(x))}</ul>`}
        </div>
      </section>
    </div>`
  }
}

customElements.define('parley-tags-settings', ParleyTagsSettings)
