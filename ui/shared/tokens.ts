// Design tokens: one calm palette and scale for every Parley element. Custom properties pass
// through shadow roots, so a host page (or a theme) can override them.
import { css } from 'lit'

/** Kept for screen readers, drawn nowhere: the declarations, for a rule that needs them under its
 *  own selector (a label hidden only where its field's words say enough). */
export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
`

export const tokens = css`
  :host {
    --p-font: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --p-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    --p-text: #1f2937;
    --p-text-soft: #4b5563;
    /* 4.5:1 or more on every light surface here, the selected list row (#eef2ff) included. */
    --p-text-muted: #5f6775;
    --p-bg: #f6f7f9;
    --p-surface: #ffffff;
    --p-surface-2: #f9fafb;
    --p-hover: #f3f4f6;
    --p-selected: #eef2ff;
    --p-border: #e5e7eb;
    --p-border-strong: #d1d5db;
    --p-accent: #4f46e5;
    --p-accent-hover: #4338ca;
    --p-accent-soft: #e0e7ff;
    --p-on-accent: #ffffff;
    --p-success: #15803d;
    --p-success-hover: #166534;
    --p-success-soft: #dcfce7;
    --p-warning: #b45309;
    --p-warning-soft: #fef3c7;
    --p-danger: #b91c1c;
    --p-danger-soft: #fee2e2;
    --p-messenger: #0a7cff;
    --p-email: #dc2626;
    --p-online: #16a34a;
    --p-away: #f59e0b;
    --p-offline: #9ca3af;
    --p-focus: 0 0 0 3px rgba(79, 70, 229, 0.35);
    /* The same ring on the dark top bar (#111827), where the pale one all but vanished: 3:1 and more. */
    --p-focus-dark: 0 0 0 2px #a5b4fc;
    --p-radius-s: 6px;
    --p-radius: 10px;
    --p-radius-l: 14px;
    --p-shadow: 0 1px 2px rgba(16, 24, 40, 0.06), 0 1px 3px rgba(16, 24, 40, 0.08);
    --p-shadow-l: 0 12px 32px rgba(16, 24, 40, 0.16);
    --p-space-1: 4px;
    --p-space-2: 8px;
    --p-space-3: 12px;
    --p-space-4: 16px;
    --p-space-5: 24px;
    --p-space-6: 32px;
    --p-fs-s: 12px;
    --p-fs: 14px;
    --p-fs-m: 15px;
    --p-fs-l: 18px;
    --p-fs-xl: 22px;
    font-family: var(--p-font);
    font-size: var(--p-fs);
    color: var(--p-text);
    line-height: 1.45;
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
`

/** Buttons, inputs and focus rings shared by the dashboard's elements. */
export const controls = css`
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--p-focus);
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 34px;
    padding: 0 14px;
    border-radius: var(--p-radius-s);
    border: 1px solid var(--p-border-strong);
    background: var(--p-surface);
    color: var(--p-text);
    font-weight: 500;
    cursor: pointer;
    white-space: nowrap;
    text-decoration: none;
  }
  .btn:hover {
    background: var(--p-hover);
  }
  .btn[disabled] {
    opacity: 0.55;
    cursor: default;
  }
  .btn.primary {
    background: var(--p-accent);
    border-color: var(--p-accent);
    color: var(--p-on-accent);
  }
  .btn.primary:hover {
    background: var(--p-accent-hover);
  }
  .btn.success {
    background: var(--p-success);
    border-color: var(--p-success);
    color: #fff;
  }
  .btn.success:hover {
    background: var(--p-success-hover);
  }
  .btn.danger {
    color: var(--p-danger);
  }
  .btn.ghost {
    border-color: transparent;
    background: transparent;
  }
  .btn.ghost:hover {
    background: var(--p-hover);
  }
  .btn.small {
    min-height: 28px;
    padding: 0 10px;
    font-size: var(--p-fs-s);
  }
  .input,
  select.input,
  textarea.input {
    width: 100%;
    min-height: 36px;
    padding: 7px 10px;
    border: 1px solid var(--p-border-strong);
    border-radius: var(--p-radius-s);
    background: var(--p-surface);
    /* Inputs sit inside bold labels; their own text stays regular. */
    font-weight: 400;
    font-size: var(--p-fs);
    color: var(--p-text);
  }
  .input:focus {
    border-color: var(--p-accent);
  }
  .input[aria-invalid='true'] {
    border-color: var(--p-danger);
  }
  label.field {
    display: grid;
    /* Side by side in a row, a field beside one showing an error is stretched to its height: its
       label and input stay at the top instead of the extra height being shared out above them. */
    align-content: start;
    gap: 4px;
    font-size: var(--p-fs-s);
    font-weight: 600;
    color: var(--p-text-soft);
  }
  .error {
    color: var(--p-danger);
    font-size: var(--p-fs-s);
  }
  .muted {
    color: var(--p-text-muted);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    border: 0;
  }
`
