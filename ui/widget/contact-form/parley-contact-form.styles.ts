import { css } from 'lit'

// Colours come from <parley-chat> through inherited custom properties (--p-accent, …).
export const styles = css`
  :host {
    display: block;
  }
  form {
    display: flex;
    flex-direction: column;
    gap: 14px;
    padding: 20px;
  }
  h3 {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
    color: var(--p-text);
  }
  .intro {
    margin: -6px 0 2px;
    color: var(--p-muted);
    font-size: 14px;
    line-height: 1.45;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  label {
    font-size: 13px;
    font-weight: 600;
    color: var(--p-text);
  }
  .optional {
    font-weight: 400;
    color: var(--p-muted);
  }
  input,
  textarea {
    font: inherit;
    font-size: 15px;
    color: var(--p-text);
    background: #fff;
    border: 1px solid var(--p-border-strong);
    border-radius: 10px;
    padding: 10px 12px;
    margin: 0;
    width: 100%;
    box-sizing: border-box;
    resize: vertical;
    transition: border-color 0.15s, box-shadow 0.15s;
  }
  textarea {
    min-height: 96px;
    max-height: 240px;
  }
  input:focus,
  textarea:focus {
    outline: none;
    border-color: var(--p-accent);
    box-shadow: 0 0 0 3px var(--p-accent-ring);
  }
  [aria-invalid='true'],
  [aria-invalid='true']:focus {
    border-color: var(--p-danger);
  }
  [aria-invalid='true']:focus {
    box-shadow: 0 0 0 3px rgb(198 40 40 / 0.18);
  }
  .error {
    margin: 0;
    color: var(--p-danger);
    font-size: 13px;
  }
  button {
    font: inherit;
    font-size: 15px;
    font-weight: 600;
    color: var(--p-on-accent);
    background: var(--p-accent);
    border: 0;
    border-radius: 10px;
    padding: 11px 16px;
    margin-top: 4px;
    cursor: pointer;
    transition: filter 0.15s;
  }
  button:hover {
    filter: brightness(1.08);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  button:focus-visible {
    outline: 2px solid var(--p-accent);
    outline-offset: 2px;
  }
`
