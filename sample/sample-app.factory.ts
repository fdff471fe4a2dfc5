import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import session from 'express-session';
import { randomBytes } from 'node:crypto';
import type passport from 'passport';
import { SessionIoAdapter, withDjust } from '../src/index.js';
import { SamplePassport } from './auth/sample-passport.factory.js';
import { SqlClient } from './database/sql-client.js';
import { djustClientDir, samplePublicDir } from './sample-assets.js';
import { SampleModule, type SampleModuleOptions } from './sample.module.js';
import { ClusterIoAdapter } from './scaleout/cluster-io.adapter.js';
import { SampleRedis } from './scaleout/sample-redis.js';

/** Options of {@link createSampleApp}. Nothing is read from the environment here (`main.ts` does that). */
export interface SampleAppOptions extends Omit<SampleModuleOptions, 'redis'> {
  /** Signs the session cookie. Default: random per start (sessions end on restart). Several processes need the same one. */
  sessionSecret?: string;
  /** Where sessions are kept. Default: express-session's `MemoryStore` (one process, lost on restart); Redis with `redisUrl`. */
  sessionStore?: session.Store;
  /**
   * A Redis server shared by several processes of the sample (`REDIS_URL`):
   * sessions (connect-redis), rate-limit buckets (`RedisThrottlerStorage`),
   * idempotency keys and the socket.io adapter (`@socket.io/redis-adapter`,
   * sharded), so a session is valid on every process, a limit counts every
   * process, an event resent after a failover runs once, and a
   * `DjustPublisher` publication reaches the views of every process.
   * Default: none; everything stays in this process.
   */
  redisUrl?: string;
  /** express's `trust proxy` setting (e.g. `'loopback'` behind a local balancer): client IPs from `X-Forwarded-For`. Default: not set. */
  trustProxy?: boolean | number | string;
  /** Nest's logger: `false` for silence, or the levels to print. Default: Nest's default. */
  logger?: false | LogLevel[];
}

/** Where the sample serves what. */
export const SAMPLE_PATHS = {
  page: '/',
  swaggerUi: '/docs',
  swaggerJson: '/docs-json',
  openapi: '/djust/api/openapi.json',
  csrf: '/djust/api/csrf',
  client: '/djust-client/',
} as const;

/**
 * Builds the sample app, ready to `listen()`: express with sessions and
 * Passport (HTTP and socket.io), the page at `/`, the djust browser client
 * at `/djust-client/`, Swagger UI at `/docs` with the djust operations merged.
 * Used by `main.ts` and by the tests.
 */
export async function createSampleApp(options: SampleAppOptions = {}): Promise<NestExpressApplication> {
  const redis = options.redisUrl ? await SampleRedis.connect(options.redisUrl) : undefined;
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      SampleModule.forRoot({ ...options, throttlerStorage: options.throttlerStorage ?? redis?.throttlerStorage(), redis }),
      { logger: options.logger === undefined ? undefined : options.logger },
    );
  } catch (err) {
    await redis?.close();
    throw err;
  }
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  // Sessions + Passport, for HTTP requests and for socket.io handshakes alike.
  const pp = app.get<passport.Authenticator>(SamplePassport);
  const sessionMiddleware = session({
    secret: options.sessionSecret ?? randomBytes(32).toString('base64url'),
    store: options.sessionStore ?? redis?.sessionStore(),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  });
  const middlewares = [sessionMiddleware, pp.initialize(), pp.session()];
  for (const middleware of middlewares) app.use(middleware);
  // With Redis, socket.io's adapter carries DjustPublisher's publications to the other processes.
  app.useWebSocketAdapter(redis ? new ClusterIoAdapter(app, middlewares, redis.ioAdapter()) : new SessionIoAdapter(app, middlewares));

  // The page and the browser client (socket.io serves its own at /socket.io/socket.io.js).
  app.useStaticAssets(samplePublicDir(), { index: 'index.html' });
  const clientDir = djustClientDir();
  if (clientDir) app.useStaticAssets(clientDir, { prefix: SAMPLE_PATHS.client });

  // Swagger UI: the app's own routes plus every exposeApi handler, as OpenAPI 3.1,
  // in Nest's usual order (before app.listen(), no app.init() needed).
  const config = new DocumentBuilder()
    .setTitle('nestjs-djust sample')
    .setDescription(
      'Orders over HTTP and socket.io. Session calls: POST /login, then GET /djust/api/csrf and send the token as X-CSRF-Token. ' +
        'Token calls: "Authorize" with the demo token printed at startup.',
    )
    .setVersion('1.0.0')
    .setOpenAPIVersion('3.1.0')
    .build();
  SwaggerModule.setup(SAMPLE_PATHS.swaggerUi.slice(1), app, withDjust(app, SwaggerModule.createDocument(app, config)), {
    jsonDocumentUrl: SAMPLE_PATHS.swaggerJson.slice(1),
    swaggerOptions: { persistAuthorization: true },
  });

  app.enableShutdownHooks();
  return app;
}

/** The database description of a built sample app (for the startup banner). */
export function sampleDatabaseDescription(app: NestExpressApplication): string {
  return app.get<SqlClient>(SqlClient).description;
}
