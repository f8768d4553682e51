// When the widget and the dashboard ask the server again after it said "not now" (a 503 or an
// error frame with `retryAfter`: its database away for a moment): the server's wait, doubled for
// each refusal in a row. One rule for every retry of both UIs.

/** How many times a read refused with 503 is asked again (after 1 + 2 + 4 + 8 s). */
export const READ_RETRIES = 4

/**
 * Seconds to wait before trying again after the `refusals`-th refusal in a row (0 for the first):
 * the server's Retry-After (1 s when it gave none), doubled each time, at most `maxSeconds`.
 */
export function againAfterSeconds(retryAfter: number | null | undefined, refusals: number, maxSeconds = Infinity): number {
  return Math.min((retryAfter || 1) * 2 ** refusals, maxSeconds)
}
