// A small popover's dismissal, for the thread header's menus (tags, transfer): a click outside the
// element or Escape anywhere closes it, and Escape puts focus back on the button that opened it.
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export class PopoverDismiss implements ReactiveController {
  constructor(
    private host: ReactiveControllerHost & HTMLElement & { open: boolean; renderRoot: HTMLElement | DocumentFragment },
    private opener: string,
  ) {
    host.addController(this)
  }

  private outside = (e: Event) => {
    if (this.host.open && !e.composedPath().includes(this.host)) this.host.open = false
  }

  private escape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !this.host.open) return
    e.preventDefault()
    this.host.open = false
    void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLButtonElement>(this.opener)?.focus())
  }

  hostConnected(): void {
    document.addEventListener('click', this.outside)
    document.addEventListener('keydown', this.escape)
  }

  hostDisconnected(): void {
    document.removeEventListener('click', this.outside)
    document.removeEventListener('keydown', this.escape)
  }
}
