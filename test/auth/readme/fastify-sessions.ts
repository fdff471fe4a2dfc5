import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionIoAdapter } from 'nestjs-djust';

export async function useFastifySessions(app: NestFastifyApplication, secret: string): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifySession, { secret, saveUninitialized: false, cookie: { secure: 'auto', sameSite: 'lax' } });
  // socket.io: load the same session on the engine, so SessionAuth sees session.user over WS too
  const fastify = app.getHttpAdapter().getInstance();
  const loadSession = (req: any, _res: unknown, next: (err?: unknown) => void) => {
    const sessionId = fastify.parseCookie(req.headers.cookie ?? '').sessionId;
    if (sessionId) fastify.decryptSession(sessionId, req, next);
    else next();
  };
  app.useWebSocketAdapter(new SessionIoAdapter(app, [loadSession]));
}
