import { css } from 'lit'

/** Shared by the owner's settings pages. */
export const pageStyles = css`
  :host {
    display: block;
    overflow-y: auto;
    min-height: 0;
    background: var(--p-bg);
  }
  .page {
    max-width: 980px;
    margin: 0 auto;
    padding: var(--p-space-6) var(--p-space-5);
    display: grid;
    gap: var(--p-space-5);
  }
  h1 {
    margin: 0;
    font-size: var(--p-fs-xl);
    letter-spacing: -0.01em;
  }
  .lead {
    margin: 4px 0 0;
    color: var(--p-text-soft);
  }
  .card {
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius);
    box-shadow: var(--p-shadow);
  }
  .card > h2 {
    margin: 0;
    padding: var(--p-space-4) var(--p-space-5);
    font-size: var(--p-fs-m);
    border-bottom: 1px solid var(--p-border);
  }
  .card-body {
    padding: var(--p-space-5);
  }
  .notice {
    padding: 10px 12px;
    border-radius: var(--p-radius-s);
    background: var(--p-success-soft);
    color: var(--p-success);
  }
  .alert {
    padding: 10px 12px;
    border-radius: var(--p-radius-s);
    background: var(--p-danger-soft);
    color: var(--p-danger);
  }
`

/** The owner pages' tables (agents, sessions, audit log). */
export const tableStyles = css`
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 12px var(--p-space-4);
    border-bottom: 1px solid var(--p-border);
    vertical-align: middle;
  }
  th {
    font-size: var(--p-fs-s);
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--p-text-muted);
    font-weight: 600;
  }
  tr:last-child td {
    border-bottom: none;
  }
`
