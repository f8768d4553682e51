import { css } from 'lit'

export const messengerSettingsStyles = css`
  h1 {
    display: flex;
    gap: 10px;
    align-items: center;
  }
  .cards {
    display: grid;
    gap: var(--p-space-5);
    max-width: 860px;
  }
  .card-body,
  .page-item {
    display: grid;
    gap: var(--p-space-4);
  }
  .page-item + .page-item {
    border-top: 1px solid var(--p-border);
    padding-top: var(--p-space-5);
    margin-top: var(--p-space-2);
  }
  .page-head {
    display: flex;
    gap: var(--p-space-3);
    align-items: baseline;
    flex-wrap: wrap;
  }
  .page-head strong {
    font-size: var(--p-fs-l, 1.05rem);
  }
  .state {
    font-size: var(--p-fs-s);
    font-weight: 600;
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--p-surface);
    border: 1px solid var(--p-border);
  }
  .state.connected {
    color: var(--p-success);
    border-color: var(--p-success);
    background: var(--p-success-soft);
  }
  .state.failing,
  .state.expired {
    color: var(--p-danger);
    border-color: var(--p-danger);
  }
  .row {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 160px;
    gap: var(--p-space-3);
  }
  .copy-row {
    display: flex;
    gap: var(--p-space-2);
  }
  .copy-row .input {
    flex: 1;
    min-width: 0;
    font-family: var(--p-font-mono, ui-monospace, monospace);
    font-size: var(--p-fs-s);
  }
  .toggle {
    display: flex;
    gap: 8px;
    align-items: center;
    font-weight: 600;
    cursor: pointer;
  }
  .hint {
    font-weight: 400;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .status {
    padding: 10px 12px;
    border-radius: var(--p-radius-s);
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    display: flex;
    gap: 10px;
    align-items: center;
    max-width: 860px;
    box-sizing: border-box;
  }
  .status svg {
    flex: none;
  }
  .status.connected {
    border-color: var(--p-success);
    background: var(--p-success-soft);
  }
  .status.failing {
    border-color: var(--p-danger);
    color: var(--p-danger);
  }
  .page-error {
    color: var(--p-danger);
    font-size: var(--p-fs-s);
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
    flex-wrap: wrap;
  }
  details summary {
    cursor: pointer;
    color: var(--p-text-muted);
    font-size: var(--p-fs-s);
  }
  details[open] summary {
    margin-bottom: var(--p-space-3);
  }
  details .card-body {
    gap: var(--p-space-3);
  }
`
