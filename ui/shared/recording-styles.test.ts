import { describe, expect, it } from 'bun:test'
import { restoreStyles, shareStyles, STYLE_REF } from './recording-styles.ts'

const CSS = 'body { font: 16px Georgia; } ' + '.card { border: 1px solid #e7e0d5; } '.repeat(20)
const OTHER = 'main { display: grid; } '.repeat(20)
const RULES = Array.from({ length: 12 }, (_, i) => ({ rule: `.root .part-${i} { color: #1f2937; padding: ${i}px; }`, index: i }))

/** A page load as rrweb records it: meta, a full snapshot with a <style>, the widget's adopted styles. */
const pageLoad = (t: number, css = CSS) => [
  { type: 4, timestamp: t, data: { href: 'http://shop.test/', width: 1280, height: 800 } },
  {
    type: 2,
    timestamp: t + 1,
    data: {
      node: {
        type: 0,
        id: 1,
        childNodes: [
          { type: 2, id: 2, tagName: 'style', attributes: { _cssText: css }, childNodes: [] },
          { type: 2, id: 3, tagName: 'style', attributes: { _cssText: 'p { margin: 0 }' }, childNodes: [] },
          { type: 2, id: 4, tagName: 'p', attributes: {}, childNodes: [{ type: 3, id: 5, textContent: 'Hello' }] },
        ],
      },
      initialOffset: { top: 0, left: 0 },
    },
  },
  { type: 3, timestamp: t + 2, data: { source: 15, id: 9, styleIds: [1], styles: [{ styleId: 1, rules: structuredClone(RULES) }] } },
]

describe('stylesheets sent once per recording', () => {
  it('sends a repeated stylesheet as a reference, and the replay restores every event as recorded', () => {
    const recorded = [...pageLoad(1000), ...pageLoad(5000), { type: 3, timestamp: 6000, data: { source: 0, adds: [{ parentId: 1, node: { type: 2, id: 20, tagName: 'style', attributes: { _cssText: CSS }, childNodes: [] } }], removes: [], texts: [], attributes: [{ id: 30, attributes: { _cssText: OTHER } }] } }]
    const sent = new Set<string>()
    const shared = structuredClone(recorded)
    for (const e of shared) shareStyles(e, sent)
    const text = JSON.stringify(shared)
    // Each long stylesheet whole once; the short one is not worth a reference.
    expect(text.split(CSS).length - 1).toBe(1)
    expect(text.split(OTHER).length - 1).toBe(1)
    expect(text.split(RULES[5]!.rule).length - 1).toBe(1)
    expect(text.split('p { margin: 0 }').length - 1).toBe(2)
    expect(text.split(`"${STYLE_REF}"`).length - 1).toBe(3)
    expect(text.length).toBeLessThan(JSON.stringify(recorded).length - 2 * CSS.length - JSON.stringify(RULES).length + 200)

    // The replay gets the chunks' events (here in two batches, as the live view fetches them).
    const known = new Map()
    const replayed = JSON.parse(text)
    restoreStyles(replayed.slice(0, 4), known)
    restoreStyles(replayed.slice(4), known)
    expect(replayed).toEqual(recorded)
  })

  it('restores a reference whose copy comes later in the same batch, and drops one whose copy never arrived', () => {
    const sent = new Set<string>()
    const first = pageLoad(1000)
    const second = pageLoad(5000)
    for (const e of [...first, ...second]) shareStyles(e, sent)
    // Sorted by time, a reference can come before its copy; the first page's chunk may be lost.
    const orphan = structuredClone(second)
    const known = new Map()
    const swapped = [second[1]!, first[1]!]
    restoreStyles(swapped, known)
    expect(JSON.stringify(swapped)).not.toContain(STYLE_REF)
    expect((swapped[0]!.data as any).node.childNodes[0].attributes._cssText).toBe(CSS)
    restoreStyles(orphan, new Map())
    expect((orphan[1]!.data as any).node.childNodes[0].attributes).toEqual({})
    expect((orphan[2]!.data as any).styles[0].rules).toEqual([])
  })

  it('starts again with a new recording: nothing is a reference to what another recording sent', () => {
    const a = pageLoad(1000)
    for (const e of a) shareStyles(e, new Set())
    expect(JSON.stringify(a)).not.toContain(STYLE_REF)
  })
})
