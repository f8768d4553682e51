// Response headers that keep browsers strict. Every answer: nosniff (a JSON or text answer is
// never run as script or style) and a same-origin Referrer-Policy (conversation URLs never leak
// to the sites agents follow links to). The dashboard and the API docs, which hold an agent's
// session, also get a Content-Security-Policy without inline script and may not be framed
// (clickjacking). The widget's files and API are fetched by other sites, so they get neither.

export const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

const sha256 = (text: string) => `'sha256-${new Bun.CryptoHasher('sha256').update(text).digest('base64')}'`

/**
 * The policy for pages that hold a session. Inline <style> elements are allowed only by their
 * hash; style attributes are allowed (Lit binds colours of avatars through them; they cannot run
 * script). WebSockets to the same host are 'self'.
 */
export function pageHeaders(inlineStyles: string[] = []): Record<string, string> {
  const hashes = inlineStyles.map(sha256)
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    `style-src-elem 'self' ${hashes.join(' ')}`.trim(),
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return { 'content-security-policy': csp, 'x-frame-options': 'DENY' }
}
