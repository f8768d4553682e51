import { LitElement, html } from 'lit'
import { tokens, controls } from '../../shared/tokens.ts'
import { sendIcon } from '../icons.ts'
import { composerStyles } from './composer.styles.ts'

/** The agent pressed Enter (or Send) with some text. */
export class ComposerSendEvent extends Event {
  static readonly type = 'parley-send'
  constructor(readonly body: string) {
    super(ComposerSendEvent.type, { bubbles: true, composed: true })
  }
}

/** The agent started or stopped typing (sent on to the visitor's widget). */
export class ComposerTypingEvent extends Event {
  static readonly type = 'parley-typing'
  constructor(readonly typing: boolean) {
    super(ComposerTypingEvent.type, { bubbles: true, composed: true })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
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
  }
  static override styles = [tokens, controls, composerStyles]

  declare conversationId: string
  declare placeholder: string
  declare hint: string
  declare sendLabel: string
  declare label: string

  private drafts = new Map<string, string>()
  private typingSentAt = 0
  private idleTimer: ReturnType<typeof setTimeout> | null = null

  constructor() {
    super()
    this.conversationId = ''
    this.placeholder = ''
    this.hint = ''
    this.sendLabel = 'Send'
    this.label = ''
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
      this.stopTyping()
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
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault()
      this.send()
    }
  }

  send(): void {
    const ta = this.textarea
    if (!ta) return
    const body = ta.value.trim()
    if (!body) return
    this.stopTyping()
    this.dispatchEvent(new ComposerSendEvent(body))
    ta.value = ''
    this.drafts.delete(this.conversationId)
    this.autosize()
    ta.focus()
  }

  override render() {
    return html`
      <div class="box">
        <textarea rows="1" aria-label=${this.label || this.placeholder} placeholder=${this.placeholder} aria-describedby="hint"
          @input=${this.onInput} @keydown=${this.onKeydown}></textarea>
        <button class="btn primary" type="button" @click=${() => this.send()} aria-label=${this.sendLabel}>${sendIcon()} ${this.sendLabel}</button>
      </div>
      <div class="hint" id="hint">${this.hint}</div>
    `
  }
}

customElements.define('parley-composer', ParleyComposer)
