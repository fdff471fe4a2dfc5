import type { AddressInfo } from 'node:net';
import { DEMO_API_TOKEN } from './auth/demo-credentials.js';
import { SAMPLE_PATHS, createSampleApp, sampleDatabaseDescription } from './sample-app.factory.js';

/**
 * `npm start`: the sample on HOST:PORT (default 127.0.0.1:3000).
 * DATABASE_URL: use that PostgreSQL server instead of the embedded PGlite;
 * PGLITE_DATA_DIR: keep PGlite's data in that directory; SESSION_SECRET: the
 * cookie signing secret (default: random per start); REDIS_URL: share
 * sessions, rate limits and publications with the other processes on that
 * Redis (several processes behind a balancer: see deploy/README.md);
 * TRUST_PROXY: express's `trust proxy` (e.g. `loopback` behind a local
 * balancer; a number of hops, an address or a subnet list).
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const app = await createSampleApp({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.PGLITE_DATA_DIR || undefined,
    sessionSecret: process.env.SESSION_SECRET || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    trustProxy: parseTrustProxy(process.env.TRUST_PROXY),
    debug: process.env.DJUST_DEBUG === '1',
  });
  await app.listen(port, host);
  const { port: actualPort } = app.getHttpServer().address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const base = `http://${shownHost}:${actualPort}`;
  console.log(
    [
      '',
      `nestjs-djust sample is running (${sampleDatabaseDescription(app)}${process.env.REDIS_URL ? '; sessions, rate limits and publications in Redis' : ''})`,
      `  Page        ${base}${SAMPLE_PATHS.page}   (log in as admin/admin or viewer/viewer)`,
      `  Swagger UI  ${base}${SAMPLE_PATHS.swaggerUi}`,
      `  OpenAPI     ${base}${SAMPLE_PATHS.openapi}`,
      `  API token   ${DEMO_API_TOKEN}   (Authorization: Bearer ${DEMO_API_TOKEN})`,
      '',
    ].join('\n'),
  );
}

/** TRUST_PROXY as express takes it: `true`/`false`, a number of hops, or addresses and names (`loopback`, `10.0.0.0/8`...). */
function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (!value) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
