import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';

/** A connect-style middleware, as express-session and `passport.session()` are. */
export type EngineMiddleware = (req: any, res: any, next: (err?: unknown) => void) => void;

/**
 * An `IoAdapter` that runs the app's session middleware on socket.io's engine
 * (`io.engine.use(...)`) for each connection's handshake request, so
 * `socket.request` carries `session` and — with `passport.session()` — `user`,
 * which is what `SessionAuth` reads over WS. Express adapter: pass the same
 * middleware instances the app uses with `app.use(...)`. Fastify adapter: pass
 * a function that loads the `@fastify/session` session onto the request (see
 * the README).
 *
 * The middlewares run once per connection: on the handshake request only (the
 * one `socket.request` is), never on the later polling or upgrade requests of
 * the same connection, so the session store is read once and never rewritten.
 * The user is the session's user at connect time. A middleware that fails
 * refuses the connection.
 *
 * @example
 * ```ts
 * const sessionMiddleware = session({ secret, resave: false, saveUninitialized: false });
 * app.use(sessionMiddleware);
 * app.use(passport.session());
 * app.useWebSocketAdapter(new SessionIoAdapter(app, [sessionMiddleware, passport.session()]));
 * ```
 */
export class SessionIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext | object,
    private readonly middlewares: readonly EngineMiddleware[],
  ) {
    super(app);
  }

  override createIOServer(...args: Parameters<IoAdapter['createIOServer']>): ReturnType<IoAdapter['createIOServer']> {
    const server = super.createIOServer(...args);
    for (const middleware of this.middlewares) server.engine.use(handshakeOnly(middleware));
    return server;
  }
}

/**
 * Wraps a middleware so it runs only on a connection's first request: engine.io
 * requests that belong to an open connection carry its id as the `sid` query
 * parameter of their URL (engine.io's protocol); the handshake has none.
 */
export function handshakeOnly(middleware: EngineMiddleware): EngineMiddleware {
  return (req, res, next) => {
    if (hasSessionId(req?.url)) return next();
    middleware(req, res, next);
  };
}

function hasSessionId(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  const query = url.indexOf('?');
  return query >= 0 && new URLSearchParams(url.slice(query + 1)).has('sid');
}
