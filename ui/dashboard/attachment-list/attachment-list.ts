// <parley-attachment-list>: the files that came with one visitor message (Messenger photos and
// stickers, e-mail attachments), under its bubble: images as small previews, everything else as
// a link. Every file is served as a download (never rendered in Parley's origin); an image is
// only ever shown through <img>, which runs nothing. One request per conversation and new
// message, shared by all the messages of the thread.
import { css, html, nothing, type PropertyValues } from 'lit'
import { StoreElement } from '../context.ts'
import { tokens } from '../../shared/tokens.ts'

declare global {
  interface HTMLElementTagNameMap {
    'parley-attachment-list': ParleyAttachmentList
  }
}

interface AttachmentMeta {
  id: string
  messageRowId: string
  filename: string
  contentType: string
  size: number
}

const lists = new Map<string, { seq: number; list: Promise<AttachmentMeta[]> }>()

function listOf(get: (path: string) => Promise<AttachmentMeta[]>, conversationId: string, seq: number): Promise<AttachmentMeta[]> {
  const known = lists.get(conversationId)
  if (known && known.seq >= seq) return known.list
  const list = get(`/api/conversations/${conversationId}/attachments`).catch(() => [])
  lists.set(conversationId, { seq, list })
  return list
}

export class ParleyAttachmentList extends StoreElement {
  static override properties = {
    conversationId: { attribute: 'conversation-id' },
    messageId: { attribute: 'message-id' },
    seq: { type: Number },
    files: { state: true },
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
  declare seq: number
  declare files: AttachmentMeta[]

  constructor() {
    super()
    this.files = []
    this.seq = 0
  }

  protected override willUpdate(changed: PropertyValues): void {
    if ((changed.has('conversationId') || changed.has('seq')) && this.conversationId && this.hasStore) {
      const id = this.messageId
      void listOf((p) => this.store.api.get<AttachmentMeta[]>(p), this.conversationId, this.seq).then((all) => {
        if (id === this.messageId) this.files = all.filter((a) => a.messageRowId === id)
      })
    }
  }

  override render() {
    if (this.files.length === 0) return nothing
    const lang = this.hasStore ? this.store.lang : 'en'
    const size = (n: number) => new Intl.NumberFormat(lang, { style: 'unit', unit: n < 1024 * 1024 ? 'kilobyte' : 'megabyte', maximumFractionDigits: 1 }).format(n < 1024 * 1024 ? n / 1024 : n / 1024 / 1024)
    return html`<div class="files">
      ${this.files.map((f) => {
        const href = `/api/conversations/${this.conversationId}/messages/${this.messageId}/attachments/${f.id}`
        return f.contentType.startsWith('image/') && f.contentType !== 'image/svg+xml'
          ? html`<a href=${href} download=${f.filename} title=${`${f.filename} · ${size(f.size)}`}><img src=${href} alt=${f.filename} loading="lazy" /></a>`
          : html`<a class="file" href=${href} download=${f.filename}>${f.filename} · ${size(f.size)}</a>`
      })}
    </div>`
  }
}

customElements.define('parley-attachment-list', ParleyAttachmentList)
