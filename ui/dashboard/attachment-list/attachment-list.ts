// <parley-attachment-list>: the files of one message under its bubble (a visitor's Messenger
// photos and e-mail attachments, an agent's attached files): PNG, JPEG, GIF and WebP images as
// small previews, everything else as a link. Every file is served as a download (never rendered
// in Parley's origin); an image is only ever shown through <img>, which runs nothing, and only for
// the four types the server checked the bytes of. The files come with the message itself.
import { css, html, nothing } from 'lit'
import type { Attachment } from '../../../server/realtime/wire.ts'
import { StoreElement } from '../context.ts'
import { tokens } from '../../shared/tokens.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-attachment-list': ParleyAttachmentList
  }
}

/** Shown inline; the server refuses a file that claims one of these types and is not that image. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

/** A file size in the agent's language: "12 kB", "3.4 MB". */
export function fileSize(n: number, lang: string): string {
  const mb = n >= 1024 * 1024
  return new Intl.NumberFormat(lang, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(mb ? n / 1024 / 1024 : Math.max(n / 1024, 0.1))
}

export class ParleyAttachmentList extends StoreElement {
  static override properties = {
    conversationId: { attribute: 'conversation-id' },
    messageId: { attribute: 'message-id' },
    files: { attribute: false },
  }
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
      }
      .files {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-start;
        justify-content: flex-end;
        gap: 6px;
        margin-top: 4px;
      }
      img {
        display: block;
        max-width: 220px;
        max-height: 160px;
        border-radius: var(--p-radius-s);
        border: 1px solid var(--p-border);
        background: #fff;
      }
      a.file {
        display: inline-block;
        padding: 4px 8px;
        border-radius: var(--p-radius-s);
        border: 1px solid var(--p-border);
        background: var(--p-surface, #fff);
        font-size: var(--p-fs-s);
        color: inherit;
        overflow-wrap: anywhere;
      }
    `,
  ]

  declare conversationId: string
  declare messageId: string
  declare files: Attachment[]

  constructor() {
    super()
    this.files = []
  }

  override render() {
    if (this.files.length === 0) return nothing
    const lang = this.hasStore ? this.session.lang : 'en'
    const size = (n: number) => fileSize(n, lang)
    return html`<div class="files">
      ${this.files.map((f) => {
        const href = `/api/conversations/${this.conversationId}/messages/${this.messageId}/attachments/${f.id}`
        return INLINE.has(f.contentType)
          ? html`<a href=${href} download=${f.filename} title=${`${f.filename} · ${size(f.size)}`}><img src=${href} alt=${f.filename} loading="lazy" /></a>`
          : html`<a class="file" href=${href} download=${f.filename}>${f.filename} · ${size(f.size)}</a>`
      })}
    </div>`
  }
}

customElements.define('parley-attachment-list', ParleyAttachmentList)
