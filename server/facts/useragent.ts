// Operating system and browser with versions, from the User-Agent. bowser (MIT) names browsers and
// systems; on top of it, bots and in-app browsers are named here, because bowser calls an in-app
// browser by its host ("Chrome", or "Safari" without a version), an unknown crawler "Mozilla 5.0",
// and misses HTTP libraries, headless browsers and uptime monitors altogether.
import Bowser from 'bowser'

export interface UserAgentFacts {
  osName: string | null
  osVersion: string | null
  browserName: string | null
  browserVersion: string | null
}

// The stored browser name of a bot or an in-app browser is its English label; the dashboard
// recognises these two forms (ui/dashboard/visitor-panel/card.ts) and says them in the agent's
// language, and the API shows them as they are.
const botLabel = (name: string) => `Bot: ${name}`
const inAppLabel = (app: string) => `${app} in-app browser`

type Rule = { test: RegExp; name: string | ((m: RegExpExecArray) => string) }

// Named ones first: their product tokens vary ("Googlebot-Image", "Slackbot-LinkExpanding") or
// carry no "bot" at all (facebookexternalhit, HeadlessChrome, curl).
const BOTS: Rule[] = [
  { test: /Googlebot/i, name: 'Googlebot' },
  { test: /\b(AdsBot-Google(?:-Mobile)?|Mediapartners-Google|Storebot-Google|Google-InspectionTool|GoogleOther|FeedFetcher-Google|Google-Read-Aloud|APIs-Google|Google-Safety|Google Favicon)\b/, name: (m) => m[1]! },
  { test: /bingbot/i, name: 'Bingbot' },
  { test: /BingPreview/, name: 'BingPreview' },
  { test: /Applebot/, name: 'Applebot' },
  { test: /DuckDuckBot/i, name: 'DuckDuckBot' },
  { test: /Baiduspider/i, name: 'Baiduspider' },
  { test: /SeznamBot/i, name: 'SeznamBot' },
  { test: /Yahoo! Slurp/, name: 'Yahoo! Slurp' },
  { test: /facebookexternalhit/i, name: 'facebookexternalhit' },
  { test: /facebookcatalog/i, name: 'facebookcatalog' },
  { test: /\bFacebot\b/, name: 'Facebot' },
  { test: /\b(meta-external(?:agent|fetcher|ads)|meta-webindexer)\b/i, name: (m) => m[1]! },
  { test: /Slackbot/, name: 'Slackbot' },
  { test: /Slack-ImgProxy/i, name: 'Slack-ImgProxy' },
  { test: /Twitterbot/, name: 'Twitterbot' },
  { test: /LinkedInBot/, name: 'LinkedInBot' },
  { test: /Pinterestbot|Pinterest\/0\.\d/, name: 'Pinterestbot' },
  { test: /Discordbot/, name: 'Discordbot' },
  { test: /TelegramBot/, name: 'TelegramBot' },
  // WhatsApp's link previews; the app itself opens links in the phone's browser.
  { test: /^WhatsApp\//, name: 'WhatsApp' },
  { test: /\b(ChatGPT-User|Claude-User|Perplexity-User|anthropic-ai|cohere-ai)\b/, name: (m) => m[1]! },
  { test: /\bHeadlessChrome\b/, name: 'HeadlessChrome' },
  { test: /\bPhantomJS\b/, name: 'PhantomJS' },
  { test: /\bSlimerJS\b/, name: 'SlimerJS' },
  { test: /Chrome-Lighthouse|Google Page Speed Insights/, name: 'Lighthouse' },
  { test: /UptimeRobot/i, name: 'UptimeRobot' },
  { test: /Pingdom/i, name: 'Pingdom' },
  { test: /StatusCake/i, name: 'StatusCake' },
  { test: /Better ?Uptime|BetterStack/i, name: 'Better Stack' },
  { test: /Site24x7/i, name: 'Site24x7' },
  { test: /Datadog\/?Synthetics|DatadogSynthetics/i, name: 'Datadog Synthetics' },
  { test: /Uptime-Kuma/i, name: 'Uptime Kuma' },
  { test: /NewRelicPinger/i, name: 'New Relic' },
  { test: /\bCheckly\b/i, name: 'Checkly' },
  { test: /HetrixTools/i, name: 'HetrixTools' },
  { test: /Freshping/i, name: 'Freshping' },
  { test: /updown\.io/i, name: 'updown.io' },
  { test: /\bZabbix\b/i, name: 'Zabbix' },
  { test: /\bcheck_http\b|\bnagios\b/i, name: 'Nagios' },
  { test: /\bblackbox_exporter\b|\bPrometheus\//i, name: 'Prometheus' },
  // HTTP libraries and command-line tools, named by their own product token.
  {
    test: /^(curl|Wget|python-requests|Python-urllib|python-httpx|aiohttp|Go-http-client|node-fetch|undici|axios|okhttp|Java|Apache-HttpClient|libwww-perl|PostmanRuntime|insomnia|HTTPie|Scrapy|Ruby|Faraday|GuzzleHttp|Dart|Deno|RestSharp|WinHttp|Wget2|got|reqwest|Jakarta Commons-HttpClient|PHP)\b/i,
    name: (m) => m[1]!,
  },
]

// "AhrefsBot/7.0", "SemrushBot/7~bl", "Bytespider; …": a product token that calls itself a bot,
// crawler or spider. Only as a product token ("…/1.0", "…;") or after "compatible;", and not in
// capitals, so that a phone model such as "CUBOT" is not taken for one.
const BOT_TOKEN = /(?:^|[\s(;+])([A-Za-z][\w.!-]*?(?:[bB]ot|[cC]rawler|[sS]pider))(?:\/|[;)]|$)/
const COMPATIBLE_TOKEN = /\(compatible;\s*([A-Za-z][\w.!-]*?(?:bot|crawler|spider)[\w.-]*)/i
// Browsers never carry a web address in their User-Agent; bots do ("+http://…/bot.html").
const ADDRESS = /\+?https?:\/\/|\+http|@[a-z0-9-]+\.[a-z]{2,}/i
// Product tokens that say nothing about who is asking.
const GENERIC_TOKEN = /^(mozilla|compatible|applewebkit|khtml|gecko|like|version|mobile|safari|chrome|windows|linux|x11|macintosh|u|en-us)$/i

function botName(ua: string): string | null {
  for (const r of BOTS) {
    const m = r.test.exec(ua)
    if (m) return typeof r.name === 'string' ? r.name : r.name(m)
  }
  const token = BOT_TOKEN.exec(ua) ?? COMPATIBLE_TOKEN.exec(ua)
  if (token) return token[1]!
  if (ADDRESS.test(ua)) {
    const product = [...ua.matchAll(/([A-Za-z][\w.-]*)(?:\/[\w.]+)?/g)].map((m) => m[1]!).find((t) => !GENERIC_TOKEN.test(t) && !/^(https?|www)$/i.test(t))
    return product ?? 'unknown'
  }
  return null
}

type App = { test: RegExp; app: string; version?: RegExp }

// In-app browsers: the app that opened the page, with the app's own version where it gives one.
// Messenger and Instagram before Facebook, whose markers they share on some builds.
const APPS: App[] = [
  { test: /\bInstagram \d/, app: 'Instagram', version: /\bInstagram (\d[\d.]*)/ },
  { test: /FBAN\/Messenger|FB_IAB\/(?:Orca-Android|MESSENGER)|MessengerLite/i, app: 'Messenger', version: /FBAV\/(\d[\d.]*)/ },
  { test: /\bFBAN\/|\bFBAV\/|\bFB_IAB\/|\bFBIOS\b|\[FB/, app: 'Facebook', version: /FBAV\/(\d[\d.]*)/ },
  { test: /LinkedInApp/, app: 'LinkedIn', version: /LinkedInApp\]?\/(\d[\d.]*)/ },
  { test: /\b(?:musical_ly|trill)_|AppName\/(?:musical_ly|trill)|\bTikTok\b/, app: 'TikTok', version: /app_version\/(\d[\d.]*)|(?:musical_ly|trill)_(\d+\.\d+[\d.]*)(?:\s|$)/ },
  { test: /\bLine\/\d/, app: 'LINE', version: /\bLine\/(\d[\d.]*)/ },
  { test: /MicroMessenger\//i, app: 'WeChat', version: /MicroMessenger\/(\d[\d.]*)/i },
  { test: /Snapchat/, app: 'Snapchat', version: /Snapchat\/(\d[\d.]*)/ },
  { test: /\[Pinterest\/(?:iOS|Android)\]|Pinterest for (?:iOS|Android)/, app: 'Pinterest', version: /Pinterest for \w+\/(\d[\d.]*)/ },
  { test: /Twitter for iP(?:hone|ad)|TwitterAndroid/, app: 'X (Twitter)', version: /Twitter for iP(?:hone|ad)\/(\d[\d.]*)/ },
]

function inApp(ua: string): { name: string; version: string | null } | null {
  for (const a of APPS) {
    if (!a.test.test(ua)) continue
    const m = a.version?.exec(ua)
    const version = m ? (m.slice(1).find(Boolean) ?? null) : null
    return { name: inAppLabel(a.app), version }
  }
  // An app's own web view that does not name the app: Android marks it "; wv)"; on iOS it is
  // WebKit without the "Safari/…" token that Safari and every browser built on WebKit send.
  if (/\bAndroid\b/.test(ua) && /;\s*wv\)/.test(ua)) return { name: 'Android WebView', version: /Chrome\/(\d[\d.]*)/.exec(ua)?.[1] ?? null }
  if (/\((?:iPhone|iPad|iPod)\b/.test(ua) && /AppleWebKit\//.test(ua) && /\bMobile\/\w+/.test(ua) && !/Safari\//.test(ua)) {
    return { name: 'iOS WebView', version: null }
  }
  return null
}

export function parseUserAgent(ua: string | null | undefined): UserAgentFacts {
  if (!ua) return { osName: null, osVersion: null, browserName: null, browserVersion: null }
  ua = ua.slice(0, 1000)
  const bot = botName(ua)
  // A crawler's "Android 6.0.1" or "Windows" is a disguise, not the visitor's system.
  if (bot) return { osName: null, osVersion: null, browserName: botLabel(bot), browserVersion: null }
  const p = Bowser.parse(ua)
  // Numeric versions read best ("10.15.7", "17.1"); Windows reports "NT 10.0", whose name is "10".
  const v = p.os.version
  const osVersion = v && /^\d/.test(v) ? v : (p.os.versionName ?? v ?? null)
  const app = inApp(ua)
  // bowser's last resort is the "Mozilla/5.0" every User-Agent starts with, which names nothing.
  const browserName = p.browser.name && p.browser.name !== 'Mozilla' ? p.browser.name : null
  return {
    osName: p.os.name || null,
    osVersion: osVersion || null,
    browserName: app?.name ?? browserName,
    browserVersion: app ? app.version : browserName ? p.browser.version || null : null,
  }
}
