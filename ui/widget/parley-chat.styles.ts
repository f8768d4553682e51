import { css } from 'lit'

// `all: initial !important` on the host: inside a shadow root, !important host rules beat the
// page's, so no site stylesheet can restyle, hide or transform the widget's box, and inherited
// properties (font, colour, line height, letter spacing…) start from defaults, not the page's.
export const styles = css`
  :host {
    all: initial !important;
  }
  .root {
    --p-text: #1f2937;
    --p-muted: #6b7280;
    --p-border: #eceef1;
    --p-border-strong: #d5d9df;
    --p-surface: #ffffff;
    --p-agent-bubble: #f1f3f6;
    --p-danger: #c62828;
    --p-accent-ring: color-mix(in srgb, var(--p-accent) 28%, transparent);
    position: fixed;
    bottom: 20px;
    z-index: 2147483000;
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 14px;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    font-size: 15px;
    line-height: 1.45;
    color: var(--p-text);
    text-align: left;
    -webkit-font-smoothing: antialiased;
  }
  .root.right {
    right: 20px;
  }
  .root.left {
    left: 20px;
    align-items: flex-start;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  :focus-visible {
    outline: 2px solid var(--p-accent);
    outline-offset: 2px;
  }
  svg {
    display: block;
  }

  /* Launcher */
  .launcher {
    position: relative;
    width: 58px;
    height: 58px;
    border: 0;
    border-radius: 50%;
    padding: 0;
    display: grid;
    place-items: center;
    color: var(--p-on-accent);
    background: var(--p-accent);
    box-shadow: 0 6px 20px rgb(17 24 39 / 0.22), 0 2px 6px rgb(17 24 39 / 0.12);
    transition: transform 0.18s ease, box-shadow 0.18s ease;
    animation: pop 0.25s ease-out;
  }
  .launcher:hover {
    transform: scale(1.05);
    box-shadow: 0 8px 26px rgb(17 24 39 / 0.26), 0 2px 6px rgb(17 24 39 / 0.12);
  }
  .launcher:focus-visible {
    outline: 3px solid var(--p-accent);
    outline-offset: 3px;
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .badge {
    position: absolute;
    top: -3px;
    right: -3px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: #e11d48;
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
    box-shadow: 0 0 0 2px #fff;
  }

  /* Panel */
  .panel {
    width: 376px;
    height: min(620px, calc(100vh - 110px));
    display: flex;
    flex-direction: column;
    overflow: hidden;
    background: var(--p-surface);
    border-radius: 18px;
    box-shadow: 0 12px 48px rgb(17 24 39 / 0.2), 0 2px 8px rgb(17 24 39 / 0.08);
    animation: rise 0.22s ease-out;
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 16px 14px 16px 18px;
    color: var(--p-on-accent);
    background: var(--p-accent);
  }
  .avatar {
    flex: none;
    width: 42px;
    height: 42px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 15px;
    font-weight: 700;
    letter-spacing: 0.02em;
    /* A ring, not a lighter fill: the initials keep the header's own contrast (onColor picks
       the text colour for the site's colour), which a tint of it lowered below 4.5:1. */
    box-shadow: inset 0 0 0 2px color-mix(in srgb, var(--p-on-accent) 45%, transparent);
  }
  .avatar svg {
    width: 22px;
    height: 22px;
  }
  .who {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 650;
    line-height: 1.3;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .status {
    margin: 2px 0 0;
    font-size: 13px;
    opacity: 0.9;
    display: flex;
    align-items: flex-start;
    gap: 6px;
  }
  .dot {
    flex: none;
    margin-top: 5.5px;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #9ca3af;
    box-shadow: 0 0 0 2px color-mix(in srgb, var(--p-on-accent) 35%, transparent);
  }
  .dot.on {
    background: #22c55e;
  }
  .icon-button {
    flex: none;
    width: 36px;
    height: 36px;
    border: 0;
    border-radius: 10px;
    display: grid;
    place-items: center;
    color: inherit;
    background: transparent;
  }
  .icon-button:hover {
    background: color-mix(in srgb, var(--p-on-accent) 14%, transparent);
  }
  .icon-button:focus-visible {
    outline-color: var(--p-on-accent);
    outline-offset: -2px;
  }
  .icon-button svg {
    width: 22px;
    height: 22px;
  }
  .banner {
    margin: 0;
    padding: 8px 16px;
    font-size: 13px;
    color: #7c4a03;
    background: #fff6e0;
    border-bottom: 1px solid #f6e3b4;
  }

  /* Thread */
  .scroll {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 18px 16px 8px;
  }
  .scroll.form {
    padding: 0;
  }
  .scroll:focus-visible {
    outline-offset: -3px;
  }
  .messages {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
  }
  .row {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    margin-top: 3px;
  }
  .row.first {
    margin-top: 14px;
  }
  .row:first-child {
    margin-top: 0;
  }
  .row.visitor {
    justify-content: flex-end;
  }
  .stack {
    display: flex;
    flex-direction: column;
    max-width: 78%;
    min-width: 0;
  }
  .row.visitor .stack {
    align-items: flex-end;
  }
  .row.agent .stack,
  .row.system .stack {
    align-items: flex-start;
  }
  .mini-avatar {
    flex: none;
    width: 28px;
    height: 28px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 11px;
    font-weight: 700;
    color: var(--p-on-accent);
    background: var(--p-accent);
    visibility: hidden;
  }
  .row.last .mini-avatar {
    visibility: visible;
  }
  /* Level with the last bubble, above its time line. */
  .row.agent.last:not(.greeting) .mini-avatar {
    margin-bottom: 21px;
  }
  .mini-avatar svg {
    width: 15px;
    height: 15px;
  }
  .author {
    font-size: 12px;
    color: var(--p-muted);
    margin: 0 0 4px 4px;
  }
  /* an agent's files under their bubble (#13 agent attachments) */
  .files {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 4px;
    margin-top: 4px;
    max-width: 100%;
  }
  .bubble {
    padding: 9px 13px;
    border-radius: 18px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    word-break: break-word;
  }
  /* A link in a bubble keeps the bubble's colour (readable on the accent too) and shows itself by its underline. */
  .bubble a {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .row.agent .bubble,
  .row.system .bubble {
    background: var(--p-agent-bubble);
    color: var(--p-text);
  }
  .row.agent:not(.first) .bubble {
    border-top-left-radius: 6px;
  }
  .row.agent:not(.last) .bubble {
    border-bottom-left-radius: 6px;
  }
  .row.visitor .bubble {
    background: var(--p-accent);
    color: var(--p-on-accent);
  }
  .row.visitor:not(.first) .bubble {
    border-top-right-radius: 6px;
  }
  .row.visitor:not(.last) .bubble {
    border-bottom-right-radius: 6px;
  }
  .row.visitor[data-state='sending'] .bubble {
    opacity: 0.7;
  }
  .row.visitor[data-state='failed'] .bubble {
    background: #fdecec;
    color: var(--p-danger);
  }
  .meta {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    margin: 4px 4px 0;
    font-size: 11.5px;
    color: var(--p-muted);
  }
  .state {
    display: inline-flex;
    align-items: center;
    gap: 3px;
  }
  .state svg {
    width: 14px;
    height: 14px;
  }
  .state.delivered svg {
    width: 17px;
    color: var(--p-accent);
  }
  .state.failed {
    color: var(--p-danger);
  }
  .link {
    border: 0;
    padding: 0;
    background: none;
    color: var(--p-accent);
    font-size: 11.5px;
    font-weight: 600;
    text-decoration: underline;
  }
  .note {
    margin: 16px 8px 4px;
    text-align: center;
    font-size: 13px;
    color: var(--p-muted);
  }
  .typing {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 12px 0 4px 36px;
    font-size: 12.5px;
    color: var(--p-muted);
  }
  .dots {
    display: inline-flex;
    gap: 3px;
    padding: 8px 10px;
    border-radius: 14px;
    background: var(--p-agent-bubble);
  }
  .dots i {
    width: 6px;
    height: 6px;
    border-radius: 50%;
    background: #9aa1ab;
    animation: blink 1.2s infinite ease-in-out;
  }
  .dots i:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dots i:nth-child(3) {
    animation-delay: 0.3s;
  }

  /* The pre-chat group choice (#16) */
  .prechat-group {
    display: grid;
    gap: 4px;
    padding: 10px 14px 0;
    border-top: 1px solid var(--p-border);
    background: var(--p-surface);
    font-size: 13px;
    color: var(--p-text);
  }
  .prechat-group label {
    font-weight: 600;
  }
  .prechat-group select {
    font: inherit;
    min-height: 36px;
    padding: 0 8px;
    color: var(--p-text);
    background: var(--p-surface);
    border: 1px solid var(--p-border-strong);
    border-radius: 8px;
  }
  .prechat-group select:focus-visible {
    outline: none;
    box-shadow: 0 0 0 3px var(--p-accent-ring);
  }
  .prechat-group select[aria-invalid='true'] {
    border-color: var(--p-danger);
  }
  .prechat-error {
    color: var(--p-danger);
  }
  .prechat-group + .composer {
    border-top: 0;
  }

  /* Composer */
  .composer {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    margin: 0;
    padding: 10px 10px 12px 14px;
    border-top: 1px solid var(--p-border);
    background: var(--p-surface);
  }
  textarea {
    flex: 1;
    min-height: 42px;
    max-height: 120px;
    margin: 0;
    padding: 10px 12px;
    font: inherit;
    color: var(--p-text);
    background: #f7f8fa;
    border: 1px solid transparent;
    border-radius: 12px;
    resize: none;
    transition: border-color 0.15s, background 0.15s, box-shadow 0.15s;
  }
  textarea::placeholder {
    color: #8b929c;
  }
  textarea:focus {
    outline: none;
    background: #fff;
    border-color: var(--p-accent);
    box-shadow: 0 0 0 3px var(--p-accent-ring);
  }
  .send {
    flex: none;
    width: 42px;
    height: 42px;
    border: 0;
    border-radius: 12px;
    display: grid;
    place-items: center;
    color: var(--p-on-accent);
    background: var(--p-accent);
    transition: filter 0.15s;
  }
  .send:hover {
    filter: brightness(1.08);
  }
  .send svg {
    width: 22px;
    height: 22px;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(12px) scale(0.98);
    }
  }
  @keyframes pop {
    from {
      opacity: 0;
      transform: scale(0.8);
    }
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.35;
      transform: translateY(0);
    }
    40% {
      opacity: 1;
      transform: translateY(-2px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    .launcher,
    .panel {
      animation: none !important;
      transition: none !important;
    }
  }

  /* Phones: the panel takes the whole screen; its header has the close button. */
  @media (max-width: 480px) {
    .root {
      bottom: 16px;
    }
    .root.right {
      right: 16px;
    }
    .root.left {
      left: 16px;
    }
    :host([open]) .root {
      inset: 0;
    }
    :host([open]) .launcher {
      display: none;
    }
    .panel {
      width: 100vw;
      height: 100vh;
      height: 100dvh;
      border-radius: 0;
    }
    textarea {
      font-size: 16px; /* below 16px iOS zooms the page on focus */
    }
  }
  .note .link {
    font: inherit;
    color: var(--p-accent);
    background: none;
    border: 0;
    padding: 2px 4px;
    text-decoration: underline;
    cursor: pointer;
  }
  .note .link:disabled {
    opacity: 0.6;
    cursor: default;
  }
`
