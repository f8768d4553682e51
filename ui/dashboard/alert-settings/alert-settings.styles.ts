import { css } from 'lit'

export const alertStyles = css`
  .card-body {
    display: grid;
    gap: var(--p-space-4);
    max-width: 640px;
  }
  .stack {
    display: grid;
    gap: var(--p-space-4);
  }
  .section-lead {
    margin: 0;
    color: var(--p-text-soft);
  }
  h3 {
    margin: var(--p-space-2) 0 0;
    font-size: var(--p-fs-m, 1rem);
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: var(--p-space-2) var(--p-space-3);
    border-bottom: 1px solid var(--p-border);
    vertical-align: top;
  }
  thead th {
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
  }
  th.toggle,
  td.toggle {
    text-align: center;
    /* As narrow as the heading's longest word: the event's name gets the rest. */
    width: 1%;
  }
  td.toggle input {
    width: 18px;
    height: 18px;
    margin: 2px 0 0;
    cursor: pointer;
  }
  tbody th {
    font-weight: 500;
  }
  tbody th .hint {
    display: block;
    font-weight: 400;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .volume {
    display: flex;
    align-items: center;
    gap: var(--p-space-3);
  }
  .volume input {
    flex: 1;
    max-width: 280px;
    accent-color: var(--p-accent, #4f46e5);
  }
  .volume output {
    min-width: 3.5ch;
    font-variant-numeric: tabular-nums;
    color: var(--p-text-soft);
  }
  .actions {
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
    flex-wrap: wrap;
  }
  .status {
    margin: 0;
    color: var(--p-text-soft);
  }
  @media (max-width: 600px) {
    th,
    td {
      padding: var(--p-space-2) 6px;
    }
    /* At 360 px the Polish headings and hints were a few pixels too wide for the card: long words
       are hyphenated (the page's lang is the agent's language) rather than cut off. */
    th {
      hyphens: auto;
      overflow-wrap: anywhere;
    }
  }
`
