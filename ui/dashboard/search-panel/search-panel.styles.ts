import { css } from 'lit'

export const searchPanelStyles = css`
  :host {
    display: block;
    padding: var(--p-space-3);
    border-top: 1px solid var(--p-border);
    border-bottom: 1px solid var(--p-border);
  }
  /* A placeholder longer than the 340 px column ends in "…" instead of being cut mid-word. */
  .input {
    text-overflow: ellipsis;
  }
  .box {
    position: relative;
    display: flex;
    gap: 6px;
  }
  .box .input {
    flex: 1;
    min-width: 0;
    padding-left: 32px;
  }
  .glass {
    position: absolute;
    left: 10px;
    top: 10px;
    color: var(--p-text-muted);
    pointer-events: none;
  }
  .toggles {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    margin-top: 6px;
  }
  .link {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    border: none;
    background: none;
    padding: 4px 2px;
    color: var(--p-accent-hover);
    font-size: var(--p-fs-s);
    font-weight: 600;
    cursor: pointer;
  }
  .link[aria-expanded='true'] .icon {
    transform: rotate(180deg);
  }
  .link[aria-expanded='false'] .icon {
    transform: rotate(-90deg);
  }
  .advanced {
    display: grid;
    gap: var(--p-space-3);
    margin-top: var(--p-space-2);
    padding: var(--p-space-3);
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius);
    background: var(--p-surface-2);
  }
  .pair {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: var(--p-space-2);
  }
  .pair > * {
    min-width: 0;
  }
  /* A date input's own minimum width would push the second one out of a 340 px column. */
  label.field {
    grid-template-columns: minmax(0, 1fr);
  }
  input[type='date'] {
    min-width: 0;
  }
  fieldset.group {
    margin: 0;
    padding: 0;
    border: none;
    min-width: 0;
  }
  legend {
    padding: 0;
    margin-bottom: 4px;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
  }
  .checks,
  .mode {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 6px;
  }
  .mode {
    margin-top: 6px;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 8px 2px 4px;
    border: 1px solid var(--p-border-strong);
    border-radius: 999px;
    background: var(--p-surface);
    font-size: var(--p-fs-s);
    cursor: pointer;
  }
  .check input {
    margin: 0;
  }
  .check.tag {
    font-weight: 600;
  }
  .buttons {
    display: flex;
    gap: var(--p-space-2);
  }
  .field-error {
    margin: 4px 0 0;
    font-weight: 400;
  }
  .notice {
    margin: 8px 0 0;
    padding: 6px 10px;
    border-radius: var(--p-radius-s);
    background: var(--p-warning-soft);
    color: var(--p-warning);
    font-size: var(--p-fs-s);
  }
  details.saved {
    margin-top: 6px;
    font-size: var(--p-fs-s);
  }
  details.saved summary {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 4px 2px;
    color: var(--p-accent-hover);
    font-weight: 600;
    cursor: pointer;
    list-style: none;
  }
  details.saved summary::-webkit-details-marker {
    display: none;
  }
  details.saved summary .icon {
    transform: rotate(-90deg);
  }
  details.saved[open] summary .icon {
    transform: none;
  }
  .saved-list {
    list-style: none;
    margin: 4px 0;
    padding: 0;
  }
  .saved-list li {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 6px;
    border-bottom: 1px solid var(--p-border);
  }
  .saved-list a {
    flex: 1;
    min-width: 0;
    padding: 6px 4px;
    color: var(--p-text);
    text-decoration: none;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .saved-list a:hover {
    text-decoration: underline;
  }
  .saved-list a[aria-current='true'] {
    font-weight: 700;
    color: var(--p-accent-hover);
  }
  form.save {
    display: flex;
    gap: 6px;
    margin-top: 6px;
  }
  form.save .input {
    flex: 1;
    min-width: 0;
    min-height: 30px;
    padding: 4px 8px;
  }
  .note {
    color: var(--p-success);
    margin: 4px 0 0;
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 6px;
    margin-top: 8px;
  }
  .summary.idle {
    margin: 0;
  }
  .count {
    margin: 0;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
  }
  .exports {
    display: inline-flex;
    gap: 6px;
  }
`
