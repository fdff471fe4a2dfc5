import { Injectable } from '@nestjs/common';
import type { DjustAuth, DjustAuthSecurityScheme } from '../interfaces/djust-auth.interface.js';

/**
 * The default auth class: the user the app's session middleware put on the request.
 *
 * Where it looks, in order:
 * 1. `request.user` — set by Passport sessions (`passport.session()` after
 *    express-session, or `@fastify/passport` on the fastify adapter). Over WS the
 *    request is `socket.request`, which carries `user` when the app runs the same
 *    middleware on socket.io's engine (`io.engine.use(...)`, see `SessionIoAdapter`).
 * 2. `request.session.user` — for apps that store the user in the session themselves
 *    (`req.session.user = user` with express-session or `@fastify/session`;
 *    `request.session.get('user')` with `@fastify/secure-session`).
 *
 * Anything else (no session, a destroyed session, an anonymous one) is `null`,
 * so the next auth class may try. CSRF is required when it wins: the header
 * `X-CSRF-Token` (or `X-CSRFToken`) must match the session's token, which
 * `GET /<prefix>/api/csrf` returns.
 *
 * The OpenAPI scheme names express-session's default cookie `connect.sid`;
 * subclass and override `static openapi` when your cookie is named otherwise
 * (`sessionId` with `@fastify/session`).
 *
 * @example
 * ```ts
 * DjustModule.forRoot({ authClasses: [SessionAuth] }) // the default
 * ```
 */
@Injectable()
export class SessionAuth implements DjustAuth {
  /** CSRF is required when this class authenticates the caller. */
  static readonly csrf: boolean = true;

  /** How the OpenAPI generator describes this class. */
  static readonly openapi: DjustAuthSecurityScheme = {
    name: 'session',
    scheme: { type: 'apiKey', in: 'cookie', name: 'connect.sid' },
  };

  /** Returns the session's user, or `null` for an anonymous caller. */
  authenticate(request: any): unknown {
    if (request == null) return null;
    const user = request.user;
    if (user != null && user !== false) return user;
    return readSessionUser(request.session);
  }
}

/** `session.user`, through `get()` when the session is an accessor object (secure-session). */
function readSessionUser(session: any): unknown {
  if (session == null || typeof session !== 'object') return null;
  const user = typeof session.get === 'function' ? (session.get('user') ?? session.user) : session.user;
  return user == null || user === false ? null : user;
}
