import { css } from 'lit'

/** The tags and groups settings pages. */
export const teamSettingsStyles = css`
  .card-body {
    display: grid;
    gap: var(--p-space-4);
  }
  .hint {
    margin: 0;
    color: var(--p-text-soft);
    max-width: 70ch;
    font-size: var(--p-fs-s);
  }
  .items {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0;
  }
  .items > li {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--p-space-3);
    padding: var(--p-space-3) 0;
    border-bottom: 1px solid var(--p-border);
  }
  .items > li:last-child {
    border-bottom: 0;
  }
  form.row {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--p-space-3);
    width: 100%;
  }
  .field {
    display: grid;
    gap: 4px;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
  }
  .field .input {
    font-weight: 400;
  }
  .grow {
    flex: 1 1 200px;
  }
  .preview {
    align-self: center;
  }
  select.input {
    min-width: 140px;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    width: 100%;
  }
  legend {
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
    margin-bottom: 4px;
  }
  .members {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 16px;
  }
  .members label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .switch {
    display: flex;
    align-items: center;
    gap: 8px;
    font-weight: 600;
  }
  .field-error {
    color: var(--p-danger);
    font-weight: 400;
  }
  .buttons {
    display: flex;
    gap: 8px;
  }
`
