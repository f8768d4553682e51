import { css } from 'lit'

export const listStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--p-surface);
    border-right: 1px solid var(--p-border);
  }
  .tabs {
    display: flex;
    gap: 4px;
    padding: var(--p-space-3) var(--p-space-3) 0;
  }
  .tab {
    flex: 1;
    border: none;
    background: none;
    padding: 8px 10px;
    border-bottom: 2px solid transparent;
    font-weight: 600;
    color: var(--p-text-muted);
    cursor: pointer;
  }
  .tab[aria-selected='true'] {
    color: var(--p-accent);
    border-bottom-color: var(--p-accent);
  }
  /* Pills wrap to a second line rather than scroll out of sight: "Nicht zugewiesen 12" and its
     peers do not fit a 300 px column in every language. */
  .subtabs {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    padding: var(--p-space-3);
    border-bottom: 1px solid var(--p-border);
  }
  .subtab {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    border: 1px solid var(--p-border);
    background: var(--p-surface);
    border-radius: 999px;
    padding: 4px 7px;
    white-space: nowrap;
    flex: none;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
    cursor: pointer;
  }
  .subtab[aria-selected='true'] {
    background: var(--p-accent-soft);
    border-color: var(--p-accent-soft);
    color: var(--p-accent-hover);
  }
  .count {
    min-width: 20px;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--p-hover);
    color: var(--p-text-soft);
    font-variant-numeric: tabular-nums;
    text-align: center;
  }
  .subtab[aria-selected='true'] .count {
    background: var(--p-accent);
    color: #fff;
  }
  .count.attention {
    background: var(--p-warning-soft);
    color: var(--p-warning);
  }
  .scroll {
    flex: 1;
    overflow-y: auto;
    min-height: 0;
  }
  .rows {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .row {
    position: relative;
    border-bottom: 1px solid var(--p-border);
  }
  .row a {
    display: grid;
    grid-template-columns: 36px 1fr auto;
    gap: 2px 10px;
    padding: 12px 14px;
    color: inherit;
    text-decoration: none;
  }
  .row a:hover {
    background: var(--p-surface-2);
  }
  .row[aria-current='true'] a {
    background: var(--p-selected);
    box-shadow: inset 3px 0 0 var(--p-accent);
  }
  .row a:focus-visible {
    box-shadow: inset 0 0 0 2px var(--p-accent);
  }
  .avatar {
    grid-row: span 3;
    width: 36px;
    height: 36px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-weight: 700;
    font-size: 13px;
    color: #fff;
  }
  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    display: flex;
    align-items: center;
    gap: 6px;
    min-width: 0;
  }
  .name span {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .time {
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    white-space: nowrap;
  }
  .preview {
    grid-column: 2 / 4;
    color: var(--p-text-soft);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .preview.unanswered {
    color: var(--p-text);
  }
  /* Unread: the row speaks louder (bold) and says how many, as mail clients do. */
  .row.unread .name,
  .row.unread .preview {
    font-weight: 700;
    color: var(--p-text);
  }
  .badge {
    display: inline-block;
    min-width: 18px;
    margin-left: 6px;
    padding: 0 5px;
    border-radius: 999px;
    background: var(--p-accent);
    color: #fff;
    font-size: var(--p-fs-s);
    font-weight: 700;
    line-height: 18px;
    text-align: center;
    font-variant-numeric: tabular-nums;
  }
  /* Wraps, so "< 1 Min." and "Nicht zugewiesen" stack beside the Resolve button rather than one
     of them ending in an ellipsis. */
  .meta {
    grid-column: 2 / 4;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 2px 8px;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    min-height: 24px;
    padding-right: 120px;
  }
  .waiting {
    white-space: nowrap;
    display: inline-flex;
    align-items: center;
    gap: 4px;
    color: var(--p-text-soft);
    background: var(--p-hover);
    border-radius: 999px;
    padding: 1px 8px;
    font-weight: 600;
  }
  /* The longer a visitor waits, the louder the row: amber past the team's threshold, red at twice it. */
  .undo {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    margin: 8px 12px;
    padding: 6px 10px;
    border-radius: 8px;
    background: var(--p-text);
    color: var(--p-surface);
    font-size: var(--p-fs-s);
  }
  .waiting.long {
    color: var(--p-warning);
    background: var(--p-warning-soft);
  }
  .waiting.urgent {
    color: var(--p-danger);
    background: var(--p-danger-soft);
    font-weight: 700;
  }
  .assignee {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    min-width: 0;
  }
  .assignee span {
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .resolve {
    position: absolute;
    right: 12px;
    bottom: 10px;
    color: var(--p-success);
    border-color: #bbf7d0;
    background: var(--p-success-soft);
  }
  .resolve:hover {
    background: #bbf7d0;
  }
  .state.error {
    color: var(--p-danger);
    padding: var(--p-space-3);
  }
  /* The owner's first run: where chats come from, and two ways to get one. */
  .first-steps {
    margin: calc(-1 * var(--p-space-4)) var(--p-space-5) 0;
    text-align: center;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    line-height: 1.8;
  }
  .first-steps a {
    color: var(--p-accent);
  }
  .empty,
  .state {
    padding: var(--p-space-6) var(--p-space-5);
    text-align: center;
    color: var(--p-text-muted);
  }
  .more {
    display: flex;
    justify-content: center;
    padding: var(--p-space-4);
  }
  .icon {
    flex: none;
  }
  /* tags and groups (#16) */
  .row a > .chips {
    grid-column: 2 / 4;
    padding-right: 120px;
  }
  .group {
    white-space: nowrap;
    border: 1px solid var(--p-border-strong);
    border-radius: 999px;
    padding: 0 8px;
    color: var(--p-text-soft);
  }
  .my-groups {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 6px 14px;
    font-size: var(--p-fs-s);
    color: var(--p-text-soft);
    border-bottom: 1px solid var(--p-border);
    cursor: pointer;
  }
  /* #16 search: a result shows its matching message instead of the last one, the hits marked */
  .snippet {
    white-space: normal;
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
  }
  .snippet mark {
    background: #fef08a;
    color: inherit;
    font-weight: 600;
    border-radius: 2px;
  }
`
