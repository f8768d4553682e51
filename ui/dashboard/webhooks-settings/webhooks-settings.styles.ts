import { css } from 'lit'

export const webhookStyles = css`
  :host {
    display: block;
  }
  .card-body {
    display: grid;
    gap: var(--p-space-4);
  }
  .hint {
    margin: 0;
    color: var(--p-text-soft);
    max-width: 70ch;
  }
  code {
    font-family: var(--p-mono);
    font-size: 12.5px;
  }
  form.add {
    display: grid;
    gap: var(--p-space-3);
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 6px 16px;
  }
  legend {
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
    margin-bottom: 4px;
  }
  fieldset label {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    font-family: var(--p-mono);
    font-size: 12.5px;
  }
  .error {
    color: var(--p-danger);
    font-size: var(--p-fs-s);
  }
  ul.hooks {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--p-space-3);
  }
  li.hook {
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius-s);
    padding: var(--p-space-3) var(--p-space-4);
    display: grid;
    gap: 8px;
  }
  .hook-head {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    justify-content: space-between;
  }
  .url {
    font-family: var(--p-mono);
    font-size: 13px;
    overflow-wrap: anywhere;
    font-weight: 600;
  }
  .events {
    color: var(--p-text-muted);
    font-family: var(--p-mono);
    font-size: 12px;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .secret {
    font-family: var(--p-mono);
    font-size: 13px;
    padding: 8px 10px;
    border: 1px solid #fcd34d;
    border-radius: var(--p-radius-s);
    background: var(--p-warning-soft);
    overflow-wrap: anywhere;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: var(--p-fs-s);
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--p-border);
    vertical-align: top;
  }
  th {
    color: var(--p-text-muted);
    font-weight: 600;
  }
  .pill {
    padding: 1px 8px;
    border-radius: 999px;
    white-space: nowrap;
  }
  .pill.sent {
    background: var(--p-success-soft);
    color: var(--p-success);
  }
  .pill.failed {
    background: var(--p-danger-soft);
    color: var(--p-danger);
  }
  .pill.queued {
    background: var(--p-warning-soft);
    color: var(--p-warning);
  }
  .off {
    color: var(--p-text-muted);
  }
`
