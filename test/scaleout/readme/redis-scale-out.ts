import type { NestExpressApplication } from '@nestjs/platform-express';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { Redis } from 'ioredis';
import passport from 'passport';
import { RedisThrottlerStorage, SessionIoAdapter } from 'nestjs-djust';

// Fail fast while Redis is away (no offline queue); each client reconnects by itself.
const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 10_000 };
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const commands = new Redis(url, options); // sessions, rate-limit buckets, idempotency keys
const pub = new Redis(url, options); // the socket.io adapter: publish...
const sub = new Redis(url, options); // ...and subscribe

/** For DjustModule.forRoot({ throttlerStorage, idempotency }): shared by every process. */
export const throttlerStorage = new RedisThrottlerStorage(commands); // one bucket per (view, handler, caller)
export const idempotency = { redis: commands }; // an event resent after a failover runs once

/** SessionIoAdapter plus the sharded Redis adapter: DjustPublisher now reaches every process. */
class RedisIoAdapter extends SessionIoAdapter {
  override createIOServer(...args: Parameters<SessionIoAdapter['createIOServer']>) {
    const server = super.createIOServer(...args);
    server.adapter(createShardedAdapter(pub, sub, { subscriptionMode: 'static' }));
    return server;
  }
}

/** In main.ts, before app.listen(); after app.close(), `await closeRedis()`. */
export async function useRedis(app: NestExpressApplication, secret: string): Promise<void> {
  await Promise.all([commands, pub, sub].map((client) => client.connect()));
  app.set('trust proxy', 'loopback'); // client IPs from the balancer's X-Forwarded-For
  const sessionMiddleware = session({ secret, store: new RedisStore({ client: commands }), resave: false, saveUninitialized: false });
  app.use(sessionMiddleware);
  app.use(passport.session());
  app.useWebSocketAdapter(new RedisIoAdapter(app, [sessionMiddleware, passport.session()]));
}

export async function closeRedis(): Promise<void> {
  await Promise.all([commands, pub, sub].map((client) => client.quit()));
}
