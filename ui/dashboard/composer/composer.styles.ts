import { css } from 'lit'

export const composerStyles = css`
  :host {
    display: block;
    padding: var(--p-space-3) var(--p-space-4) var(--p-space-4);
    background: var(--p-surface);
    border-top: 1px solid var(--p-border);
  }
  .box {
    display: flex;
    align-items: flex-end;
    gap: var(--p-space-2);
    border: 1px solid var(--p-border-strong);
    border-radius: var(--p-radius);
    padding: 6px 6px 6px 12px;
    background: var(--p-surface);
  }
  .box:focus-within {
    border-color: var(--p-accent);
    box-shadow: var(--p-focus);
  }
  textarea {
    flex: 1;
    border: none;
    resize: none;
    outline: none;
    min-height: 24px;
    max-height: 200px;
    padding: 6px 0;
    line-height: 1.45;
    background: transparent;
  }
  textarea:focus-visible {
    box-shadow: none;
  }
  .btn.primary {
    min-height: 36px;
  }
  .hint {
    margin-top: 6px;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
`
