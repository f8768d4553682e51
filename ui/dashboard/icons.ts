// Inline SVG icons (no icon font, no network). Decorative unless given a label by the caller.
import { svg, html, type TemplateResult } from 'lit'

const icon = (body: TemplateResult, size = 16, viewBox = '0 0 24 24') =>
  html`<svg class="icon" width=${size} height=${size} viewBox=${viewBox} aria-hidden="true" focusable="false">${body}</svg>`

/** Facebook Messenger: the blue bubble with the lightning bolt. */
export const messengerIcon = (size = 16) =>
  icon(
    svg`<path fill="#0a7cff" d="M12 2C6.36 2 2 6.13 2 11.7c0 2.91 1.19 5.44 3.14 7.17.16.15.26.35.27.57l.05 1.78a.8.8 0 0 0 1.12.71l1.99-.88c.17-.07.36-.09.53-.04.91.25 1.89.39 2.9.39 5.64 0 10-4.13 10-9.7S17.64 2 12 2z"/>
    <path fill="#fff" d="m5.99 14.54 2.94-4.66a1.5 1.5 0 0 1 2.17-.4l2.34 1.75c.21.16.51.16.72 0l3.16-2.4c.42-.32.97.18.69.63l-2.94 4.66a1.5 1.5 0 0 1-2.17.4l-2.34-1.75a.6.6 0 0 0-.72 0l-3.16 2.4c-.42.32-.97-.18-.69-.63z"/>`,
    size,
  )

/** E-mail: a red envelope. */
export const emailIcon = (size = 16) =>
  icon(
    svg`<rect x="2.5" y="5" width="19" height="14" rx="2.5" fill="#dc2626"/><path d="m4 7.5 8 5.5 8-5.5" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
    size,
  )

const stroke = (d: string, size = 16) =>
  icon(svg`<path d=${d} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>`, size)

export const checkIcon = (size = 16) => stroke('M5 12.5l4.5 4.5L19 7.5', size)
export const doubleCheckIcon = (size = 16) => stroke('M2 12.5l4.5 4.5L16 7.5M10 16l1 1 9.5-9.5', size)
export const clockIcon = (size = 16) => stroke('M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', size)
export const alertIcon = (size = 16) => stroke('M12 8v5M12 16.5v.5M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', size)
export const sendIcon = (size = 16) => stroke('M4 12l16-8-6 16-2.5-6.5L4 12z', size)
export const userIcon = (size = 16) => stroke('M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-6 8-6s8 2 8 6', size)
export const chatIcon = (size = 16) => stroke('M4 5h16v11H9l-5 4V5z', size)
export const usersIcon = (size = 16) => stroke('M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20c0-3.5 3-5.5 6.5-5.5s6.5 2 6.5 5.5M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.8c2 .6 3.5 2.3 3.5 5.2', size)
export const mailIcon = (size = 16) => stroke('M3 6h18v12H3zM3 7l9 6 9-6', size)
export const widgetIcon = (size = 16) => stroke('M4 4h16v12H4zM15 20h5M18 16v4', size)
export const pencilIcon = (size = 14) => stroke('M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4', size)
export const panelIcon = (size = 16) => stroke('M4 4h16v16H4zM15 4v16', size)
export const backIcon = (size = 16) => stroke('M15 5l-7 7 7 7', size)
export const copyIcon = (size = 16) => stroke('M9 9h11v11H9zM5 15H4V4h11v1', size)
export const chevronIcon = (size = 14) => stroke('M6 9l6 6 6-6', size)
/** Integrations: a plug. */
export const plugIcon = (size = 16) => stroke('M9 3v5M15 3v5M6 8h12v3a6 6 0 0 1-12 0V8zM12 17v4', size)
export const logoIcon = (size = 26) =>
  icon(svg`<rect width="32" height="32" rx="8" fill="#4f46e5"/><path d="M8 10h16v10H14l-4 4v-4H8z" fill="#fff"/>`, size, '0 0 32 32')
/** Attach files: a paper clip. */
export const paperclipIcon = (size = 16) =>
  stroke('M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5', size)
/** Tags (#16): a label. */
export const tagIcon = (size = 16) => stroke('M3 12V4h8l10 10-8 8L3 12zM7.5 8.5h.01', size)
/** Groups (#16): three people. */
export const groupIcon = (size = 16) => stroke('M12 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 20c0-3 2.7-5 6-5s6 2 6 5M5 11a2.2 2.2 0 1 0 0-4.4M19 11a2.2 2.2 0 1 0 0-4.4M2 18c0-2 1-3.3 3-3.8M22 18c0-2-1-3.3-3-3.8', size)
// #16 search
export const searchIcon = (size = 16) => stroke('M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5L20 20', size)
export const printIcon = (size = 16) => stroke('M7 9V4h10v5M7 17H4v-8h16v8h-3M7 14h10v6H7z', size)
export const downloadIcon = (size = 16) => stroke('M12 4v11M7.5 10.5L12 15l4.5-4.5M5 20h14', size)
