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
    /* One column no wider than the screen: an auto track grew to the widest table or code line and
       pushed every card past a phone's edge (360 px). Wide tables scroll inside their .table-wrap. */
    grid-template-columns: minmax(0, 1fr);
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
  /* Positioned, so a header's screen-reader-only text (absolute) stays inside the scroller: outside
     it, it widened the whole document and a phone's page panned sideways. A table wider than the
     screen shows a soft shadow at the edge it continues past (the covers scroll with the table,
     the shadows stay): on a phone, where no scrollbar shows, that is the hint to swipe. Only
     background-* longhands, and after .card, so a .card's own background stays. */
  .table-wrap {
    overflow-x: auto;
    position: relative;
    background-image:
      linear-gradient(to right, var(--p-surface) 30%, rgba(255, 255, 255, 0)),
      linear-gradient(to left, var(--p-surface) 30%, rgba(255, 255, 255, 0)),
      radial-gradient(farthest-side at 0 50%, rgba(15, 23, 42, 0.2), rgba(15, 23, 42, 0)),
      radial-gradient(farthest-side at 100% 50%, rgba(15, 23, 42, 0.2), rgba(15, 23, 42, 0));
    background-position: left center, right center, left center, right center;
    background-repeat: no-repeat;
    background-size: 40px 100%, 40px 100%, 14px 100%, 14px 100%;
    background-attachment: local, local, scroll, scroll;
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
  /* On a phone a long label ("Aufzeichnungseinstellungen speichern", "Zapisz ustawienia domyślne
     zespołu") wraps inside its button instead of widening its card past the screen's edge. */
  @media (max-width: 600px) {
    .btn {
      white-space: normal;
      text-align: center;
      padding-top: 6px;
      padding-bottom: 6px;
    }
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
