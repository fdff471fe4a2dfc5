import type { CallContext } from '../core/call-context.interface.js';

/**
 * The call context of a socket: its handshake request, with
 * `handshake.auth.token` copied into `Authorization: Bearer <token>` (unless
 * the handshake already carries an Authorization header).
 */
export function wsContext(socket: any): CallContext {
  const request = socket.request ?? {};
  const token = socket.handshake?.auth?.token;
  let headers: Record<string, string | string[] | undefined> = request.headers ?? {};
  if (typeof token === 'string' && token.length > 0 && token.length <= 8192 && !headers.authorization) {
    headers = { ...headers, authorization: `Bearer ${token}` };
  }
  // Auth classes receive a request-like object: the handshake request's own
  // properties (session, user set by engine middleware) with the headers above.
  const view = Object.create(request, { headers: { value: headers, enumerable: true } });
  return {
    transport: 'ws',
    request: view,
    headers,
    ip: socket.handshake?.address ?? request.socket?.remoteAddress,
    session: request.session,
    httpRequest: undefined,
    socket,
  };
}

/**
 * Whether a cookie-carrying handshake comes from an allowed Origin: the Host's
 * own origin, or one of `allowedOrigins`. Handshakes without cookies or
 * without an Origin header (non-browser clients) are not cookie-authenticated
 * browser sockets and pass.
 */
export function originAllowed(headers: Record<string, string | string[] | undefined>, allowed: readonly string[]): boolean {
  const origin = headers.origin;
  if (!headers.cookie || typeof origin !== 'string') return true;
  if (allowed.includes(origin)) return true;
  const host = headers['x-forwarded-host'] ?? headers.host;
  try {
    return typeof host === 'string' && new URL(origin).host === host;
  } catch {
    return false;
  }
}
