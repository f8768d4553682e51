// The tiny script the embed snippet loads (budget: 3 KB gzipped). It never blocks the page: it
// adds <parley-chat> (beside <body>) once the body exists, loads the chat bundle as an async
// module, and when the element is defined, replays the calls queued in `parley.q` by the
// snippet's stub and routes later `parley(...)` calls straight to the widget.
type Call = ArrayLike<unknown>
type Stub = ((...args: unknown[]) => void) & { q?: Call[]; loaded?: boolean }

interface ParleyElement extends HTMLElement {
  command(...args: unknown[]): void
}

const w = window as unknown as { parley?: Stub }
const script =
  (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-parley-server]')
const server = (script?.getAttribute('data-parley-server') || (script?.src ? new URL(script.src).origin : location.origin)).replace(/\/+$/, '')

const stub: Stub =
  w.parley ??
  function (...args: unknown[]) {
    ;(stub.q ??= []).push(args)
  }
w.parley = stub

/** The chat bundle's content-hashed name, compiled in by scripts/build-ui.ts (cached for a year). */
declare const __PARLEY_ASSET_parley_chat_js__: string | undefined
const CHAT_FILE = typeof __PARLEY_ASSET_parley_chat_js__ === 'string' ? __PARLEY_ASSET_parley_chat_js__ : 'parley-chat.js'

function mount(): void {
  if (stub.loaded || document.querySelector('parley-chat')) return
  stub.loaded = true
  const el = document.createElement('parley-chat') as ParleyElement
  el.setAttribute('server', server)
  // Beside <body>, not in it: a site that transforms or filters its body (smooth-scroll and page
  // transition libraries do) makes the body the box of every position: fixed element inside it,
  // and the launcher would sit at the end of a long page instead of in the window's corner.
  document.documentElement.appendChild(el)
  const bundle = document.createElement('script')
  bundle.type = 'module'
  bundle.async = true
  bundle.src = `${server}/assets/${CHAT_FILE}`
  bundle.crossOrigin = 'anonymous'
  document.head.appendChild(bundle)
  void customElements.whenDefined('parley-chat').then(() => {
    const run = (args: Call) => {
      try {
        el.command(...Array.from(args))
      } catch (error) {
        console.error('[parley]', error)
      }
    }
    const real: Stub = (...args: unknown[]) => run(args)
    real.loaded = true
    w.parley = real
    for (const args of (stub.q ?? []).splice(0)) run(args)
  })
}

if (document.body) mount()
else document.addEventListener('DOMContentLoaded', mount, { once: true })
