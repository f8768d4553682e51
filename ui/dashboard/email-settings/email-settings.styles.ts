import { css } from 'lit'

export const emailSettingsStyles = css`
  .cards {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: var(--p-space-5);
    align-items: start;
  }
  @media (max-width: 900px) {
    .cards {
      grid-template-columns: 1fr;
    }
  }
  .card-body {
    display: grid;
    gap: var(--p-space-4);
  }
  .row {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 110px;
    gap: var(--p-space-3);
  }
  .toggle {
    display: flex;
    gap: 8px;
    align-items: center;
    font-weight: 600;
    cursor: pointer;
  }
  .hint {
    font-weight: 400;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .status {
    padding: 10px 12px;
    border-radius: var(--p-radius-s);
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    display: flex;
    gap: 10px;
    align-items: flex-start;
  }
  .status.on {
    border-color: var(--p-success);
    background: var(--p-success-soft);
  }
  .status svg {
    flex: none;
    margin-top: 2px;
    color: #dc2626;
  }
  .test {
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
    flex-wrap: wrap;
  }
  .result {
    font-size: var(--p-fs-s);
    overflow-wrap: anywhere;
  }
  .result.ok {
    color: var(--p-success);
  }
  .result.bad {
    color: var(--p-danger);
  }
  /* the server's literal answer: protocol text, quoted after the sentence that explains it */
  .detail {
    display: block;
    color: var(--p-text-muted);
    overflow-wrap: anywhere;
  }
  .plus {
    display: grid;
    gap: 4px;
  }
  .actions {
    display: flex;
    gap: var(--p-space-3);
    align-items: center;
  }
`
