// Tags as the rest of Parley sees them.

/** The fixed palette: names, not colour codes; the dashboard draws each with contrast-checked tokens. */
export const TAG_COLORS = ['gray', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink'] as const
export type TagColor = (typeof TAG_COLORS)[number]

export interface TagView {
  id: string
  name: string
  color: TagColor
}
