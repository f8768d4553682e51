import { css } from 'lit'

/** Sections, headings and fact lists shared by the visitor card and the elements inside it. */
export const cardStyles = css`
  section {
    padding: var(--p-space-4);
    border-bottom: 1px solid var(--p-border);
  }
  h3 {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 0 0 var(--p-space-3);
    font-size: var(--p-fs-s);
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--p-text-muted);
  }
  h3 .count {
    font-weight: 600;
    letter-spacing: 0;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--p-hover);
    color: var(--p-text-soft);
  }
  h3 .source {
    margin-left: auto;
    text-transform: none;
    letter-spacing: 0;
    font-weight: 500;
  }
  .facts {
    display: grid;
    grid-template-columns: minmax(72px, auto) minmax(0, 1fr);
    gap: 6px 12px;
    margin: 0;
    font-size: var(--p-fs-s);
  }
  .facts dt {
    color: var(--p-text-muted);
  }
  .facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  a {
    color: var(--p-accent-hover);
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  .url {
    display: block;
    color: var(--p-text-muted);
    font-size: var(--p-fs-s);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .hint {
    margin: 8px 0 0;
    font-size: 11px;
    line-height: 1.4;
    color: var(--p-text-muted);
  }
  .empty-line {
    margin: 0;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    font-size: 11px;
    font-weight: 600;
    padding: 1px 7px;
    border-radius: 999px;
    white-space: nowrap;
    text-transform: none;
    letter-spacing: 0;
  }
  .badge.open {
    background: var(--p-accent-soft);
    color: var(--p-accent-hover);
  }
  .badge.resolved,
  .badge.verified {
    background: var(--p-success-soft);
    color: var(--p-success);
  }
  .dot {
    display: inline-block;
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--p-offline);
    flex: none;
  }
  .dot.on {
    background: var(--p-online);
    box-shadow: 0 0 0 3px rgba(22, 163, 74, 0.15);
  }
`

export const panelStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow-y: auto;
    background: var(--p-surface);
    border-left: 1px solid var(--p-border);
  }
  /* Focused as a whole when it opens as a drawer (app.ts). */
  :host(:focus) {
    outline: none;
  }
  :host(:focus-visible) {
    outline: 2px solid var(--p-accent);
    outline-offset: -2px;
  }
  .head {
    display: flex;
    align-items: center;
    gap: var(--p-space-3);
    padding: var(--p-space-4);
    border-bottom: 1px solid var(--p-border);
  }
  .avatar {
    width: 44px;
    height: 44px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-weight: 700;
    color: #fff;
    flex: none;
  }
  .head h2 {
    margin: 0;
    font-size: var(--p-fs-m);
    overflow-wrap: anywhere;
  }
  .head p {
    margin: 0;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .presence.on {
    color: var(--p-success);
    font-weight: 600;
  }
  .presence.on::before {
    content: '';
    display: inline-block;
    width: 7px;
    height: 7px;
    margin-right: 4px;
    border-radius: 50%;
    background: var(--p-online);
    vertical-align: 1px;
  }
  dl {
    margin: 0;
    display: grid;
    gap: var(--p-space-3);
  }
  .row dt {
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    margin-bottom: 2px;
  }
  .row dd {
    margin: 0;
  }
  .value {
    display: flex;
    align-items: center;
    gap: 4px;
    min-height: 30px;
    padding: 4px 8px;
    margin: 0 -8px;
    border: 1px solid transparent;
    border-radius: var(--p-radius-s);
    background: none;
    width: calc(100% + 16px);
    text-align: left;
    cursor: text;
    overflow-wrap: anywhere;
  }
  .value:hover {
    border-color: var(--p-border);
    background: var(--p-surface-2);
  }
  .value .pen {
    margin-left: auto;
    color: var(--p-text-muted);
    opacity: 0;
  }
  .value:hover .pen,
  .value:focus-visible .pen {
    opacity: 1;
  }
  .unset {
    color: var(--p-text-muted);
    font-style: italic;
  }
  .edit {
    display: grid;
    gap: 6px;
  }
  .edit .buttons {
    display: flex;
    gap: 6px;
  }
  textarea.input {
    min-height: 90px;
    resize: vertical;
  }
  .note-meta {
    margin-top: 6px;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .note-actions {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-top: 8px;
  }
  .saved {
    color: var(--p-success);
    font-size: var(--p-fs-s);
  }
  .empty {
    padding: var(--p-space-5);
    color: var(--p-text-muted);
    text-align: center;
  }
  .head .name {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 4px 8px;
  }
  .reach {
    display: flex;
    gap: 6px;
    align-items: flex-start;
    margin-top: 4px;
    font-size: var(--p-fs-s);
    color: var(--p-text-soft);
  }
  .reach .icon {
    flex: none;
    margin-top: 1px;
  }
  .reach.yes .icon {
    color: var(--p-success);
  }
  .reach.no .icon {
    color: var(--p-text-muted);
  }
  .mono {
    font-family: var(--p-mono);
    font-size: 12px;
  }
  .flag {
    margin-right: 5px;
  }
  .flag.cc {
    display: inline-block;
    padding: 0 4px;
    border: 1px solid var(--p-border-strong);
    border-radius: 3px;
    font: 600 10px/14px var(--p-mono);
    color: var(--p-text-soft);
    vertical-align: 1px;
  }
  .customer dd {
    font-weight: 500;
  }
`
