// The search form above the Resolved list (#16): a search box (full text, names, e-mails), the
// advanced filters, Apply and Clear, the agent's saved searches, and, while a search is shown,
// its count and the export links. It writes the filters into the address (#/search?…); the app
// hands the address to the search store, which runs it, and the list shows the results.
import { html, nothing, type PropertyValues } from 'lit'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { CHANNELS, EMPTY_FILTERS, RATINGS, SearchConsumer, activeFilterCount, searchHash, serialiseFilters, type FilterField, type SearchFilters, type SearchRating } from '../stores/search.ts'
import { chevronIcon, downloadIcon, searchIcon } from '../icons.ts'
import { chipStyle } from '../tag-picker/chips.ts'
import type { Key } from '../i18n/en.ts'
import { searchPanelStyles } from './search-panel.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-search-panel': ParleySearchPanel
  }
}

/** The label of each filter, also used to name the ones an address got wrong. */
const LABELS: Record<FilterField, Key> = {
  q: 'search.label',
  status: 'search.status',
  rating: 'search.rating',
  agent: 'search.agent',
  group: 'search.group',
  tags: 'search.tags',
  tagMode: 'search.tags',
  url: 'search.url',
  ip: 'search.ip',
  channel: 'search.channel',
  from: 'search.dates',
  to: 'search.dates',
}

export class ParleySearchPanel extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings']
  static override properties = {
    draft: { state: true },
    advanced: { state: true },
    saveName: { state: true },
    savedNote: { state: true },
    savedProblem: { state: true },
  }
  static override styles = [tokens, controls, searchPanelStyles]

  /** The filters as edited, not yet applied. */
  declare draft: SearchFilters
  declare advanced: boolean
  declare saveName: string
  declare savedNote: string
  declare savedProblem: string
  private search = new SearchConsumer(this)
  /** The applied filters the draft was last reset to. */
  private draftOf = ''

  constructor() {
    super()
    this.draft = EMPTY_FILTERS
    this.advanced = false
    this.saveName = ''
    this.savedNote = ''
    this.savedProblem = ''
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed)
    // A new search in the address (Apply, back and forward, a saved search) resets the form to it.
    const s = this.search.value
    const applied = s?.active ? s.query : serialiseFilters(EMPTY_FILTERS)
    if (applied !== this.draftOf) {
      this.draftOf = applied
      // The panel stays as the agent left it: opened on its own it would push a phone's results off the screen.
      this.draft = s?.active ? s.filters : EMPTY_FILTERS
    }
  }

  private set<K extends FilterField>(k: K, v: SearchFilters[K]) {
    this.draft = { ...this.draft, [k]: v }
  }

  private toggleIn<T extends string>(values: T[], v: T, on: boolean): T[] {
    return on ? [...values.filter((x) => x !== v), v] : values.filter((x) => x !== v)
  }

  private apply(e?: Event) {
    e?.preventDefault()
    const s = this.search.value
    const next = searchHash(this.draft)
    // The same address again (Search pressed twice): no hashchange, so ask for fresh results here.
    if (s && location.hash === next) void s.run()
    else location.hash = next
  }

  private clear() {
    this.draft = EMPTY_FILTERS
    this.advanced = false
    location.hash = '#/'
    void this.lists.setView('resolved')
  }

  private async save(e: Event) {
    e.preventDefault()
    const s = this.search.value
    const name = this.saveName.trim()
    if (!s || !name) return
    this.savedNote = ''
    this.savedProblem = ''
    const problem = await s.save(name)
    if (problem) this.savedProblem = problem
    else {
      this.savedNote = this.t('search.saved.done', { name })
      this.saveName = ''
    }
  }

  private async removeSaved(id: string) {
    const s = this.search.value
    if (!s) return
    this.savedNote = ''
    this.savedProblem = (await s.remove(id)) ?? ''
  }

  private onSavedToggle(e: Event) {
    const s = this.search.value
    if ((e.target as HTMLDetailsElement).open && s && s.saved === null) void s.loadSaved()
  }

  /** The refusal for a field, next to it; the input points at it with aria-describedby. */
  private fieldError(fields: FilterField[]) {
    const p = this.search.value?.problem
    if (!p?.field || !fields.includes(p.field)) return nothing
    return html`<p class="error field-error" id=${`err-${fields[0]}`} role="alert" data-error-for=${p.field}>${p.text}</p>`
  }

  private invalid(fields: FilterField[]): 'true' | 'false' {
    const p = this.search.value?.problem
    return p?.field && fields.includes(p.field) ? 'true' : 'false'
  }

  private describedBy(fields: FilterField[]) {
    return this.invalid(fields) === 'true' ? `err-${fields[0]}` : nothing
  }

  private ratingLabel(r: SearchRating): string {
    const t = this.t
    if (r === 'good') return t('rating.good')
    if (r === 'bad') return t('rating.bad')
    return t('rating.stars', { n: Number(r) })
  }

  private advancedFields() {
    const t = this.t
    const d = this.draft
    return html`<div class="advanced" id="advanced" data-advanced>
      <div class="pair">
        <label class="field">${t('search.status')}
          <select class="input" name="status" .value=${d.status} @change=${(e: Event) => this.set('status', (e.target as HTMLSelectElement).value as SearchFilters['status'])}>
            <option value="resolved" ?selected=${d.status === 'resolved'}>${t('search.status.resolved')}</option>
            <option value="open" ?selected=${d.status === 'open'}>${t('search.status.open')}</option>
            <option value="all" ?selected=${d.status === 'all'}>${t('search.status.all')}</option>
          </select></label>
        <label class="field">${t('search.channel')}
          <select class="input" name="channel" @change=${(e: Event) => this.set('channel', ((e.target as HTMLSelectElement).value || null) as SearchFilters['channel'])}>
            <option value="" ?selected=${!d.channel}>${t('search.channel.any')}</option>
            ${CHANNELS.map((c) => html`<option value=${c} ?selected=${d.channel === c}>${t(`channel.${c}`)}</option>`)}
          </select></label>
      </div>
      <fieldset class="group" aria-describedby=${this.describedBy(['rating'])}>
        <legend>${t('search.rating')}</legend>
        <div class="checks">
          ${RATINGS.map(
            (r) => html`<label class="check"><input type="checkbox" name="rating" value=${r} .checked=${d.rating.includes(r)}
              @change=${(e: Event) => this.set('rating', this.toggleIn(d.rating, r, (e.target as HTMLInputElement).checked))} />${this.ratingLabel(r)}</label>`,
          )}
        </div>
        ${this.fieldError(['rating'])}
      </fieldset>
      <div class="pair">
        <label class="field">${t('search.agent')}
          <select class="input" name="agent" aria-invalid=${this.invalid(['agent'])} aria-describedby=${this.describedBy(['agent'])}
            @change=${(e: Event) => this.set('agent', (e.target as HTMLSelectElement).value || null)}>
            <option value="" ?selected=${!d.agent}>${t('search.agent.any')}</option>
            <option value="none" ?selected=${d.agent === 'none'}>${t('search.agent.none')}</option>
            ${this.session.agents.map((a) => html`<option value=${a.id} ?selected=${d.agent === a.id}>${a.name}</option>`)}
          </select>${this.fieldError(['agent'])}</label>
        <label class="field">${t('search.group')}
          <select class="input" name="group" aria-invalid=${this.invalid(['group'])} aria-describedby=${this.describedBy(['group'])}
            @change=${(e: Event) => this.set('group', (e.target as HTMLSelectElement).value || null)}>
            <option value="" ?selected=${!d.group}>${t('search.group.any')}</option>
            ${this.settings.groups.map((g) => html`<option value=${g.id} ?selected=${d.group === g.id}>${g.name}</option>`)}
          </select>${this.fieldError(['group'])}</label>
      </div>
      <fieldset class="group" aria-describedby=${this.describedBy(['tags', 'tagMode'])}>
        <legend>${t('search.tags')}</legend>
        ${this.settings.tags.length
          ? html`<div class="checks">
              ${this.settings.tags.map(
                (tag) => html`<label class="check tag" style=${chipStyle(tag.color)}><input type="checkbox" name="tags" value=${tag.id} data-tag-filter=${tag.name}
                  .checked=${d.tags.includes(tag.id)} @change=${(e: Event) => this.set('tags', this.toggleIn(d.tags, tag.id, (e.target as HTMLInputElement).checked))} />${tag.name}</label>`,
              )}
            </div>
            <div class="mode" role="radiogroup" aria-label=${t('search.tagMode')}>
              ${(['any', 'all'] as const).map(
                (m) => html`<label class="check"><input type="radio" name="tagMode" value=${m} .checked=${d.tagMode === m}
                  @change=${() => this.set('tagMode', m)} />${t(`search.tagMode.${m}`)}</label>`,
              )}
            </div>`
          : html`<p class="muted">${t('search.tags.none')}</p>`}
        ${this.fieldError(['tags', 'tagMode'])}
      </fieldset>
      <label class="field">${t('search.url')}
        <input class="input" name="url" type="text" maxlength="500" .value=${d.url} aria-invalid=${this.invalid(['url'])} aria-describedby=${this.describedBy(['url'])}
          @input=${(e: Event) => this.set('url', (e.target as HTMLInputElement).value)} />${this.fieldError(['url'])}</label>
      <label class="field">${t('search.ip')}
        <input class="input" name="ip" type="text" maxlength="100" spellcheck="false" autocomplete="off" placeholder=${t('search.ipHint')} .value=${d.ip}
          aria-invalid=${this.invalid(['ip'])} aria-describedby=${this.describedBy(['ip'])}
          @input=${(e: Event) => this.set('ip', (e.target as HTMLInputElement).value)} />${this.fieldError(['ip'])}</label>
      <fieldset class="group" aria-describedby=${this.describedBy(['from', 'to'])}>
        <legend>${t('search.dates')}</legend>
        <div class="pair">
          <label class="field">${t('search.from')}
            <input class="input" name="from" type="date" .value=${d.from ?? ''} aria-invalid=${this.invalid(['from', 'to'])}
              @change=${(e: Event) => this.set('from', (e.target as HTMLInputElement).value || null)} /></label>
          <label class="field">${t('search.to')}
            <input class="input" name="to" type="date" .value=${d.to ?? ''} aria-invalid=${this.invalid(['from', 'to'])}
              @change=${(e: Event) => this.set('to', (e.target as HTMLInputElement).value || null)} /></label>
        </div>
        ${this.fieldError(['from', 'to'])}
      </fieldset>
      <div class="buttons">
        <button class="btn primary" type="submit" data-action="apply">${t('search.apply')}</button>
        <button class="btn" type="button" data-action="clear" @click=${this.clear}>${t('search.clear')}</button>
      </div>
    </div>`
  }

  private savedSearches() {
    const t = this.t
    const s = this.search.value
    if (!s) return nothing
    return html`<details class="saved" data-saved @toggle=${this.onSavedToggle}>
      <summary>${chevronIcon(12)} ${t('search.saved.title')}</summary>
      ${s.savedError ? html`<p class="error" role="alert">${s.savedError}</p>` : nothing}
      ${s.saved === null && !s.savedError ? html`<p class="muted">${t('state.loading')}</p>` : nothing}
      ${s.saved?.length === 0 ? html`<p class="muted">${t('search.saved.none')}</p>` : nothing}
      ${s.saved?.length
        ? html`<ul class="saved-list">
            ${s.saved.map(
              (x) => html`<li data-saved-search=${x.name}>
                <a href=${`#/search?${x.query}`} aria-current=${s.active && s.query === x.query ? 'true' : 'false'}>${x.name}</a>
                <button class="btn small ghost" type="button" data-action="delete-saved" aria-label=${t('search.saved.delete', { name: x.name })}
                  title=${t('search.saved.delete', { name: x.name })} @click=${() => this.removeSaved(x.id)}>×</button>
              </li>`,
            )}
          </ul>`
        : nothing}
      ${s.active
        ? html`<form class="save" data-form="save-search" @submit=${this.save}>
            <label class="sr-only" for="save-name">${t('search.saved.name')}</label>
            <input class="input" id="save-name" name="name" maxlength="80" placeholder=${t('search.saved.name')} .value=${this.saveName}
              @input=${(e: Event) => (this.saveName = (e.target as HTMLInputElement).value)} />
            <button class="btn small" type="submit" ?disabled=${!this.saveName.trim()}>${t('search.saved.save')}</button>
          </form>`
        : nothing}
      ${this.savedProblem ? html`<p class="error" role="alert">${this.savedProblem}</p>` : nothing}
      ${this.savedNote ? html`<p class="note" role="status">${this.savedNote}</p>` : nothing}
    </details>`
  }

  /** While a search is shown: how many were found (a live region, read out when it changes) and the downloads. */
  private summary() {
    const t = this.t
    const s = this.search.value
    const active = Boolean(s?.active)
    const n = s?.results.length ?? 0
    const count = !s || !active ? '' : s.loading && n === 0 ? t('search.searching') : s.problem && n === 0 ? '' : s.nextCursor ? t('search.countMore', { n }) : t('search.count', { n })
    return html`<div class="summary ${active ? '' : 'idle'}">
      <p class="count" role="status" data-search-count=${!s || s.loading || !active ? '' : String(n)}>${count}</p>
      ${s && active && n > 0
        ? html`<span class="exports" role="group" aria-label=${t('search.export')}>
            <a class="btn small" href=${s.exportHref('csv')} download data-export="csv">${downloadIcon(12)} ${t('search.exportCsv')}</a>
            <a class="btn small" href=${s.exportHref('json')} download data-export="json">${downloadIcon(12)} ${t('search.exportJson')}</a>
          </span>`
        : nothing}
    </div>`
  }

  override render() {
    if (!this.hasStore) return nothing
    const t = this.t
    const s = this.search.value
    const problemField = s?.problem?.field ?? null
    // A refusal about an advanced filter opens the panel, so it is seen next to its field.
    const open = this.advanced || (problemField !== null && problemField !== 'q')
    const n = activeFilterCount(this.draft)
    const invalid = s?.active ? [...new Set(s.invalid.map((f) => t(LABELS[f])))] : []
    return html`<form role="search" aria-label=${t('search.label')} data-form="search" @submit=${this.apply} novalidate>
        <div class="box">
          <label class="sr-only" for="q">${t('search.label')}</label>
          <span class="glass" aria-hidden="true">${searchIcon(16)}</span>
          <input class="input" id="q" name="q" type="search" maxlength="200" autocomplete="off" placeholder=${t('search.placeholder')} .value=${this.draft.q}
            aria-invalid=${this.invalid(['q'])} aria-describedby=${this.describedBy(['q'])}
            @input=${(e: Event) => this.set('q', (e.target as HTMLInputElement).value)} />
          <button class="btn primary" type="submit" data-action="search">${t('search.submit')}</button>
        </div>
        ${this.fieldError(['q'])}
        <div class="toggles">
          <button class="link" type="button" data-action="advanced" aria-expanded=${open ? 'true' : 'false'} aria-controls="advanced"
            @click=${() => (this.advanced = !open)}>${chevronIcon(12)} ${n ? t('search.advancedCount', { n }) : t('search.advanced')}</button>
          ${s?.active && !open
            ? html`<button class="link" type="button" data-action="clear" @click=${this.clear}>${t('search.clear')}</button>`
            : nothing}
        </div>
        ${open ? this.advancedFields() : nothing}
      </form>
      ${invalid.length ? html`<p class="notice" role="status" data-invalid-address>${t('search.invalidAddress', { fields: invalid.join(', ') })}</p>` : nothing}
      ${this.savedSearches()}
      ${this.summary()}`
  }
}

customElements.define('parley-search-panel', ParleySearchPanel)
