// Which agents a note mentions: `@` followed by an agent's name, as the composer inserts it
// ("@Alex Smith"), matched without regard to case and ending at a non-letter. Pure, so it is
// unit-tested without a database.

export interface Mentionable {
  id: string
  name: string
}

export function mentionsIn(body: string, agents: readonly Mentionable[]): string[] {
  const text = body.toLowerCase()
  const found = new Set<string>()
  // Longest names first, so "@Ann Lee" is Ann Lee and not also a shorter "Ann".
  const byLength = [...agents].filter((a) => a.name.trim() !== '').sort((a, b) => b.name.length - a.name.length)
  const taken: [number, number][] = []
  for (const agent of byLength) {
    const needle = '@' + agent.name.trim().toLowerCase()
    let from = 0
    for (let guard = 0; guard < 1000; guard++) {
      const at = text.indexOf(needle, from)
      if (at < 0) break
      from = at + needle.length
      const after = text.slice(from, from + 1)
      if (after !== '' && /[\p{L}\p{N}_]/u.test(after)) continue
      if (taken.some(([s, e]) => at >= s && at < e)) continue
      taken.push([at, from])
      found.add(agent.id)
    }
  }
  return [...found]
}
