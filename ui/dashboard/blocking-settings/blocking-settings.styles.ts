import { css } from 'lit'

export const blockingStyles = css`
  .card-body {
    display: grid;
    gap: var(--p-space-4);
  }
  .hint {
    margin: 0;
    color: var(--p-text-soft);
    font-size: var(--p-fs-s);
    max-width: 70ch;
  }
  form.add {
    display: grid;
    grid-template-columns: minmax(200px, 1fr) minmax(200px, 1.4fr) auto;
    gap: var(--p-space-3);
    align-items: start;
  }
  form.add .submit {
    padding-top: 22px;
  }
  @media (max-width: 720px) {
    form.add {
      grid-template-columns: 1fr;
    }
    form.add .submit {
      padding-top: 0;
    }
  }
  label.field {
    display: grid;
    gap: 4px;
  }
  .error {
    color: var(--p-danger);
    font-size: var(--p-fs-s);
  }
  .mono {
    font-family: var(--p-mono);
    font-size: 13px;
  }
  td.reason {
    color: var(--p-text-soft);
    max-width: 32ch;
    overflow-wrap: anywhere;
  }
  td.when {
    white-space: nowrap;
    color: var(--p-text-soft);
  }
  td.actions {
    text-align: right;
  }
  .muted {
    color: var(--p-text-muted);
  }
  .empty {
    padding: var(--p-space-4) var(--p-space-5);
    color: var(--p-text-muted);
  }
`
