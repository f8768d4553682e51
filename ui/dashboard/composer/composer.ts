import { LitElement, html, nothing } from 'lit'
import type { Attachment } from '../../../server/realtime/wire.ts'
import type { ApiClient } from '../../shared/api.ts'
import type { SessionStore } from '../stores/session.ts'
import { tokens, controls } from '../../shared/tokens.ts'
import { sendIcon, paperclipIcon } from '../icons.ts'
import { fileSize } from '../attachment-list/attachment-list.ts'
import { composerStyles } from './composer.styles.ts'
// #16 notes, mentions and canned responses
import { fillPlaceholders, filterAgents, filterCanned, triggerAt, type Fill, type Trigger } from './suggest.ts'
import { noteStyles, lockIcon } from './note-mode.styles.ts'

/** #16: the words of the Reply / Note switch and the pickers, in the agent's language. */
export interface ComposerLabels {
  modeLabel: string
  reply: string
  note: string
  notePlaceholder: string
  noteHint: string
  addNote: string
  onlyAgents: string
  cannedLabel: string
  mentionLabel: string
  noMatch: string
}

type Suggestion =
  | { kind: 'canned'; id: string; label: string; detail: string; insert: string }
  | { kind: 'mention'; id: string; label: string; detail: string; insert: string }

import { MAX_FILE_BYTES, MAX_FILES, UploadError, uploadFile, type UploadHandle } from './uploads.ts'

/**
 * The agent pressed Enter (or Send) with some text, some uploaded files, or both; `note`: a private
 * note (#16), which carries no files.
 */
export class ComposerSendEvent extends Event {
  static readonly type = 'parley-send'
  constructor(
    readonly body: string,
    readonly attachments: Attachment[] = [],
    readonly note = false,
  ) {
    super(ComposerSendEvent.type, { bubbles: true, composed: true })
  }
}

/** A file chosen for the next reply: uploading, uploaded, or refused (then only removable). */
interface Chip {
  key: string
  name: string
  size: number
  state: 'uploading' | 'done' | 'failed'
  progress: number
  upload: Attachment | null
  error: string | null
  handle: UploadHandle | null
}

/** What the composer says for an upload the server (or the browser) refused. */
const UPLOAD_ERRORS: Record<string, 'composer.fileTooLarge' | 'composer.fileEmpty' | 'composer.fileType' | 'composer.tooManyFiles'> = {
  'attachment.too_large': 'composer.fileTooLarge',
  'request.too_large': 'composer.fileTooLarge',
  // a body past the server's own cap may be refused before Parley can answer in JSON
  'http.413': 'composer.fileTooLarge',
  'attachment.empty': 'composer.fileEmpty',
  'attachment.bad_type': 'composer.fileType',
  'attachment.type_mismatch': 'composer.fileType',
  'attachment.too_many_pending': 'composer.tooManyFiles',
}

/** The agent started or stopped typing (sent on to the visitor's widget). */
export class ComposerTypingEvent extends Event {
  static readonly type = 'parley-typing'
  constructor(readonly typing: boolean) {
    super(ComposerTypingEvent.type, { bubbles: true, composed: true })
  }
}

/** #16: the composer switched between a reply and a private note. */
export class ComposerModeEvent extends Event {
  static readonly type = 'parley-composer-mode'
  constructor(readonly note: boolean) {
    super(ComposerModeEvent.type, { bubbles: true, composed: true })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'parley-composer-mode': ComposerModeEvent
    'parley-send': ComposerSendEvent
    'parley-typing': ComposerTypingEvent
  }
  interface HTMLElementTagNameMap {
    'parley-composer': ParleyComposer
  }
}

const TYPING_REFRESH_MS = 3000
const TYPING_IDLE_MS = 4000

/**
 * A growing textarea: Enter sends, Shift+Enter starts a new line (and Enter while an IME is
 * composing does not send). Drafts are kept per conversation while the page is open.
 */
export class ParleyComposer extends LitElement {
  static override properties = {
    conversationId: { attribute: 'conversation-id' },
    placeholder: {},
    hint: {},
    sendLabel: { attribute: 'send-label' },
    label: {},
    // #16
    labels: { attribute: false },
    canned: { attribute: false },
    agents: { attribute: false },
    fill: { attribute: false },
    noteMode: { state: true },
    picker: { state: true },
    api: { attribute: false },
    t: { attribute: false },
    chips: { state: true },
    dragging: { state: true },
    notice: { state: true },
  }
  static override styles = [tokens, controls, composerStyles, noteStyles]

  declare conversationId: string
  declare placeholder: string
  declare hint: string
  declare sendLabel: string
  declare label: string
  // #16
  declare labels: ComposerLabels | null
  declare canned: readonly { id: string; shortcut: string; body: string }[]
  declare agents: readonly { id: string; name: string }[]
  declare fill: Fill | null
  declare noteMode: boolean
  declare picker: { trigger: Trigger; items: Suggestion[]; active: number } | null
  /** For uploads: the dashboard's API client (its base and CSRF token); without it no files can be attached. */
  declare api: ApiClient | null
  declare t: SessionStore['t'] | null
  declare chips: Chip[]
  declare dragging: boolean
  /** A refusal that concerns no single file (too many files). */
  declare notice: string | null

  private drafts = new Map<string, string>()
  /** Files chosen per conversation while the page is open, like the drafts. */
  private files = new Map<string, Chip[]>()
  private chipSeq = 0
  private typingSentAt = 0
  private idleTimer: ReturnType<typeof setTimeout> | null = null

  constructor() {
    super()
    this.conversationId = ''
    this.placeholder = ''
    this.hint = ''
    this.sendLabel = 'Send'
    this.label = ''
    this.labels = null
    this.canned = []
    this.agents = []
    this.fill = null
    this.noteMode = false
    this.picker = null
    this.api = null
    this.t = null
    this.chips = []
    this.dragging = false
    this.notice = null
  }

  private get textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea')
  }

  override focus(): void {
    this.textarea?.focus()
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('conversationId')) {
      const previous = changed.get('conversationId') as string | undefined
      if (previous && this.textarea) this.drafts.set(previous, this.textarea.value)
      if (previous) this.files.set(previous, this.chips)
      this.chips = this.files.get(this.conversationId) ?? []
      this.notice = null
      this.stopTyping()
      // #16: another conversation starts as a reply, so a note is never written into it unawares
      if (this.noteMode) this.dispatchEvent(new ComposerModeEvent(false))
      this.noteMode = false
      this.picker = null
    } else if (this.picker && (changed.has('canned') || changed.has('agents'))) {
      // The list arrived (canned responses load on the first "/") or changed while the picker is
      // open: what it offers follows, without waiting for the next key.
      this.updatePicker()
    }
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('conversationId') && this.textarea) {
      this.textarea.value = this.drafts.get(this.conversationId) ?? ''
      this.autosize()
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.stopTyping()
  }

  private autosize() {
    const ta = this.textarea
    if (!ta) return
    ta.style.height = 'auto'
    ta.style.height = `${Math.min(ta.scrollHeight, 200)}px`
  }

  private onInput() {
    this.autosize()
    this.updatePicker()
    // #16: writing a note is not typing to the visitor
    if (this.noteMode) return
    const now = Date.now()
    if (now - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingSentAt = now
      this.dispatchEvent(new ComposerTypingEvent(true))
    }
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS)
  }

  private stopTyping() {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    if (this.typingSentAt !== 0) {
      this.typingSentAt = 0
      this.dispatchEvent(new ComposerTypingEvent(false))
    }
  }

  private onKeydown(e: KeyboardEvent) {
    if (this.picker && this.pickerKey(e)) return
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault()
      this.send()
    }
  }

  /** Files still on their way up: the reply waits for them. */
  get uploading(): boolean {
    return this.chips.some((c) => c.state === 'uploading')
  }

  send(): void {
    const ta = this.textarea
    if (!ta) return
    const body = ta.value.trim()
    if (this.uploading && !this.noteMode) {
      this.notice = this.t?.('composer.waitForUploads') ?? null
      return
    }
    const files = this.noteMode ? [] : this.chips.filter((c) => c.state === 'done').map((c) => c.upload!)
    if (!body && files.length === 0) return
    this.stopTyping()
    this.dispatchEvent(new ComposerSendEvent(body, files, this.noteMode))
    this.picker = null
    ta.value = ''
    this.drafts.delete(this.conversationId)
    if (!this.noteMode) this.setChips([])
    this.notice = null
    this.autosize()
    ta.focus()
  }

  // #16 the Reply / Note switch and the pickers ----------------------------------------------

  setNoteMode(note: boolean): void {
    if (note && !this.noteMode) this.stopTyping()
    if (note !== this.noteMode) this.dispatchEvent(new ComposerModeEvent(note))
    this.noteMode = note
    this.updatePicker()
    this.textarea?.focus()
  }

  private updatePicker() {
    const ta = this.textarea
    if (!ta || !this.labels) return
    const trigger = triggerAt(ta.value, ta.selectionStart ?? ta.value.length, this.noteMode)
    if (!trigger) {
      this.picker = null
      return
    }
    const items: Suggestion[] =
      trigger.kind === 'canned'
        ? filterCanned(this.canned, trigger.query).map((c) => ({
            kind: 'canned',
            id: c.id,
            label: `/${c.shortcut}`,
            detail: c.body,
            insert: this.fill ? fillPlaceholders(c.body, this.fill) : c.body,
          }))
        : filterAgents(this.agents, trigger.query).map((a) => ({ kind: 'mention', id: a.id, label: `@${a.name}`, detail: '', insert: `@${a.name} ` }))
    // A mention query that matches nobody after a space is ordinary text ("@Ann said").
    if (trigger.kind === 'mention' && items.length === 0 && trigger.query.includes(' ')) {
      this.picker = null
      return
    }
    const active = this.picker && this.picker.trigger.kind === trigger.kind ? Math.min(this.picker.active, Math.max(items.length - 1, 0)) : 0
    this.picker = { trigger, items, active }
  }

  /** Arrows move, Enter or Tab inserts, Escape closes; true when the key was the picker's. */
  private pickerKey(e: KeyboardEvent): boolean {
    const p = this.picker!
    const n = p.items.length
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      this.picker = null
      return true
    }
    if (n === 0) return false
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      this.picker = { ...p, active: (p.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n }
      return true
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
      e.preventDefault()
      this.choose(p.items[p.active]!)
      return true
    }
    return false
  }

  private choose(item: Suggestion) {
    const ta = this.textarea
    const p = this.picker
    if (!ta || !p) return
    const caret = ta.selectionStart ?? ta.value.length
    ta.value = ta.value.slice(0, p.trigger.start) + item.insert + ta.value.slice(caret)
    const at = p.trigger.start + item.insert.length
    ta.setSelectionRange(at, at)
    this.picker = null
    this.autosize()
    ta.focus()
  }

  private renderPicker() {
    const p = this.picker
    const l = this.labels
    if (!p || !l) return nothing
    const label = p.trigger.kind === 'canned' ? l.cannedLabel : l.mentionLabel
    return html`<div class="picker" data-picker=${p.trigger.kind}>
      <p class="picker-title" id="picker-title">${label}</p>
      ${p.items.length === 0
        ? html`<p class="picker-empty" role="status">${l.noMatch}</p>`
        : html`<ul id="picker" role="listbox" aria-labelledby="picker-title">
            ${p.items.map(
              (item, i) => html`<li id=${`pick-${i}`} role="option" aria-selected=${i === p.active ? 'true' : 'false'}
                class=${i === p.active ? 'active' : ''} data-id=${item.id}
                @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.choose(item)}>
                <span class="pick-label">${item.label}</span>${item.detail ? html`<span class="pick-detail">${item.detail}</span>` : nothing}
              </li>`,
            )}
          </ul>`}
    </div>`
  }

  private renderSwitch() {
    const l = this.labels
    if (!l) return nothing
    return html`<div class="mode" role="group" aria-label=${l.modeLabel}>
      <button type="button" class="mode-btn" data-mode="reply" aria-pressed=${this.noteMode ? 'false' : 'true'} @click=${() => this.setNoteMode(false)}>${l.reply}</button>
      <button type="button" class="mode-btn" data-mode="note" aria-pressed=${this.noteMode ? 'true' : 'false'} @click=${() => this.setNoteMode(true)}>${lockIcon()} ${l.note}</button>
      ${this.noteMode ? html`<span class="only-agents">${lockIcon()} ${l.onlyAgents}</span>` : nothing}
    </div>`
  }

  private setChips(chips: Chip[]) {
    this.chips = chips
    this.files.set(this.conversationId, chips)
  }

  /** Chosen, dropped or pasted files: each is checked, then uploaded on its own. */
  addFiles(list: Iterable<File>): void {
    const api = this.api
    if (!api || !this.conversationId || this.noteMode) return
    const conversationId = this.conversationId
    const incoming = [...list]
    const room = MAX_FILES - this.chips.filter((c) => c.state !== 'failed').length
    this.notice = incoming.length > room ? (this.t?.('composer.tooManyFiles') ?? null) : null
    const added: Chip[] = []
    for (const file of incoming.slice(0, Math.max(room, 0))) {
      const chip: Chip = { key: `f${++this.chipSeq}`, name: file.name || 'file', size: file.size, state: 'uploading', progress: 0, upload: null, error: null, handle: null }
      added.push(chip)
      if (file.size > MAX_FILE_BYTES || file.size === 0) {
        Object.assign(chip, { state: 'failed', error: this.uploadMessage(file.size === 0 ? 'attachment.empty' : 'attachment.too_large') })
        continue
      }
      chip.handle = uploadFile({
        base: api.base,
        csrfToken: api.csrfToken,
        conversationId,
        file,
        progress: (f) => this.updateChip(conversationId, chip.key, { progress: f }),
      })
      chip.handle.done.then(
        (upload) => this.updateChip(conversationId, chip.key, { state: 'done', progress: 1, upload, handle: null }),
        (e: unknown) => {
          if (e instanceof UploadError && e.code === 'aborted') return
          this.updateChip(conversationId, chip.key, { state: 'failed', error: this.uploadMessage(e instanceof UploadError ? e.code : 'other'), handle: null })
        },
      )
    }
    if (added.length) this.setChips([...this.chips, ...added])
  }

  private uploadMessage(code: string): string {
    const t = this.t
    if (!t) return code
    const key = UPLOAD_ERRORS[code]
    return key ? t(key, { max: '10 MB' }) : t('composer.fileFailed')
  }

  /** A chip changed: in the conversation shown, or in one kept aside for later. */
  private updateChip(conversationId: string, key: string, change: Partial<Chip>) {
    const apply = (list: Chip[]) => list.map((c) => (c.key === key ? { ...c, ...change } : c))
    if (conversationId === this.conversationId) this.setChips(apply(this.chips))
    else this.files.set(conversationId, apply(this.files.get(conversationId) ?? []))
  }

  private removeChip(chip: Chip) {
    chip.handle?.abort()
    // The server would delete it within the hour anyway; asked now so it does not count against the agent.
    if (chip.upload && this.api) void this.api.delete(`/api/conversations/${this.conversationId}/uploads/${chip.upload.id}`).catch(() => {})
    this.setChips(this.chips.filter((c) => c.key !== chip.key))
    this.notice = null
    this.textarea?.focus()
  }

  private onPaste(e: ClipboardEvent) {
    const files = [...(e.clipboardData?.files ?? [])]
    if (files.length && this.api) {
      e.preventDefault()
      this.addFiles(files)
    }
  }

  private onDragOver(e: DragEvent) {
    if (!this.api || !e.dataTransfer?.types.includes('Files')) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    this.dragging = true
  }

  private onDrop(e: DragEvent) {
    this.dragging = false
    if (!this.api || !e.dataTransfer?.files.length) return
    e.preventDefault()
    this.addFiles(e.dataTransfer.files)
  }

  private onPick(e: Event) {
    const input = e.target as HTMLInputElement
    if (input.files) this.addFiles(input.files)
    input.value = ''
  }

  private chip(c: Chip) {
    const t = this.t
    const lang = document.documentElement.lang || 'en'
    const percent = Math.round(c.progress * 100)
    return html`<li class="chip ${c.state}" data-state=${c.state}>
      <span class="name" title=${c.name}>${c.name}</span>
      <span class="size">${fileSize(c.size, lang)}</span>
      ${c.state === 'uploading'
        ? html`<progress max="100" value=${percent} aria-label=${t?.('composer.uploading', { name: c.name }) ?? c.name}></progress>`
        : nothing}
      ${c.state === 'failed' ? html`<span class="error" role="alert">${c.error}</span>` : nothing}
      <button class="remove" type="button" aria-label=${t?.('composer.removeFile', { name: c.name }) ?? 'Remove'} @click=${() => this.removeChip(c)}>×</button>
    </li>`
  }

  override render() {
    const l = this.labels
    const note = this.noteMode && l !== null
    const placeholder = note ? l.notePlaceholder : this.placeholder
    const active = this.picker && this.picker.items.length > 0 ? `pick-${this.picker.active}` : ''
    const t = this.t
    // Notes carry no files: the chips wait for the next reply.
    const canAttach = Boolean(this.api && t) && !note
    return html`
      ${this.renderSwitch()}
      ${this.renderPicker()}
      <div class="box ${note ? 'note' : ''} ${this.dragging ? 'dragging' : ''}" @dragover=${this.onDragOver} @dragleave=${() => (this.dragging = false)} @drop=${this.onDrop}>
        ${!note && this.chips.length
          ? html`<ul class="chips" aria-label=${t?.('composer.files') ?? ''}>${this.chips.map((c) => this.chip(c))}</ul>`
          : nothing}
        <div class="row">
          ${canAttach
            ? html`<label class="attach" title=${t!('composer.attach')}>
                <input type="file" multiple @change=${this.onPick} aria-label=${t!('composer.attach')} />
                ${paperclipIcon(18)}
              </label>`
            : nothing}
          <textarea rows="1" dir="auto" aria-label=${note ? l.notePlaceholder : this.label || this.placeholder} placeholder=${placeholder} aria-describedby="hint"
            aria-autocomplete=${l ? 'list' : nothing} aria-controls=${active ? 'picker' : nothing} aria-activedescendant=${active || nothing}
            @input=${this.onInput} @keydown=${this.onKeydown} @paste=${this.onPaste} @click=${() => this.updatePicker()}
            @blur=${() => (this.picker = null)}></textarea>
          <button class="btn primary" type="button" @click=${() => this.send()} aria-label=${note ? l.addNote : this.sendLabel}>${note ? lockIcon() : sendIcon()} ${note ? l.addNote : this.sendLabel}</button>
        </div>
        ${this.dragging && t && !note ? html`<div class="drop" aria-hidden="true">${t('composer.dropHere')}</div>` : nothing}
      </div>
      ${this.notice ? html`<div class="notice" role="alert">${this.notice}</div>` : nothing}
      <div class="hint" id="hint" aria-live="polite">${note ? l.noteHint : this.uploading && t ? t('composer.waitForUploads') : this.hint}</div>
    `
  }
}

customElements.define('parley-composer', ParleyComposer)
