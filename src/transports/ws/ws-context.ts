import type { CallContext } from '../../protocol/call-context.js';
import { handshakeIp, type TrustProxyFn } from './handshake-ip.js';

/** Longest `handshake.auth.token` read as a bearer token. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * The call context of a socket, built once per connection from its handshake
 * request: `handshake.auth.token` (a string) is copied into
 * `Authorization: Bearer <token>` unless the handshake already carries an
 * Authorization header. Auth classes receive a request-like object that reads
 * through to `socket.request` (so `session` and a Passport `user` set by engine
 * middleware are seen live) with those headers. The caller IP honours the
 * app's trusted proxies like `req.ip` does (`trust`).
 */
export function wsContext(socket: any, trust?: TrustProxyFn): CallContext {
  const request = socket.request ?? {};
  const token = socket.handshake?.auth?.token;
  let headers: Record<string, string | string[] | undefined> = request.headers ?? {};
  if (typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN_LENGTH && !headers.authorization) {
    headers = { ...headers, authorization: `Bearer ${token}` };
  }
  const view = Object.create(request, { headers: { value: headers, enumerable: true } });
  return {
    transport: 'ws',
    request: view,
    headers,
    ip: handshakeIp(request, socket.handshake?.address, trust),
    session: request.session,
    httpRequest: undefined,
    socket,
  };
}
