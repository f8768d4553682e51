import { css } from 'lit'

export const accountStyles = css`
  form.card-body {
    display: grid;
    gap: var(--p-space-4);
    max-width: 420px;
  }
  .actions {
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
    flex-wrap: wrap;
  }
  .hint {
    font-weight: 400;
    color: var(--p-text-muted);
  }
  .section-lead {
    margin: 0 0 var(--p-space-4);
    color: var(--p-text-soft);
  }
  td.device strong {
    display: block;
  }
  td.device span {
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  td.end {
    text-align: right;
    white-space: nowrap;
  }
  .pill {
    font-size: var(--p-fs-s);
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--p-success-soft);
    color: var(--p-success);
    white-space: nowrap;
  }
  .sessions-foot {
    padding: var(--p-space-4);
    border-top: 1px solid var(--p-border);
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
    justify-content: space-between;
    flex-wrap: wrap;
  }
`
