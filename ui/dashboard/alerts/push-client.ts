// Web Push on this browser: the service worker (/sw.js, from the dashboard's own origin) and its
// push subscription, which the server stores for the signed-in agent so they are told of visitors
// when no dashboard tab is open.
import type { ApiClient } from '../../shared/api.ts'

export type PushState = 'unsupported' | 'denied' | 'off' | 'on'

export function pushSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined'
}

export async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' })
  return navigator.serviceWorker.ready
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported'
  if (Notification.permission === 'denied') return 'denied'
  const reg = await navigator.serviceWorker.getRegistration('/')
  const sub = await reg?.pushManager.getSubscription()
  return sub ? 'on' : 'off'
}

/** Must run inside a click: asks for permission, subscribes with the server's VAPID key, tells the server. */
export async function enablePush(api: ApiClient): Promise<void> {
  if ((await Notification.requestPermission()) !== 'granted') throw new PushPermissionError()
  const reg = await registration()
  const { publicKey } = await api.get<{ publicKey: string }>('/api/push/key')
  const key = Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
  const existing = await reg.pushManager.getSubscription()
  const sub = existing ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }))
  await api.post('/api/push/subscriptions', sub.toJSON())
}

export async function disablePush(api: ApiClient): Promise<void> {
  const reg = await navigator.serviceWorker.getRegistration('/')
  const sub = await reg?.pushManager.getSubscription()
  if (!sub) return
  await api.request('DELETE', '/api/push/subscriptions', { endpoint: sub.endpoint }).catch(() => {})
  await sub.unsubscribe()
}

export class PushPermissionError extends Error {}
