import { css } from 'lit'

export const panelStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow-y: auto;
    background: var(--p-surface);
    border-left: 1px solid var(--p-border);
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
  section {
    padding: var(--p-space-4);
    border-bottom: 1px solid var(--p-border);
  }
  h3 {
    margin: 0 0 var(--p-space-3);
    font-size: var(--p-fs-s);
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--p-text-muted);
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
  .facts {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 6px 12px;
    font-size: var(--p-fs-s);
  }
  .facts dt {
    color: var(--p-text-muted);
  }
  .facts dd {
    margin: 0;
  }
`
