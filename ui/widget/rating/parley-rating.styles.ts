import { css } from 'lit'

export const styles = css`
  :host {
    display: block;
    margin: 8px 8px 4px;
    font-size: 14px;
    color: var(--p-text, #1f2937);
  }
  .rating {
    border: 1px solid var(--p-border, #eceef1);
    border-radius: 12px;
    padding: 12px;
    background: var(--p-surface, #fff);
    display: grid;
    gap: 10px;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
  }
  legend {
    padding: 0;
    margin-bottom: 8px;
    font-weight: 600;
    text-align: center;
    width: 100%;
  }
  .choices {
    display: flex;
    justify-content: center;
    gap: 8px;
  }
  .choice {
    position: relative;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    cursor: pointer;
    border-radius: 999px;
    color: var(--p-muted, #6b7280);
  }
  .choices.thumbs .choice {
    border: 1px solid var(--p-border-strong, #d5d9df);
    padding: 6px 14px;
  }
  .choices.stars .choice {
    padding: 2px;
  }
  .choice input {
    position: absolute;
    opacity: 0;
    inset: 0;
    margin: 0;
    cursor: pointer;
  }
  .choice:focus-within {
    outline: 2px solid var(--p-accent, #4f46e5);
    outline-offset: 2px;
  }
  .choices.thumbs .choice.on {
    border-color: var(--p-accent, #4f46e5);
    background: var(--p-accent-ring, #e0e7ff);
    color: var(--p-text, #1f2937);
  }
  .choices.stars .choice.on {
    color: #b45309;
  }
  .icon.good {
    color: #15803d;
  }
  .icon.bad {
    color: var(--p-danger, #c62828);
  }
  .comment {
    display: grid;
    gap: 4px;
    font-size: 13px;
    color: var(--p-muted, #6b7280);
  }
  textarea {
    font: inherit;
    font-size: 14px;
    color: var(--p-text, #1f2937);
    border: 1px solid var(--p-border-strong, #d5d9df);
    border-radius: 8px;
    padding: 6px 8px;
    resize: vertical;
  }
  textarea:focus {
    outline: 2px solid var(--p-accent, #4f46e5);
    outline-offset: 0;
  }
  .send {
    font: inherit;
    font-weight: 600;
    justify-self: end;
    border: 0;
    border-radius: 8px;
    padding: 7px 14px;
    background: var(--p-accent, #4f46e5);
    color: var(--p-on-accent, #fff);
    cursor: pointer;
  }
  .send:disabled {
    opacity: 0.6;
  }
  .error {
    margin: 0;
    color: var(--p-danger, #c62828);
    font-size: 13px;
  }
  .thanks {
    margin: 0;
    text-align: center;
    font-size: 13px;
    color: var(--p-muted, #6b7280);
  }
  .link {
    font: inherit;
    color: var(--p-accent, #4f46e5);
    background: none;
    border: 0;
    padding: 2px 4px;
    text-decoration: underline;
    cursor: pointer;
  }
`
