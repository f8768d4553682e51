import { css } from 'lit'
import { visuallyHidden } from '../../shared/tokens.ts'

export const threadStyles = css`
  /* The header adapts to the thread's own width (the list and the visitor panel beside it leave
     it ~640 px of a 1280 px screen), not the window's. */
  :host {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
    background: var(--p-bg);
    container-type: inline-size;
  }
  header {
    display: flex;
    align-items: center;
    gap: var(--p-space-3);
    padding: 10px var(--p-space-4);
    background: var(--p-surface);
    border-bottom: 1px solid var(--p-border);
    min-height: 60px;
    flex-wrap: wrap;
  }
  /* Sized by its content (not flex: 1, whose zero basis let the actions share its line and cut the
     visitor's name to a few letters): when the name and the actions do not fit on one line, the
     actions go to the next one. */
  .who {
    flex: 1 1 auto;
    min-width: 160px;
  }
  .who h2 {
    margin: 0;
    font-size: var(--p-fs-m);
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .who h2 span.title {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .sub {
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    display: flex;
    flex-wrap: wrap;
  }
  /* A long e-mail address (or group name) ends in an ellipsis instead of pushing the header, and
     with it the whole thread, past a phone's edge. */
  .sub span {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    max-width: 100%;
  }
  /* The dot ends the item before it, so a wrapped line never starts with one. */
  .sub span:not(:last-child)::after {
    content: '·';
    margin: 0 6px;
  }
  /* tags (#16) */
  .who parley-tag-picker {
    margin-top: 4px;
  }
  .badge {
    font-size: 11px;
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    padding: 2px 8px;
    border-radius: 999px;
  }
  .badge.open {
    background: var(--p-accent-soft);
    color: var(--p-accent-hover);
  }
  .badge.resolved {
    background: var(--p-success-soft);
    color: var(--p-success);
  }
  .actions {
    display: flex;
    align-items: center;
    gap: var(--p-space-2);
    flex-wrap: wrap;
  }
  /* Print and the visitor-panel toggle: last on the line where everything fits; where the
     actions need a line of their own, they stay up beside the name (they wrapped, and the toggle
     sat alone on a third line at 1280 px). */
  .tools {
    display: flex;
    gap: var(--p-space-2);
  }
  @container (max-width: 900px) {
    header {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto;
      grid-template-areas: 'back who tools' 'actions actions actions';
      align-items: start;
      row-gap: var(--p-space-2);
    }
    header > .narrow-only {
      grid-area: back;
    }
    .who {
      grid-area: who;
      min-width: 0;
    }
    .tools {
      grid-area: tools;
    }
    .actions {
      grid-area: actions;
    }
  }
  /* On a phone the two buttons close up, leaving the name what room there is. */
  @container (max-width: 480px) {
    header {
      column-gap: var(--p-space-2);
    }
    .tools {
      gap: 0;
    }
    .tools .btn {
      padding-inline: 6px;
    }
  }
  /* Where the thread is narrower still, the select's words ("Nobody yet", a name) say enough: its
     label is kept for screen readers only, and the actions keep to one line. */
  @container (max-width: 720px) {
    .assign-label {
      ${visuallyHidden}
    }
  }
  .assign {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .assign select {
    min-height: 34px;
    max-width: 200px;
    padding: 0 8px;
    border: 1px solid var(--p-border-strong);
    border-radius: var(--p-radius-s);
    background: var(--p-surface);
    color: var(--p-text);
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    padding: var(--p-space-4) var(--p-space-5);
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .day {
    align-self: center;
    margin: var(--p-space-3) 0;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    background: var(--p-surface);
    border: 1px solid var(--p-border);
    padding: 2px 10px;
    border-radius: 999px;
  }
  .msg {
    display: flex;
    flex-direction: column;
    max-width: min(72%, 640px);
  }
  .msg.visitor {
    align-self: flex-start;
    align-items: flex-start;
  }
  .msg.agent {
    align-self: flex-end;
    align-items: flex-end;
  }
  .msg.system {
    align-self: center;
    align-items: center;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
  }
  .bubble {
    padding: 8px 12px;
    border-radius: 14px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    box-shadow: var(--p-shadow);
  }
  /* A link in a bubble keeps the bubble's colour (readable on the accent too) and shows itself by its underline. */
  .bubble a {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .visitor .bubble {
    background: var(--p-surface);
    border-bottom-left-radius: 4px;
  }
  .agent .bubble {
    background: var(--p-accent);
    color: #fff;
    border-bottom-right-radius: 4px;
  }
  .agent.pending .bubble {
    opacity: 0.7;
  }
  .agent.failed .bubble {
    background: var(--p-danger-soft);
    color: var(--p-danger);
  }
  .system .bubble {
    background: transparent;
    box-shadow: none;
  }
  /* a reply's files while it is being sent (#13 agent attachments) */
  .pending-files {
    list-style: none;
    margin: 4px 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 6px;
    opacity: 0.7;
    font-size: var(--p-fs-s);
  }
  .pending-files li {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 3px 8px;
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius-s);
    background: var(--p-surface);
  }
  .meta {
    display: flex;
    align-items: center;
    gap: 4px;
    margin-top: 3px;
    font-size: 11px;
    color: var(--p-text-muted);
  }
  .meta .state.delivered {
    color: var(--p-accent);
  }
  .meta .state.failed {
    color: var(--p-danger);
  }
  .failure {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 4px 8px;
    max-width: 100%;
    margin-top: 4px;
    font-size: var(--p-fs-s);
    color: var(--p-danger);
    text-align: end;
  }
  .failure p {
    margin: 0;
  }
  .failure .detail {
    color: var(--p-text-muted);
    overflow-wrap: anywhere;
  }
  .typing {
    min-height: 22px;
    padding: 0 var(--p-space-5) 4px;
    font-size: var(--p-fs-s);
    color: var(--p-text-muted);
    font-style: italic;
  }
  .dots span {
    display: inline-block;
    width: 5px;
    height: 5px;
    margin-right: 2px;
    border-radius: 50%;
    background: currentColor;
    animation: blink 1.2s infinite both;
  }
  .dots span:nth-child(2) {
    animation-delay: 0.2s;
  }
  .dots span:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    0%, 80%, 100% { opacity: 0.25; }
    40% { opacity: 1; }
  }
  @media (prefers-reduced-motion: reduce) {
    .dots span { animation: none; }
  }
  .placeholder {
    flex: 1;
    display: grid;
    place-content: center;
    text-align: center;
    color: var(--p-text-muted);
    gap: 6px;
    padding: var(--p-space-6);
  }
  .placeholder h2 {
    margin: 0;
    color: var(--p-text-soft);
    font-size: var(--p-fs-l);
  }
  .earlier {
    align-self: center;
  }
  .error-line {
    color: var(--p-danger);
    padding: 6px var(--p-space-5);
    font-size: var(--p-fs-s);
  }
  .narrow-only {
    display: none;
  }
  :host([narrow]) .narrow-only {
    display: inline-flex;
  }
  /* On a phone the name shares its line with the back button, whatever its length. */
  :host([narrow]) .who {
    flex-basis: 0;
  }
  .email-copy {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0 1rem;
    padding: 0.45rem 0.75rem;
    border-radius: 0.5rem;
    background: #fef3c7;
    color: #78350f;
    font-size: 0.8125rem;
    cursor: pointer;
  }
  .email-copy input {
    margin: 0;
    accent-color: #b45309;
  }
  .unreachable {
    margin: 0 1rem;
    padding: 0.45rem 0.75rem;
    border-radius: 0.5rem;
    background: #fef3c7;
    color: #78350f;
    font-size: 0.8125rem;
  }
`
