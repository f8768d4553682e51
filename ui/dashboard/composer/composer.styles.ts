import { css } from 'lit'

export const composerStyles = css`
  :host {
    display: block;
    padding: var(--p-space-3) var(--p-space-4) var(--p-space-4);
    background: var(--p-surface);
    border-top: 1px solid var(--p-border);
  }
  .box {
    position: relative;
    border: 1px solid var(--p-border-strong);
    border-radius: var(--p-radius);
    padding: 6px 6px 6px 6px;
    background: var(--p-surface);
  }
  .row {
    display: flex;
    align-items: flex-end;
    gap: var(--p-space-2);
  }
  .box.dragging {
    border-color: var(--p-accent);
    border-style: dashed;
  }
  .drop {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    border-radius: var(--p-radius);
    background: var(--p-surface);
    color: var(--p-accent);
    font-weight: 600;
    pointer-events: none;
  }
  /* the file input covers the clip, invisible, so it stays a real, focusable control */
  .attach {
    position: relative;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 36px;
    height: 36px;
    flex: none;
    border-radius: var(--p-radius-s);
    color: var(--p-text-muted);
    cursor: pointer;
  }
  .attach:hover {
    color: var(--p-text);
    background: var(--p-surface-2, rgba(0, 0, 0, 0.04));
  }
  .attach:focus-within {
    box-shadow: var(--p-focus);
    color: var(--p-text);
  }
  .attach input {
    position: absolute;
    inset: 0;
    opacity: 0;
    cursor: pointer;
    width: 100%;
    height: 100%;
  }
  .chips {
    list-style: none;
    margin: 0 0 6px;
    padding: 0 0 6px;
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    border-bottom: 1px solid var(--p-border);
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    max-width: 100%;
    padding: 3px 4px 3px 10px;
    border: 1px solid var(--p-border);
    border-radius: 999px;
    background: var(--p-surface-2, #f4f5f7);
    font-size: var(--p-fs-s);
  }
  .chip .name {
    max-width: 220px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 500;
  }
  .chip .size {
    color: var(--p-text-muted);
  }
  .chip progress {
    width: 64px;
    height: 6px;
    accent-color: var(--p-accent);
  }
  .chip.failed {
    border-color: var(--p-danger, #b42318);
    background: var(--p-danger-soft, #fef3f2);
  }
  .chip .error {
    color: var(--p-danger, #b42318);
  }
  .chip .remove {
    width: 24px;
    height: 24px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: var(--p-text-muted);
    font-size: 16px;
    line-height: 1;
    cursor: pointer;
  }
  .chip .remove:hover,
  .chip .remove:focus-visible {
    background: rgba(0, 0, 0, 0.08);
    color: var(--p-text);
  }
  .notice {
    margin-top: 6px;
    font-size: var(--p-fs-s);
    color: var(--p-danger, #b42318);
  }
  .box:focus-within {
    border-color: var(--p-accent);
    box-shadow: var(--p-focus);
  }
  textarea {
    flex: 1;
    align-self: center;
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
