import { css, html, nothing } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { pageStyles } from '../agents-page/page.styles.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-recording-settings': ParleyRecordingSettings
  }
}

/** GET/PUT /api/settings/recordings (server/domain/recordings/recordings.types.ts). */
interface RecordingSettings {
  enabled: boolean
  requireConsent: boolean
  honorGpc: boolean
  recordMobile: boolean
  recordInputs: boolean
  finalizeAfterMinutes: number
  retentionDays: number
}
type Switch = 'enabled' | 'requireConsent' | 'honorGpc' | 'recordMobile' | 'recordInputs'

const SWITCHES: Switch[] = ['enabled', 'requireConsent', 'honorGpc', 'recordMobile', 'recordInputs']

/** The owner's recording switches and periods, and the storage recordings use (on the widget page). */
export class ParleyRecordingSettings extends StoreElement {
  static override properties = {
    draft: { state: true },
    usage: { state: true },
    saving: { state: true },
    notice: { state: true },
    error: { state: true },
  }
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      form {
        display: grid;
        gap: var(--p-space-3);
      }
      .check {
        display: flex;
        gap: 8px;
        align-items: flex-start;
      }
      .check input {
        margin-top: 3px;
      }
      .numbers {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(16rem, 100%), 1fr));
        gap: var(--p-space-3);
      }
      .numbers input {
        max-width: 8rem;
      }
      .card-body > .lead {
        margin: 0 0 var(--p-space-4);
      }
      .usage {
        color: var(--p-text-soft);
        margin: 0;
      }
      .actions {
        display: flex;
        gap: var(--p-space-3);
        align-items: center;
      }
    `,
  ]

  declare draft: RecordingSettings | null
  declare usage: { recordings: number; bytes: number } | null
  declare saving: boolean
  declare notice: string
  declare error: string

  constructor() {
    super()
    this.draft = null
    this.usage = null
    this.saving = false
    this.notice = ''
    this.error = ''
  }

  private requested = false

  protected override willUpdate(): void {
    // The store arrives through context after the element is connected.
    if (this.hasStore && !this.requested) {
      this.requested = true
      void this.load()
    }
  }

  private async load(): Promise<void> {
    try {
      const r = await this.session.api.get<RecordingSettings & { usage: { recordings: number; bytes: number } }>('/api/settings/recordings')
      const { usage, ...settings } = r
      this.draft = settings
      this.usage = usage
      this.error = ''
    } catch (e) {
      this.error = this.session.errorText(e)
    }
  }

  private save = async (e: Event) => {
    e.preventDefault()
    if (!this.draft) return
    this.saving = true
    this.notice = ''
    this.error = ''
    try {
      this.draft = await this.session.api.put<RecordingSettings>('/api/settings/recordings', this.draft)
      this.notice = this.t('recordingSettings.saved')
    } catch (err) {
      this.error = this.session.errorText(err)
    } finally {
      this.saving = false
    }
  }

  private size(bytes: number): string {
    const mb = bytes >= 1024 * 1024
    return new Intl.NumberFormat(this.session.lang, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(
      mb ? bytes / (1024 * 1024) : bytes / 1024,
    )
  }

  override render() {
    if (!this.hasStore || !this.session.me) return nothing
    const t = this.t
    const owner = this.session.me.role === 'owner'
    const d = this.draft
    return html`<section class="card" aria-labelledby="rec-settings-h">
      <h2 id="rec-settings-h">${t('recordingSettings.title')}</h2>
      <div class="card-body">
        <p class="lead">${t('recordingSettings.lead')}</p>
        ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
        ${d
          ? html`<form @submit=${this.save} novalidate>
              ${SWITCHES.map(
                (k) => html`<label class="check"><input type="checkbox" name=${k} .checked=${d[k]} ?disabled=${!owner || (k !== 'enabled' && !d.enabled)}
                  @change=${(e: Event) => (this.draft = { ...d, [k]: (e.target as HTMLInputElement).checked })} /><span>${t(`recordingSettings.${k}`)}</span></label>`,
              )}
              <div class="numbers">
                <label class="field">${t('recordingSettings.finalize')}
                  <input class="input" type="number" name="finalizeAfterMinutes" min="1" max="60" .value=${String(d.finalizeAfterMinutes)} ?disabled=${!owner}
                    @input=${(e: Event) => (this.draft = { ...d, finalizeAfterMinutes: Number((e.target as HTMLInputElement).value) })} />
                </label>
                <label class="field">${t('recordingSettings.retention')}
                  <input class="input" type="number" name="retentionDays" min="1" max="365" .value=${String(d.retentionDays)} ?disabled=${!owner}
                    @input=${(e: Event) => (this.draft = { ...d, retentionDays: Number((e.target as HTMLInputElement).value) })} />
                </label>
              </div>
              ${this.usage
                ? html`<p class="usage" data-usage>${t('recordingSettings.usage', { count: this.usage.recordings, size: this.size(this.usage.bytes) })}</p>`
                : nothing}
              ${owner
                ? html`<div class="actions">
                    <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? t('state.saving') : t('recordingSettings.save')}</button>
                    ${this.notice ? html`<span class="notice" role="status">${this.notice}</span>` : nothing}
                  </div>`
                : nothing}
            </form>`
          : !this.error
            ? html`<p class="muted">${t('state.loading')}</p>`
            : nothing}
      </div>
    </section>`
  }
}

customElements.define('parley-recording-settings', ParleyRecordingSettings)
