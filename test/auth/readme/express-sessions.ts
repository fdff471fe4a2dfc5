import type { NestExpressApplication } from '@nestjs/platform-express';
import session from 'express-session';
import passport from 'passport';
import { SessionIoAdapter } from 'nestjs-djust';

export function useSessions(app: NestExpressApplication, secret: string): void {
  const sessionMiddleware = session({ secret, resave: false, saveUninitialized: false, cookie: { sameSite: 'lax' } });
  app.use(sessionMiddleware);
  app.use(passport.session());
  // socket.io: the same middleware on the engine, so SessionAuth sees the user over WS too
  app.useWebSocketAdapter(new SessionIoAdapter(app, [sessionMiddleware, passport.session()]));
}
