// Operating system and browser with versions, from the User-Agent (bowser, MIT).
import Bowser from 'bowser'

export interface UserAgentFacts {
  osName: string | null
  osVersion: string | null
  browserName: string | null
  browserVersion: string | null
}

export function parseUserAgent(ua: string | null | undefined): UserAgentFacts {
  if (!ua) return { osName: null, osVersion: null, browserName: null, browserVersion: null }
  const p = Bowser.parse(ua.slice(0, 1000))
  // Numeric versions read best ("10.15.7", "17.1"); Windows reports "NT 10.0", whose name is "10".
  const v = p.os.version
  const osVersion = v && /^\d/.test(v) ? v : (p.os.versionName ?? v ?? null)
  return {
    osName: p.os.name ?? null,
    osVersion,
    browserName: p.browser.name ?? null,
    browserVersion: p.browser.version ?? null,
  }
}
