/**
 * Cross-site WebSocket hijacking defence: a handshake that carries cookies
 * (ambient credentials a browser attaches on its own) must come from the
 * Host's own origin or from one of `allowedOrigins`.
 *
 * Browsers always send `Origin` on WebSocket and cross-origin requests, so a
 * handshake without cookies, or without an `Origin` (a non-browser client, a
 * same-origin polling GET), passes. `Origin: null` (sandboxed frames, `file:`)
 * and malformed origins never match. Only `Host` is compared; behind a proxy
 * that rewrites it, list the public origin in `allowedOrigins`.
 */
export class WsOriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins.map(normalizeOrigin).filter((o): o is string => o !== undefined));
  }

  /** Whether a handshake with these headers may connect. */
  allows(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
    const origin = headers.origin;
    if (!headers.cookie || origin === undefined) return true;
    if (typeof origin !== 'string') return false;
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return false;
    if (this.allowed.has(normalized)) return true;
    const host = headers.host;
    if (typeof host !== 'string' || host === '') return false;
    try {
      const own = new URL(`${new URL(normalized).protocol}//${host}`);
      return own.origin === normalized;
    } catch {
      return false;
    }
  }
}

/** `scheme://host[:port]` lower-cased with the default port dropped, or `undefined` when not an http(s) origin. */
function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
