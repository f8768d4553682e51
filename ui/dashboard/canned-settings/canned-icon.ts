import { html, svg } from 'lit'

/** #16: the navigation's icon for canned responses (a speech bubble with a lightning bolt). */
export const cannedIcon = (size = 16) =>
  html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" d="M4 5h16v11H9l-5 4V5zM13 7l-3 4h4l-3 4"/>`}</svg>`
