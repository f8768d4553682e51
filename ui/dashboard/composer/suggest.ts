// The composer's two pickers (#16): `/shortcut` offers canned responses, `@name` (in a note)
// offers agents to mention. Pure functions, unit-tested without a browser.

export interface Trigger {
  kind: 'canned' | 'mention'
  /** Where the `/` or `@` is. */
  start: number
  /** What was typed after it, up to the caret. */
  query: string
}

/**
 * The picker the text before the caret asks for, if any: a `/` at the start of the text or of a
 * line (so a URL or "and/or" does not open it), or an `@` after a space or at the start (so an
 * e-mail address does not). A mention's query may hold a space ("@Ann L"), never a new line.
 */
export function triggerAt(text: string, caret: number, mentions: boolean): Trigger | null {
  const before = text.slice(0, caret)
  const slash = /(?:^|\n)\/([a-z0-9_-]{0,32})$/i.exec(before)
  if (slash) return { kind: 'canned', start: caret - slash[1]!.length - 1, query: slash[1]!.toLowerCase() }
  if (!mentions) return null
  const at = /(?:^|\s)@([^\s@][^@\n]{0,40}|)$/u.exec(before)
  if (at) return { kind: 'mention', start: caret - at[1]!.length - 1, query: at[1]!.toLowerCase() }
  return null
}

/** Shortcuts that start with the query first, then those that contain it; at most `max`. */
export function filterCanned<C extends { shortcut: string }>(list: readonly C[], query: string, max = 8): C[] {
  const q = query.toLowerCase()
  const starts = list.filter((c) => c.shortcut.startsWith(q))
  const contains = list.filter((c) => !c.shortcut.startsWith(q) && c.shortcut.includes(q))
  return [...starts, ...contains].slice(0, max)
}

/** Agents whose name (or a word of it) starts with the query; at most `max`. */
export function filterAgents<A extends { name: string }>(list: readonly A[], query: string, max = 8): A[] {
  const q = query.toLowerCase()
  return list
    .filter((a) => {
      const name = a.name.toLowerCase()
      return name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q))
    })
    .slice(0, max)
}

export interface Fill {
  visitorName: string | null
  visitorEmail: string | null
  agentName: string
  /** The neutral word for a visitor without a name, in the agent's language ("there"). */
  fallback: string
}

/** Fills {visitor.name}, {visitor.first_name}, {visitor.email} and {agent.name}; other braces stay as typed. */
export function fillPlaceholders(body: string, f: Fill): string {
  const name = f.visitorName?.trim() || f.fallback
  const values: Record<string, string> = {
    'visitor.name': name,
    'visitor.first_name': f.visitorName?.trim() ? name.split(/\s+/)[0]! : f.fallback,
    'visitor.email': f.visitorEmail ?? '',
    'agent.name': f.agentName,
  }
  return body.replace(/\{\s*(visitor\.name|visitor\.first_name|visitor\.email|agent\.name)\s*\}/g, (_, key: string) => values[key]!)
}
