import { css } from 'lit'
import { visuallyHidden } from '../../shared/tokens.ts'

export const appStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100vh;
    background: var(--p-bg);
  }
  .top {
    display: flex;
    align-items: center;
    gap: var(--p-space-4);
    height: 52px;
    padding: 0 var(--p-space-4);
    background: #111827;
    color: #f9fafb;
    flex: none;
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 8px;
    font-weight: 700;
    font-size: var(--p-fs-m);
    color: inherit;
    text-decoration: none;
    margin-right: var(--p-space-2);
  }
  nav {
    display: flex;
    gap: 2px;
    flex: 1;
    min-width: 0;
    /* Never under the status switch: a row too narrow scrolls instead. */
    overflow-x: auto;
    scrollbar-width: none;
  }
  nav a {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 6px 10px;
    border-radius: var(--p-radius-s);
    color: #cbd5e1;
    text-decoration: none;
    font-weight: 500;
    white-space: nowrap;
  }
  .skip {
    position: absolute;
    left: var(--p-space-2);
    top: -60px;
    z-index: 100;
    padding: 8px 12px;
    background: var(--p-surface);
    color: var(--p-text);
    border-radius: var(--p-radius-s);
    font-weight: 600;
    text-decoration: none;
  }
  .skip:focus {
    top: 8px;
  }
  main:focus {
    outline: none;
    box-shadow: none;
  }
  .top a:focus-visible {
    box-shadow: var(--p-focus-dark);
  }
  /* Inside the link: the navigation clips what overflows it (it measures itself to fit). */
  .top nav a:focus-visible {
    box-shadow: inset var(--p-focus-dark);
  }
  nav.compact a span {
    display: none;
  }
  nav a:hover {
    background: rgba(255, 255, 255, 0.08);
    color: #fff;
  }
  nav a[aria-current='page'] {
    background: rgba(255, 255, 255, 0.14);
    color: #fff;
  }
  .banner {
    padding: 6px var(--p-space-4);
    background: var(--p-warning-soft);
    color: var(--p-warning);
    font-size: var(--p-fs-s);
    font-weight: 600;
    text-align: center;
    flex: none;
  }
  .inbox {
    flex: 1;
    min-height: 0;
    display: grid;
    grid-template-columns: 340px minmax(0, 1fr) 300px;
  }
  .inbox.no-panel {
    grid-template-columns: 340px minmax(0, 1fr);
  }
  .inbox.no-panel parley-visitor-panel {
    display: none;
  }
  main.page {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  main.page > * {
    flex: 1;
  }
  .center {
    flex: 1;
    display: grid;
    place-items: center;
    color: var(--p-text-muted);
  }
  .scrim {
    display: none;
  }
  .sr-only {
    ${visuallyHidden}
  }
  /* Labels go before the links would run into the status switch (ten of them for the owner now). */
  @media (max-width: 1180px) {
    nav a span {
      display: none;
    }
  }
  /* 800–1100px: the visitor panel becomes a drawer over the thread. */
  @media (max-width: 1100px) {
    .inbox,
    .inbox.no-panel {
      grid-template-columns: 300px minmax(0, 1fr);
      position: relative;
    }
    .inbox parley-visitor-panel {
      display: none;
    }
    .inbox.drawer parley-visitor-panel {
      display: flex;
      position: absolute;
      top: 0;
      right: 0;
      bottom: 0;
      width: min(320px, 90%);
      z-index: 10;
      box-shadow: var(--p-shadow-l);
    }
    .inbox.drawer .scrim {
      display: block;
      position: absolute;
      inset: 0;
      background: rgba(15, 23, 42, 0.25);
      z-index: 9;
    }
  }
  /* Phones: one column at a time. */
  @media (max-width: 700px) {
    .inbox,
    .inbox.no-panel {
      grid-template-columns: 1fr;
    }
    .inbox.has-selection parley-conversation-list,
    .inbox:not(.has-selection) parley-thread {
      display: none;
    }
    .top {
      gap: 4px var(--p-space-2);
      padding: 6px var(--p-space-2);
    }
    .brand span {
      display: none;
    }
    nav a {
      padding: 6px 8px;
    }
  }
  /* Brand, status and account on the first row, the navigation on its own row below, wherever the
     owner's ten links (even as icons) would not fit beside the status switch and the account:
     side by side they ran under the switch. */
  @media (max-width: 1024px) {
    .top {
      flex-wrap: wrap;
      height: auto;
      row-gap: 4px;
      padding-top: 6px;
      padding-bottom: 6px;
    }
    .top parley-status-switch {
      margin-left: auto;
    }
    nav {
      order: 3;
      flex-basis: 100%;
      overflow-x: auto;
    }
    nav a span {
      display: none;
    }
  }
`
