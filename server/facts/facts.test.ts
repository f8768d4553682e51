import { describe, expect, it } from 'bun:test'
import { GeoLocator } from './geo.ts'
import { parseUserAgent } from './useragent.ts'

describe('visitor facts', () => {
  const geo = new GeoLocator()
  it('finds country and city for IPv4 and IPv6 addresses', async () => {
    expect(await geo.locate('81.2.69.160')).toEqual({ countryCode: 'GB', region: 'England', city: 'Bracknell' })
    expect((await geo.locate('2a00:1450:4001:82a::200e'))?.countryCode).toBe('DE')
    expect((await geo.locate('::ffff:81.2.69.160'))?.countryCode).toBe('GB')
  })
  it('has no location for private, loopback and invalid addresses', async () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.10', '::1', 'fe80::1', 'unknown', '', null]) {
      expect(await geo.locate(ip)).toBeNull()
    }
  })
  it('reads OS and browser with versions from the User-Agent', () => {
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')).toEqual({
      osName: 'Windows',
      osVersion: '10',
      browserName: 'Chrome',
      browserVersion: '120.0.0.0',
    })
    const iphone = parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1')
    expect(iphone).toMatchObject({ osName: 'iOS', osVersion: '17.1', browserName: 'Safari', browserVersion: '17.1' })
    const ff = parseUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')
    expect(ff).toMatchObject({ osName: 'Linux', browserName: 'Firefox', browserVersion: '121.0' })
    expect(parseUserAgent('')).toEqual({ osName: null, osVersion: null, browserName: null, browserVersion: null })
  })
})

// Real User-Agent strings, and what the visitor card shows for each: browser, then system.
const BROWSERS: [string, string | null, string | null][] = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome 120.0.0.0', 'Windows 10'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', 'Safari 17.1', 'macOS 10.15.7'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox 121.0', 'Linux'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91', 'Microsoft Edge 120.0.2210.91', 'Windows 10'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0', 'Opera 106.0.0.0', 'Windows 10'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36', 'Chrome 120.0.6099.144', 'Android 10'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', 'Safari 17.1', 'iOS 17.1'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1', 'Chrome 120.0.6099.119', 'iOS 17.2'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15', 'Firefox 121.0', 'iOS 17.2'],
  ['Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36', 'Samsung Internet for Android 23.0', 'Android 14'],
  ['Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0', 'Firefox 121.0', 'Android 14'],
  ['Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', 'Safari 16.6', 'iOS 16.6'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome 120.0.0.0', 'macOS 10.15.7'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome 120.0.0.0', 'Chrome OS'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36', 'Yandex Browser 24.1.0.0', 'Windows 10'],
  ['Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko', 'Internet Explorer 11.0', 'Windows 7'],
  ['Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36', 'Chrome 120.0.6099.144', 'Android 10'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/295.0.590048842 Mobile/15E148 Safari/604.1', 'Google Search 295.0.590048842', 'iOS 17.1'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) EdgiOS/120.0.2210.126 Version/17.0 Mobile/15E148 Safari/604.1', 'Microsoft Edge 120.0.2210.126', 'iOS 17.1'],
]
const IN_APP: [string, string | null, string | null][] = [
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]', 'Facebook in-app browser', 'iOS 17.1.2'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/444.0.0.41.110;FBBV/544409383;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/cs_CZ;FBOP/5;FBRV/546215430]', 'Facebook in-app browser 444.0.0.41.110', 'iOS 17.1.2'],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/445.0.0.34.118;]', 'Facebook in-app browser 445.0.0.34.118', 'Android 14'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 312.0.0.34.111 (iPhone15,2; iOS 17_1; de_DE; de; scale=3.00; 1179x2556; 549445925)', 'Instagram in-app browser 312.0.0.34.111', 'iOS 17.1'],
  ['Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36 Instagram 310.0.0.37.328 Android (33/13; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_US; 541635890)', 'Instagram in-app browser 310.0.0.37.328', 'Android 13'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/439.0.0.29.115;FBBV/529381540;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/17.0;FBSS/3;FBCR/;FBID/phone;FBLC/pl_PL;FBOP/5]', 'Messenger in-app browser 439.0.0.29.115', 'iOS 17.0'],
  ['Mozilla/5.0 (Linux; Android 12; SM-A525F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [FB_IAB/Orca-Android;FBAV/440.0.0.31.108;]', 'Messenger in-app browser 440.0.0.31.108', 'Android 12'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.1236', 'LinkedIn in-app browser 9.29.1236', 'iOS 16.6'],
  ['Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [LinkedInApp]/9.29.8960', 'LinkedIn in-app browser 9.29.8960', 'Android 13'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US RevealType/Dialog isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6 FalconTag/', 'TikTok in-app browser 32.5.0', 'iOS 17.1'],
  ['Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36 trill_2023205030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill app_version/32.5.3 ByteLocale/de ByteFullLocale/de Region/DE AppId/1180 Spark/1.4.6.3-bugfix AppVersion/32.5.3 BytedanceWebview/d8a21c6', 'TikTok in-app browser 32.5.3', 'Android 13'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.21.0', 'LINE in-app browser 13.21.0', 'iOS 17.1'],
  ['Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Line/13.21.1/IAB', 'LINE in-app browser 13.21.1', 'Android 13'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2c) NetType/WIFI Language/zh_CN', 'WeChat in-app browser 8.0.44', 'iOS 17.1'],
  ['Mozilla/5.0 (Linux; Android 13; V2238A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110005 MMWEBSDK/20230805 MMWEBID/2681 MicroMessenger/8.0.42.2460(0x28002A58) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64', 'WeChat in-app browser 8.0.42.2460', 'Android 13'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.66.0.36 (like Safari/8617.1.17.10.4, panda)', 'Snapchat in-app browser 12.66.0.36', 'iOS 17.1'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]', 'Pinterest in-app browser', 'iOS 17.1'],
  ['Mozilla/5.0 (Linux; Android 13; Pixel 6 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [Pinterest/Android]', 'Pinterest in-app browser', 'Android 13'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.20', 'X (Twitter) in-app browser 10.20', 'iOS 17.1'],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240105.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 TwitterAndroid', 'X (Twitter) in-app browser', 'Android 14'],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240105.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36', 'Android WebView 120.0.6099.230', 'Android 14'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'iOS WebView', 'iOS 17.1'],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Bot: Googlebot', null],
]
const BOTS: [string, string | null, string | null][] = [
  ['Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.216 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Bot: Googlebot', null],
  ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36', 'Bot: Bingbot', null],
  ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'Bot: YandexBot', null],
  ['Mozilla/5.0 (compatible; SeznamBot/4.0; +https://o-seznam.cz/napoveda/vyhledavani/seznambot-crawler/)', 'Bot: SeznamBot', null],
  ['Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'Bot: Baiduspider', null],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)', 'Bot: Applebot', null],
  ['DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)', 'Bot: DuckDuckBot', null],
  ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Bot: facebookexternalhit', null],
  ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'Bot: Slackbot', null],
  ['Twitterbot/1.0', 'Bot: Twitterbot', null],
  ['LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)', 'Bot: LinkedInBot', null],
  ['Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'Bot: Discordbot', null],
  ['WhatsApp/2.23.20.0 A', 'Bot: WhatsApp', null],
  ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 'Bot: AhrefsBot', null],
  ['Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)', 'Bot: SemrushBot', null],
  ['Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)', 'Bot: MJ12bot', null],
  ['Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)', 'Bot: DotBot', null],
  ['Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)', 'Bot: PetalBot', null],
  ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', 'Bot: GPTBot', null],
  ['Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)', 'Bot: Bytespider', null],
  ['curl/8.5.0', 'Bot: curl', null],
  ['Wget/1.21.4', 'Bot: Wget', null],
  ['python-requests/2.31.0', 'Bot: python-requests', null],
  ['Go-http-client/1.1', 'Bot: Go-http-client', null],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.224 Safari/537.36', 'Bot: HeadlessChrome', null],
  ['Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse', 'Bot: Lighthouse', null],
  ['Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 'Bot: UptimeRobot', null],
  ['Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)', 'Bot: Pingdom', null],
  ['Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.75 Safari/537.36', 'Bot: Better Stack', null],
  ['Mozilla/5.0 (compatible; StatusCake)', 'Bot: StatusCake', null],
  ['Uptime-Kuma/1.23.11', 'Bot: Uptime Kuma', null],
]

const shown = (name: string | null, version: string | null) => (name ? (version ? `${name} ${version}` : name) : null)

describe('the browser on the visitor card', () => {
  for (const [group, rows] of [
  ['a browser, with its version', BROWSERS],
  ['the app whose in-app browser it is', IN_APP],
  ['a bot as a bot, without the system it pretends to run on', BOTS],
  ] as const) {
    it(`shows ${group}`, () => {
      for (const [ua, browser, os] of rows) {
        const f = parseUserAgent(ua)
        expect({ ua, browser: shown(f.browserName, f.browserVersion), os: shown(f.osName, f.osVersion) }).toEqual({ ua, browser, os })
      }
    })
  }

  it('names a bot it has no rule for by its own product token or its address', () => {
    expect(parseUserAgent('Mozilla/5.0 (compatible; ExampleCrawler/0.3; +https://crawler.example)').browserName).toBe('Bot: ExampleCrawler')
    expect(parseUserAgent('NewsFetcher/2.0 (+https://news.example/about)').browserName).toBe('Bot: NewsFetcher')
    expect(parseUserAgent('Mozilla/5.0 (compatible; Unknown/1.0)').browserName).toBeNull()
    // a phone maker's name in capitals is not a bot's
    expect(parseUserAgent('Mozilla/5.0 (Linux; Android 9; CUBOT) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36').browserName).toBe('Chrome')
  })
})
