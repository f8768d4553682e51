// <parley-chat-file>: one file an agent sent, under their bubble in the widget. The file has no
// public URL: it is fetched with the visitor's token (ChatController.downloadFile) and handed to
// the browser as a blob: download. PNG, JPEG, GIF and WebP images (whose bytes the server checked)
// show as a thumbnail, drawn by <img>, which runs nothing; every other file is a download button.
import { LitElement, css, html, nothing } from 'lit'
import type { Attachment } from '../../../server/realtime/wire.ts'
import type { Strings } from '../i18n/index.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat-file': ParleyChatFile
  }
}

const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

export interface FileSource {
  downloadFile(attachmentId: string): Promise<Blob>
}

const fileIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8zM14 3v5h5M12 11v6M9 14l3 3 3-3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`

function sizeOf(n: number, locale: string): string {
  const mb = n >= 1024 * 1024
  return new Intl.NumberFormat(locale, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(mb ? n / 1024 / 1024 : Math.max(n / 1024, 0.1))
}

export class ParleyChatFile extends LitElement {
  static override properties = {
    file: { attribute: false },
    source: { attribute: false },
    strings: { attribute: false },
    locale: {},
    thumb: { state: true },
    failed: { state: true },
  }
  static override styles = css`
    :host {
      display: block;
      max-width: 100%;
    }
    button {
      font: inherit;
      cursor: pointer;
      border: 1px solid var(--p-border, #e5e7eb);
      background: var(--p-surface, #fff);
      color: var(--p-text, #111827);
      border-radius: 12px;
    }
    button:focus-visible {
      outline: 2px solid var(--p-accent, #2563eb);
      outline-offset: 2px;
    }
    .file {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      max-width: 100%;
      padding: 8px 12px;
      text-align: left;
    }
    .file svg {
      width: 20px;
      height: 20px;
      flex: none;
      color: var(--p-accent, #2563eb);
    }
    .name {
      overflow-wrap: anywhere;
      text-decoration: underline;
      text-underline-offset: 2px;
    }
    .size {
      color: var(--p-muted, #6b7280);
      white-space: nowrap;
      font-size: 12px;
    }
    .thumb {
      display: block;
      padding: 0;
      overflow: hidden;
      line-height: 0;
    }
    .thumb img {
      display: block;
      max-width: 200px;
      max-height: 160px;
      min-width: 48px;
      min-height: 48px;
      object-fit: cover;
    }
    .error {
      display: block;
      margin-top: 4px;
      font-size: 12px;
      color: #b91c1c;
    }
  `

  declare file: Attachment
  declare source: FileSource | null
  declare strings: Strings
  declare locale: string
  declare thumb: string | null
  declare failed: boolean
  private urls: string[] = []
  private loading = false

  constructor() {
    super()
    this.source = null
    this.locale = 'en'
    this.thumb = null
    this.failed = false
  }

  private get inline(): boolean {
    return INLINE.has(this.file.contentType)
  }

  protected override updated(): void {
    if (this.inline && !this.thumb && !this.loading && !this.failed && this.source) {
      this.loading = true
      void this.blob()
        .then((b) => (this.thumb = b))
        .catch(() => {})
        .finally(() => (this.loading = false))
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    for (const u of this.urls.splice(0)) URL.revokeObjectURL(u)
    this.thumb = null
  }

  private async blob(): Promise<string> {
    const blob = await this.source!.downloadFile(this.file.id)
    const url = URL.createObjectURL(blob)
    this.urls.push(url)
    return url
  }

  /** Saves the file under its name: the browser's own download, from the bytes fetched with the token. */
  private async download() {
    if (!this.source) return
    this.failed = false
    try {
      const url = this.thumb ?? (await this.blob())
      const a = document.createElement('a')
      a.href = url
      a.download = this.file.filename
      a.rel = 'noopener'
      this.renderRoot.appendChild(a)
      a.click()
      a.remove()
    } catch {
      this.failed = true
    }
  }

  override render() {
    const f = this.file
    const label = `${this.strings.fileDownload(f.filename)} (${sizeOf(f.size, this.locale)})`
    return html`${this.inline && this.thumb
        ? html`<button class="thumb" type="button" aria-label=${label} title=${label} @click=${this.download}><img src=${this.thumb} alt=${f.filename} /></button>`
        : html`<button class="file" type="button" title=${this.strings.fileDownload(f.filename)} @click=${this.download}>
            ${fileIcon}<span class="name">${f.filename}</span><span class="size">${sizeOf(f.size, this.locale)}</span>
          </button>`}
      ${this.failed ? html`<span class="error" role="alert">${this.strings.fileFailed}</span>` : nothing}`
  }
}

if (!customElements.get('parley-chat-file')) customElements.define('parley-chat-file', ParleyChatFile)
