import { css } from 'lit'

/** The centred card of the sign-in and first-run screens. */
export const authStyles = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100vh;
    padding: var(--p-space-5);
    background: linear-gradient(180deg, #eef2ff 0%, var(--p-bg) 45%);
  }
  .card {
    width: min(420px, 100%);
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius-l);
    box-shadow: var(--p-shadow-l);
    padding: var(--p-space-6);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 10px;
    font-weight: 700;
    font-size: var(--p-fs-l);
    margin-bottom: var(--p-space-5);
  }
  h1 {
    font-size: var(--p-fs-xl);
    margin: 0 0 6px;
    letter-spacing: -0.01em;
  }
  .lead {
    margin: 0 0 var(--p-space-5);
    color: var(--p-text-soft);
  }
  form {
    display: grid;
    gap: var(--p-space-4);
  }
  .hint {
    font-weight: 400;
    color: var(--p-text-muted);
  }
  .btn.primary {
    min-height: 40px;
    width: 100%;
    margin-top: var(--p-space-2);
  }
  .alert {
    padding: 10px 12px;
    border-radius: var(--p-radius-s);
    background: var(--p-danger-soft);
    color: var(--p-danger);
    font-size: var(--p-fs);
  }
  .foot {
    margin-top: var(--p-space-5);
    display: flex;
    justify-content: center;
  }
  .foot select {
    border: none;
    background: transparent;
    color: var(--p-text-muted);
    font-size: var(--p-fs-s);
    padding: 4px;
    border-radius: var(--p-radius-s);
  }
`
