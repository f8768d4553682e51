// Messenger refuses a text longer than 2,000 characters: a longer reply goes out as several
// messages, cut between words where there is a space to cut at (a cut never splits a surrogate
// pair, so no emoji is broken in two).
export const MAX_TEXT_CHARS = 2000

export function splitText(text: string, max = MAX_TEXT_CHARS): string[] {
  const parts: string[] = []
  let rest = text.trim()
  while (rest.length > max) {
    let cut = -1
    for (let i = max; i > max / 2; i--) {
      if (/\s/.test(rest[i]!)) {
        cut = i
        break
      }
    }
    if (cut < 0) {
      cut = max
      // not between the two halves of a surrogate pair
      const code = rest.charCodeAt(cut - 1)
      if (code >= 0xd800 && code <= 0xdbff) cut--
    }
    parts.push(rest.slice(0, cut).trimEnd())
    rest = rest.slice(cut).trimStart()
  }
  if (rest) parts.push(rest)
  return parts
}
