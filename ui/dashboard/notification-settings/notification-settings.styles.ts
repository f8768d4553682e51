import { css } from 'lit'

export const notificationStyles = css`
  /* Two cards (e-mail notifications, and the owner's waiting times) in one grid cell of the page. */
  :host {
    display: grid;
    /* No wider than the page's column (an auto track grew to its widest line on a phone). */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--p-space-5);
  }
  .card-body {
    display: grid;
    gap: var(--p-space-4);
    max-width: 520px;
  }
  .stack {
    display: grid;
    gap: var(--p-space-4);
  }
  .choice {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px var(--p-space-3);
    align-items: start;
    cursor: pointer;
  }
  .choice input {
    margin-top: 3px;
  }
  .choice .hint {
    grid-column: 2;
    font-weight: 400;
    color: var(--p-text-muted);
  }
  .actions {
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
    flex-wrap: wrap;
  }
  h3 {
    margin: var(--p-space-2) 0 0;
    font-size: var(--p-fs-m, 1rem);
  }
  .section-lead {
    margin: 0;
    color: var(--p-text-soft);
  }
`
