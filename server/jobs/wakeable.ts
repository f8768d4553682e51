// A job loop's sleep that a wake() cuts short; a wake() that comes while the loop is busy makes
// the next sleep return at once, so no nudge is lost.
export class Wakeable {
  private wakeFn: (() => void) | null = null
  private pending = false
  wake(): void {
    this.pending = true
    this.wakeFn?.()
  }
  async sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false
      return
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms)
      this.wakeFn = () => {
        clearTimeout(t)
        resolve()
      }
    })
    this.wakeFn = null
    this.pending = false
  }
}
