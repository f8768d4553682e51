// #16: how a note looks while it is written (yellow, with a lock), and the pickers above the box.
import { css, html, svg } from 'lit'

export const lockIcon = (size = 14) =>
  html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3"/>`}</svg>`

export const noteStyles = css`
  :host {
    position: relative;
  }
  .mode {
    display: flex;
    align-items: center;
    gap: 4px;
    margin-bottom: 6px;
  }
  .mode-btn {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font: inherit;
    font-size: var(--p-fs-s);
    font-weight: 600;
    padding: 4px 10px;
    border-radius: 999px;
    border: 1px solid var(--p-border-strong);
    background: var(--p-surface);
    color: var(--p-text-muted);
    cursor: pointer;
  }
  .mode-btn[aria-pressed='true'] {
    background: var(--p-accent);
    border-color: var(--p-accent);
    color: #fff;
  }
  .mode-btn[data-mode='note'][aria-pressed='true'] {
    background: #fde68a;
    border-color: #d97706;
    color: #78350f;
  }
  .mode-btn:focus-visible {
    outline: none;
    box-shadow: var(--p-focus);
  }
  .only-agents {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    margin-left: auto;
    font-size: var(--p-fs-s);
    color: #78350f;
  }
  .box.note {
    background: #fef9c3;
    border-color: #d97706;
  }
  .box.note:focus-within {
    border-color: #b45309;
  }
  .box.note .btn.primary {
    background: #b45309;
    border-color: #b45309;
  }
  .picker {
    position: absolute;
    left: var(--p-space-4);
    right: var(--p-space-4);
    bottom: calc(100% - 8px);
    z-index: 5;
    max-height: 260px;
    overflow: auto;
    background: var(--p-surface);
    border: 1px solid var(--p-border-strong);
    border-radius: var(--p-radius);
    box-shadow: 0 8px 24px rgb(15 23 42 / 0.16);
    padding: 4px;
  }
  .picker-title {
    margin: 4px 8px;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-muted);
  }
  .picker-empty {
    margin: 4px 8px 8px;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .picker ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .picker li {
    display: flex;
    gap: 10px;
    align-items: baseline;
    padding: 6px 8px;
    border-radius: 6px;
    cursor: pointer;
  }
  .picker li.active {
    background: var(--p-accent-soft, #eef2ff);
    box-shadow: inset 3px 0 0 var(--p-accent);
  }
  .pick-label {
    font-weight: 600;
    white-space: nowrap;
  }
  .pick-detail {
    color: var(--p-text-muted);
    font-size: var(--p-fs-s);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
  }
`
