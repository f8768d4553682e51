// The dashboard's service worker (served at /sw.js, scope /): shows a Web Push as a desktop
// notification when no dashboard tab is open, and opens the conversation when it is clicked —
// in a dashboard tab already open if there is one, else in a new one. It caches nothing.

// The DOM and WebWorker type libraries cannot both be loaded; what this file uses is typed here.
interface PushMessage {
  title: string
  body: string
  conversationId: string | null
  tag: string
}
interface WindowClientLike {
  url: string
  focus(): Promise<unknown>
  postMessage(message: unknown): void
}
interface SwScope {
  location: Location
  registration: ServiceWorkerRegistration
  clients: {
    claim(): Promise<void>
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>
    openWindow(url: string): Promise<WindowClientLike | null>
  }
  skipWaiting(): Promise<void>
  addEventListener(type: string, fn: (e: any) => void): void
}

const sw = self as unknown as SwScope

function parse(data: { json(): unknown } | null): PushMessage | null {
  try {
    const p = data?.json() as Partial<PushMessage> | undefined
    if (!p || typeof p.title !== 'string') return null
    return {
      title: p.title.slice(0, 200),
      body: typeof p.body === 'string' ? p.body.slice(0, 300) : '',
      conversationId: typeof p.conversationId === 'string' && /^[0-9a-f-]{36}$/i.test(p.conversationId) ? p.conversationId : null,
      tag: typeof p.tag === 'string' ? p.tag : 'parley',
    }
  } catch {
    return null
  }
}

sw.addEventListener('install', (e) => e.waitUntil(sw.skipWaiting()))
sw.addEventListener('activate', (e) => e.waitUntil(sw.clients.claim()))

sw.addEventListener('push', (e) => {
  const p = parse(e.data)
  if (!p) return
  e.waitUntil(sw.registration.showNotification(p.title, { body: p.body, tag: p.tag, data: { conversationId: p.conversationId } }))
})

sw.addEventListener('notificationclick', (e) => {
  e.notification.close()
  const id: string | null = e.notification.data?.conversationId ?? null
  const url = new URL(id ? `/#/c/${id}` : '/', sw.location.origin).href
  e.waitUntil(
    (async () => {
      const tabs = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const tab = tabs.find((c) => new URL(c.url).origin === sw.location.origin)
      if (tab) {
        // The tab changes its own hash (a service worker may only navigate tabs it controls).
        tab.postMessage({ type: 'parley-open', conversationId: id })
        await tab.focus().catch(() => {})
        return
      }
      await sw.clients.openWindow(url)
    })(),
  )
})
