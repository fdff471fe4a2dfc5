import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';

/** A connect-style middleware, as express-session and `passport.session()` are. */
export type EngineMiddleware = (req: any, res: any, next: (err?: unknown) => void) => void;

/**
 * An `IoAdapter` that runs the app's session middleware on socket.io's engine
 * (`io.engine.use(...)`) for every handshake, so `socket.request` carries
 * `session` and — with `passport.session()` — `user`, which is what
 * `SessionAuth` reads over WS. Express adapter: the middlewares are the same
 * instances the app uses with `app.use(...)`.
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
    for (const middleware of this.middlewares) server.engine.use(middleware);
    return server;
  }
}
