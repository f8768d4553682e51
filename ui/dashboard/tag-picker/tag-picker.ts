import { css, html, nothing } from 'lit'
import { PopoverDismiss } from '../popover.ts'
import { StoreElement } from '../context.ts'
import type { StoreName } from '../stores/store.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import type { Conversation } from '../../../server/realtime/wire.ts'
import { chipStyle, chipStyles, tagChips } from './chips.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-tag-picker': ParleyTagPicker
  }
}

/**
 * The thread header's tags: the conversation's chips (each removable) and a "Tags" button that
 * opens a checklist of every tag. Any agent may tag; every dashboard sees the change live.
 */
export class ParleyTagPicker extends StoreElement {
  static override watches: readonly StoreName[] = ['session', 'settings']
  static override properties = { conversation: { attribute: false }, open: { state: true }, busy: { state: true }, error: { state: true } }
  static override styles = [
    tokens,
    controls,
    chipStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 6px;
        position: relative;
        min-width: 0;
      }
      .panel {
        position: absolute;
        top: calc(100% + 4px);
        left: 0;
        z-index: 20;
        min-width: 220px;
        max-height: 320px;
        overflow-y: auto;
        background: var(--p-surface);
        border: 1px solid var(--p-border-strong);
        border-radius: var(--p-radius);
        box-shadow: var(--p-shadow-l);
        padding: 6px;
      }
      .panel label {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 6px 8px;
        border-radius: var(--p-radius-s);
        cursor: pointer;
      }
      .panel label:hover {
        background: var(--p-hover);
      }
      .panel fieldset {
        border: 0;
        margin: 0;
        padding: 0;
      }
      .panel legend {
        padding: 4px 8px;
        font-size: 12px;
        color: var(--p-text-muted);
      }
      .none {
        margin: 0;
        padding: 6px 8px;
        color: var(--p-text-soft);
        max-width: 260px;
      }
      .error {
        color: var(--p-danger);
        font-size: 12px;
      }
    `,
  ]

  declare conversation: Conversation
  declare open: boolean
  declare busy: boolean
  declare error: string

  constructor() {
    super()
    this.open = false
    this.busy = false
    this.error = ''
  }

  private dismiss = new PopoverDismiss(this, '[data-action=tags]')

  private toggle() {
    this.open = !this.open
    // The owner may have changed the list since the dashboard loaded.
    if (this.open) void this.settings.loadTags().catch(() => {})
  }

  private async set(tagId: string, on: boolean) {
    this.busy = true
    this.error = ''
    try {
      if (on) await this.lists.tag(this.conversation.id, tagId)
      else await this.lists.untag(this.conversation.id, tagId)
    } catch (e) {
      this.error = this.session.errorText(e)
    } finally {
      this.busy = false
    }
  }

  override render() {
    if (!this.hasStore || !this.conversation) return nothing
    const t = this.t
    const c = this.conversation
    const has = new Set(c.tags.map((x) => x.id))
    return html`<div style="display:contents">
      ${tagChips(c.tags, { label: t('tagPicker.label'), onRemove: (tag) => void this.set(tag.id, false), removeLabel: (tag) => t('tagPicker.remove', { name: tag.name }) })}
      <button class="btn small ghost" type="button" data-action="tags" aria-expanded=${this.open ? 'true' : 'false'} aria-haspopup="true"
        @click=${this.toggle}>+ ${t('tagPicker.button')}</button>
      ${this.open
        ? html`<div class="panel" data-tag-panel>
            ${this.settings.tags.length === 0
              ? html`<p class="none">${t('tagPicker.none')}</p>`
              : html`<fieldset aria-busy=${this.busy ? 'true' : 'false'}><legend>${t('tagPicker.label')}</legend>
                  ${this.settings.tags.map(
                    (tag) => html`<label><input type="checkbox" data-tag-option=${tag.name} .checked=${has.has(tag.id)}
                        @change=${(e: Event) => this.set(tag.id, (e.target as HTMLInputElement).checked)} />
                      <span class="chip" style=${chipStyle(tag.color)}>${tag.name}</span></label>`,
                  )}
                </fieldset>`}
          </div>`
        : nothing}
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
    </div>`
  }
}

customElements.define('parley-tag-picker', ParleyTagPicker)
