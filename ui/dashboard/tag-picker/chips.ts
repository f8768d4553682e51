// Tag chips: the palette's colours and the one way a tag is drawn (list rows, thread, settings).
import { css, html, nothing } from 'lit'
import type { Tag } from '../../shared/types.ts'

/** Each palette name: a light background with dark text, at least 4.5:1 (WCAG AA for small text). */
export const TAG_PALETTE: Record<string, { bg: string; fg: string; dot: string }> = {
  gray: { bg: '#f3f4f6', fg: '#374151', dot: '#6b7280' },
  red: { bg: '#fee2e2', fg: '#991b1b', dot: '#dc2626' },
  orange: { bg: '#ffedd5', fg: '#9a3412', dot: '#ea580c' },
  yellow: { bg: '#fef9c3', fg: '#854d0e', dot: '#ca8a04' },
  green: { bg: '#dcfce7', fg: '#166534', dot: '#16a34a' },
  teal: { bg: '#ccfbf1', fg: '#115e59', dot: '#0d9488' },
  blue: { bg: '#dbeafe', fg: '#1e40af', dot: '#2563eb' },
  purple: { bg: '#f3e8ff', fg: '#6b21a8', dot: '#9333ea' },
  pink: { bg: '#fce7f3', fg: '#9d174d', dot: '#db2777' },
}

const colors = (color: string) => TAG_PALETTE[color] ?? TAG_PALETTE.gray!

export const chipStyle = (color: string): string => {
  const c = colors(color)
  return `background:${c.bg};color:${c.fg};border-color:${c.dot}`
}

export const chipStyles = css`
  .chips {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 4px;
    min-width: 0;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    max-width: 16ch;
    padding: 0 8px;
    border: 1px solid;
    border-radius: 999px;
    font-size: 12px;
    line-height: 18px;
    font-weight: 500;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .chip > span {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .chip button {
    all: unset;
    cursor: pointer;
    display: inline-flex;
    width: 14px;
    height: 14px;
    align-items: center;
    justify-content: center;
    border-radius: 50%;
    font-size: 13px;
    line-height: 1;
  }
  .chip button:hover {
    background: rgba(0, 0, 0, 0.1);
  }
  .chip button:focus-visible {
    box-shadow: var(--p-focus);
  }
`

/** The tags as chips; with onRemove, each chip has a remove button (labelled for screen readers). */
export function tagChips(tags: Tag[], opts: { onRemove?: (t: Tag) => void; removeLabel?: (t: Tag) => string; label?: string } = {}) {
  if (tags.length === 0) return nothing
  return html`<ul class="chips" data-tags aria-label=${opts.label ?? nothing}>
    ${tags.map(
      (t) => html`<li class="chip" data-tag=${t.name} style=${chipStyle(t.color)} title=${t.name}><span>${t.name}</span>${opts.onRemove
        ? html`<button type="button" data-remove-tag=${t.name} aria-label=${opts.removeLabel?.(t) ?? t.name} @click=${() => opts.onRemove!(t)}>×</button>`
        : nothing}</li>`,
    )}
  </ul>`
}

/** The same chips as plain text runs, for inside a link (a list row). */
export function inlineTagChips(tags: Tag[]) {
  if (tags.length === 0) return nothing
  return html`<span class="chips" data-tags>${tags.map(
    (t) => html`<span class="chip" data-tag=${t.name} style=${chipStyle(t.color)} title=${t.name}><span>${t.name}</span></span>`,
  )}</span>`
}
