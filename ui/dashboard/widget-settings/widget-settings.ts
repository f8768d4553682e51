import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { ApiError } from '../../shared/api.ts'
import type { WidgetSettings } from '../../shared/types.ts'
import { chatIcon, copyIcon } from '../icons.ts'
import { pageStyles } from '../agents-page/page.styles.ts'
import '../recording-settings/recording-settings.ts'
import '../rating-settings/rating-settings.ts' // #16

declare global {
  interface HTMLElementTagNameMap {
    'parley-widget-settings': ParleyWidgetSettings
  }
}

const HEX = /^#[0-9a-fA-F]{6}$/

/** Owner page: the widget's colour, position and texts (with a preview), and the embed code. */
export class ParleyWidgetSettings extends StoreElement {
  static override properties = {
    widget: { state: true },
    draft: { state: true },
    snippet: { state: true },
    saving: { state: true },
    error: { state: true },
    fieldError: { state: true },
    notice: { state: true },
    copied: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 300px;
        gap: var(--p-space-5);
        align-items: start;
      }
      @media (max-width: 900px) {
        .grid {
          grid-template-columns: 1fr;
        }
      }
      form {
        display: grid;
        gap: var(--p-space-4);
      }
      .color {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .color input[type='color'] {
        width: 44px;
        height: 36px;
        padding: 2px;
        border: 1px solid var(--p-border-strong);
        border-radius: var(--p-radius-s);
        background: var(--p-surface);
      }
      .color .input {
        width: 120px;
        font-family: var(--p-mono);
      }
      fieldset {
        border: none;
        margin: 0;
        padding: 0;
        display: flex;
        gap: var(--p-space-4);
      }
      legend {
        font-size: var(--p-fs-s);
        font-weight: 600;
        color: var(--p-text-soft);
        margin-bottom: 6px;
        padding: 0;
      }
      .radio {
        display: flex;
        gap: 6px;
        align-items: center;
        cursor: pointer;
      }
      textarea.input {
        min-height: 70px;
        resize: vertical;
      }
      .hint {
        font-weight: 400;
        color: var(--p-text-muted);
      }
      .preview {
        position: relative;
        height: 300px;
        border-radius: var(--p-radius);
        background: linear-gradient(180deg, #f8fafc, #eef2f7);
        border: 1px solid var(--p-border);
        overflow: hidden;
      }
      .preview .bar {
        height: 22px;
        background: #e2e8f0;
        display: flex;
        gap: 5px;
        align-items: center;
        padding: 0 8px;
      }
      .preview .bar i {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: #cbd5e1;
      }
      .preview .lines {
        padding: 14px;
        display: grid;
        gap: 8px;
      }
      .preview .lines b {
        display: block;
        height: 8px;
        border-radius: 4px;
        background: #e2e8f0;
      }
      .bubble {
        position: absolute;
        bottom: 78px;
        max-width: 220px;
        background: #fff;
        border-radius: 12px;
        padding: 10px 12px;
        box-shadow: var(--p-shadow-l);
        font-size: var(--p-fs-s);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .launcher {
        position: absolute;
        bottom: 16px;
        width: 50px;
        height: 50px;
        border-radius: 50%;
        display: grid;
        place-items: center;
        color: #fff;
        box-shadow: var(--p-shadow-l);
      }
      .left {
        left: 16px;
      }
      .right {
        right: 16px;
      }
      pre {
        margin: 0;
        padding: var(--p-space-4);
        background: #0f172a;
        color: #e2e8f0;
        border-radius: var(--p-radius-s);
        font-family: var(--p-mono);
        font-size: 12px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 220px;
        overflow: auto;
      }
      .snippet-head {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: var(--p-space-3);
        margin-bottom: var(--p-space-3);
      }
      .snippet-head p {
        margin: 0;
        color: var(--p-text-soft);
      }
      .actions {
        display: flex;
        gap: var(--p-space-3);
        align-items: center;
      }
    `,
  ]

  declare widget: WidgetSettings | null
  declare draft: WidgetSettings | null
  declare snippet: string
  declare saving: boolean
  declare error: string
  declare fieldError: Partial<Record<keyof WidgetSettings, string>>
  declare notice: string
  declare copied: boolean

  constructor() {
    super()
    this.widget = null
    this.draft = null
    this.snippet = ''
    this.saving = false
    this.error = ''
    this.fieldError = {}
    this.notice = ''
    this.copied = false
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.updateComplete.then(() => this.load())
  }

  private async load() {
    this.error = ''
    try {
      const [settings, snippet] = await Promise.all([
        this.session.api.get<WidgetSettings>('/api/settings/widget'),
        this.session.api.get<{ snippet: string }>('/api/settings/snippet'),
      ])
      this.widget = settings
      this.draft = { ...settings }
      this.snippet = snippet.snippet
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private set<K extends keyof WidgetSettings>(key: K, value: WidgetSettings[K]) {
    if (!this.draft) return
    this.draft = { ...this.draft, [key]: value }
    this.notice = ''
    this.fieldError = { ...this.fieldError, [key]: undefined }
  }

  private get dirty(): boolean {
    const a = this.widget
    const b = this.draft
    if (!a || !b) return false
    return a.color !== b.color || a.position !== b.position || a.greeting !== b.greeting || a.offlineMessage !== b.offlineMessage
  }

  private async save(e: SubmitEvent) {
    e.preventDefault()
    const d = this.draft
    if (!d) return
    if (!HEX.test(d.color)) {
      this.fieldError = { color: this.t('widget.badColor') }
      // The keyboard goes to the field to correct, which names its error (aria-describedby).
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#color-text')?.focus())
      return
    }
    this.saving = true
    this.error = ''
    this.notice = ''
    try {
      const saved = await this.session.api.put<WidgetSettings>('/api/settings/widget', d)
      this.widget = { ...d, ...saved }
      this.draft = { ...this.widget }
      this.notice = this.t('widget.saved')
    } catch (err) {
      if (err instanceof ApiError && err.field && err.field in d) {
        this.fieldError = { [err.field]: err.code === 'request.too_long' ? this.t('error.tooLong') : this.t('error.invalid') }
      } else this.error = this.session.errorText(err)
    } finally {
      this.saving = false
    }
  }

  private async copy() {
    try {
      await navigator.clipboard.writeText(this.snippet)
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text for Ctrl+C.
      const pre = this.renderRoot.querySelector('pre')
      if (pre) {
        const range = document.createRange()
        range.selectNodeContents(pre)
        const sel = getSelection()
        sel?.removeAllRanges()
        sel?.addRange(range)
        document.execCommand?.('copy')
      }
    }
    this.copied = true
    setTimeout(() => (this.copied = false), 2000)
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const owner = this.session.me.role === 'owner'
    const d = this.draft
    return html`<div class="page">
      <div>
        <h1>${t('widget.title')}</h1>
        <p class="lead">${t('widget.lead')}</p>
      </div>
      ${this.error ? html`<div class="alert" role="alert">${this.error} <button class="btn small" @click=${() => this.load()}>${t('action.retry')}</button></div>` : nothing}
      ${!owner ? html`<div class="alert" role="status">${t('widget.ownerOnly')}</div>` : nothing}
      ${d
        ? html`<div class="grid">
            <section class="card" aria-labelledby="look-h">
              <h2 id="look-h">${t('widget.appearance')}</h2>
              <form class="card-body" @submit=${this.save} novalidate>
                <div class="field">
                  <label class="field" for="color-text">${t('widget.color')}</label>
                  <div class="color">
                    <input type="color" aria-label=${t('widget.color')} .value=${HEX.test(d.color) ? d.color : '#4f46e5'} ?disabled=${!owner}
                      @input=${(e: Event) => this.set('color', (e.target as HTMLInputElement).value)} />
                    <input id="color-text" class="input" name="color" .value=${d.color} maxlength="7" ?disabled=${!owner}
                      aria-invalid=${this.fieldError.color ? 'true' : 'false'} aria-describedby=${this.fieldError.color ? 'color-msg' : nothing}
                      @input=${(e: Event) => this.set('color', (e.target as HTMLInputElement).value.trim())} />
                  </div>
                  ${this.fieldError.color ? html`<span class="error" id="color-msg" role="alert">${this.fieldError.color}</span>` : nothing}
                </div>
                <fieldset ?disabled=${!owner}>
                  <legend>${t('widget.position')}</legend>
                  ${(['left', 'right'] as const).map(
                    (p) => html`<label class="radio"><input type="radio" name="position" value=${p} .checked=${d.position === p}
                      @change=${() => this.set('position', p)} />${t(`widget.${p}`)}</label>`,
                  )}
                </fieldset>
                <label class="field">${t('widget.greeting')}
                  <textarea class="input" name="greeting" .value=${d.greeting} ?disabled=${!owner} maxlength="500"
                    aria-invalid=${this.fieldError.greeting ? 'true' : 'false'}
                    @input=${(e: Event) => this.set('greeting', (e.target as HTMLTextAreaElement).value)}></textarea>
                  ${this.fieldError.greeting ? html`<span class="error">${this.fieldError.greeting}</span>` : html`<span class="hint">${t('widget.greetingHint')}</span>`}
                </label>
                <label class="field">${t('widget.offline')}
                  <textarea class="input" name="offlineMessage" .value=${d.offlineMessage} ?disabled=${!owner} maxlength="500"
                    aria-invalid=${this.fieldError.offlineMessage ? 'true' : 'false'}
                    @input=${(e: Event) => this.set('offlineMessage', (e.target as HTMLTextAreaElement).value)}></textarea>
                  ${this.fieldError.offlineMessage ? html`<span class="error">${this.fieldError.offlineMessage}</span>` : html`<span class="hint">${t('widget.offlineHint')}</span>`}
                </label>
                ${owner
                  ? html`<div class="actions">
                      <button class="btn primary" type="submit" ?disabled=${this.saving || !this.dirty}>${this.saving ? t('state.saving') : t('action.save')}</button>
                      ${this.notice ? html`<span class="notice" role="status">${this.notice}</span>` : nothing}
                    </div>`
                  : nothing}
              </form>
            </section>
            <section class="card" aria-labelledby="preview-h">
              <h2 id="preview-h">${t('widget.preview')}</h2>
              <div class="card-body">
                <div class="preview" aria-hidden="true">
                  <div class="bar"><i></i><i></i><i></i></div>
                  <div class="lines"><b style="width:70%"></b><b style="width:90%"></b><b style="width:55%"></b></div>
                  ${d.greeting ? html`<div class="bubble ${d.position}">${d.greeting}</div>` : nothing}
                  <div class="launcher ${d.position}" style=${`background:${HEX.test(d.color) ? d.color : '#4f46e5'}`}>${chatIcon(22)}</div>
                </div>
              </div>
            </section>
          </div>`
        : !this.error
          ? html`<p class="muted">${t('state.loading')}</p>`
          : nothing}
      ${this.snippet
        ? html`<section class="card" aria-labelledby="snippet-h">
            <h2 id="snippet-h">${t('widget.snippet')}</h2>
            <div class="card-body">
              <div class="snippet-head">
                <p>${t('widget.snippetHint')}</p>
                <button class="btn" data-action="copy" @click=${this.copy}>${copyIcon()} ${this.copied ? t('widget.copied') : t('widget.copy')}</button>
              </div>
              <pre><code>${this.snippet}</code></pre>
              <span class="sr-only" aria-live="polite">${this.copied ? t('widget.copied') : ''}</span>
            </div>
          </section>`
        : nothing}
      <parley-rating-settings></parley-rating-settings>
      <parley-recording-settings></parley-recording-settings>
    </div>`
  }
}

customElements.define('parley-widget-settings', ParleyWidgetSettings)
