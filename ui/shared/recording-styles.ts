// Stylesheets in a recording, sent once. rrweb puts a page's whole CSS into every full snapshot
// (a <style> or inlined <link> as the `_cssText` attribute) and the widget's own styles into an
// adopted-stylesheet event, again on every page load. Most of a shop's pages share the same CSS,
// so the recorder sends each stylesheet the first time only; later copies in the same recording
// become a reference (`_parleyCss`: the text's hash) that the replay fills in from the copy it has
// already seen. Both sides call these functions on events in recording order.

/** Shorter stylesheets cost less than their reference is worth keeping track of. */
const MIN_SHARED = 256
export const STYLE_REF = '_parleyCss'

type Json = Record<string, unknown>
type SerializedNode = { type?: number; attributes?: Json; childNodes?: SerializedNode[] }
type Rule = { rule: string; index?: unknown }
type AdoptedStyle = { styleId: number; rules: Rule[]; [STYLE_REF]?: string }

/** A 53-bit hash of the text with its length: two different stylesheets never meet in practice. */
export function styleHash(text: string): string {
  let h1 = 0xdeadbeef ^ text.length
  let h2 = 0x41c6ce57 ^ text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + '.' + text.length.toString(36)
}

/**
 * What in an event may carry a stylesheet: a full snapshot's tree, a mutation's added nodes, and a
 * mutation's changed attributes (a <link> whose stylesheet loaded after the snapshot).
 */
function nodeRoots(e: { type: number; data: unknown }): SerializedNode[] {
  const data = e.data as Json | null
  if (!data || typeof data !== 'object') return []
  if (e.type === 2 && data.node) return [data.node as SerializedNode]
  if (e.type !== 3 || data.source !== 0) return []
  const adds = Array.isArray(data.adds) ? (data.adds as { node?: SerializedNode }[]).flatMap((a) => (a?.node ? [a.node] : [])) : []
  const changed = Array.isArray(data.attributes) ? (data.attributes as SerializedNode[]) : []
  return [...adds, ...changed]
}

function eachNode(roots: SerializedNode[], visit: (n: SerializedNode) => void): void {
  const stack = [...roots]
  while (stack.length) {
    const n = stack.pop()!
    if (!n || typeof n !== 'object') continue
    visit(n)
    if (Array.isArray(n.childNodes)) for (const c of n.childNodes) stack.push(c)
  }
}

function adoptedStyles(e: { type: number; data: unknown }): AdoptedStyle[] {
  const data = e.data as Json | null
  if (e.type !== 3 || !data || data.source !== 15 || !Array.isArray(data.styles)) return []
  return (data.styles as AdoptedStyle[]).filter((s) => s && typeof s === 'object')
}

const rulesText = (rules: Rule[]) => JSON.stringify(rules.map((r) => [r.rule, r.index ?? null]))

/**
 * The recorder's side: in place, a stylesheet already sent in this recording (its hash in `sent`)
 * is replaced by its reference; a new one is sent whole and its hash added to `sent`. Returns
 * whether `sent` grew.
 */
export function shareStyles(e: { type: number; data: unknown }, sent: Set<string>): boolean {
  let grew = false
  const seen = (text: string): string | null => {
    const h = styleHash(text)
    if (sent.has(h)) return h
    sent.add(h)
    grew = true
    return null
  }
  eachNode(nodeRoots(e), (n) => {
    const css = n.attributes?._cssText
    if (typeof css !== 'string' || css.length < MIN_SHARED) return
    const h = seen(css)
    if (h === null) return
    // A new attributes object: rrweb keeps the serialized node, and may change it later itself.
    const { _cssText, ...rest } = n.attributes!
    n.attributes = { ...rest, [STYLE_REF]: h }
  })
  for (const s of adoptedStyles(e)) {
    if (!Array.isArray(s.rules)) continue
    const text = rulesText(s.rules)
    if (text.length < MIN_SHARED) continue
    const h = seen(text)
    if (h === null) continue
    s.rules = []
    s[STYLE_REF] = h
  }
  return grew
}

/**
 * The replay's side: in place, each reference in these events (in recording order, following the
 * ones given before with the same `known`) is replaced by the stylesheet it stands for, learnt from
 * its first copy, which may sit anywhere earlier or in this batch (rrweb emits a few events out of
 * time order, and chunks are sorted by time). A reference to a copy that never arrived is dropped:
 * that page replays without its styles rather than not at all.
 */
export function restoreStyles(events: { type: number; data: unknown }[], known: Map<string, string | Rule[]>): void {
  for (const e of events) {
    eachNode(nodeRoots(e), (n) => {
      const css = n.attributes?._cssText
      if (typeof css === 'string' && css.length >= MIN_SHARED) known.set(styleHash(css), css)
    })
    for (const s of adoptedStyles(e)) {
      if (s[STYLE_REF] !== undefined || !Array.isArray(s.rules)) continue
      const text = rulesText(s.rules)
      if (text.length >= MIN_SHARED) known.set(styleHash(text), s.rules)
    }
  }
  for (const e of events) {
    eachNode(nodeRoots(e), (n) => {
      const ref = n.attributes?.[STYLE_REF]
      if (typeof ref !== 'string') return
      delete n.attributes![STYLE_REF]
      const css = known.get(ref)
      if (typeof css === 'string') n.attributes!._cssText = css
    })
    for (const s of adoptedStyles(e)) {
      const ref = s[STYLE_REF]
      if (typeof ref !== 'string') continue
      delete s[STYLE_REF]
      const rules = known.get(ref)
      if (Array.isArray(rules)) s.rules = rules
    }
  }
}
