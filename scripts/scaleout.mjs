#!/usr/bin/env node
// N sample processes behind one address: starts `node .build/sample/main.js` N
// times on free ports of 127.0.0.1 and HAProxy in front of them with
// deploy/haproxy/haproxy.cfg (its bind, server and health-check lines
// rewritten by test/support/haproxy.ts, the same code the tests use).
//
// Usage (after `npm run build && npm run build:all`):
//   node scripts/scaleout.mjs [--replicas N] [--port P] [--services] [--smoke]
//
//   --replicas N  sample processes (default 3)
//   --port P      HAProxy's port on 127.0.0.1 (default $LB_PORT or 3000; 0: a free one)
//   --services    start a throwaway redis-server and PostgreSQL on free
//                 loopback ports (Debian: apt-get install -y redis-server
//                 postgresql) for whichever of REDIS_URL and DATABASE_URL is
//                 not set; stopped and deleted with the rest
//   --smoke       check it end to end, then stop everything: HTTP through the
//                 balancer to every replica; with Redis, a session made through
//                 the balancer on every replica and an order shipped on one
//                 replica pushed to a view mounted on another; a socket.io
//                 WebSocket to /djust, SIGKILL of the replica holding it, and
//                 its reconnection on another replica. Exits 1 on failure.
//
// Environment passed to every replica: REDIS_URL (sessions, rate limits and
// DjustPublisher's publications shared through Redis), DATABASE_URL (one
// PostgreSQL for all; without it each replica has its own in-memory PGlite
// database), SESSION_SECRET (default: one random secret for all replicas, so
// a session cookie is valid on every one), DJUST_DEBUG; TRUST_PROXY=loopback
// (HAProxy runs on 127.0.0.1; yours if set).
// Without --smoke it runs until Ctrl-C (or SIGTERM) and then stops them all.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = (path) => join(root, '.build', path);
for (const file of ['sample/main.js', 'test/support/haproxy.js', 'test/support/app-process.js', 'test/support/postgres-server.js', 'src/client/index.js']) {
  if (!existsSync(built(file))) {
    console.error(`missing .build/${file}: run npm run build && npm run build:all first`);
    process.exit(1);
  }
}
const { startHaproxy, haproxyTemplatePath } = await import(pathToFileURL(built('test/support/haproxy.js')).href);
const { startAppProcess } = await import(pathToFileURL(built('test/support/app-process.js')).href);
const { freePort, startRedis } = await import(pathToFileURL(built('test/support/redis-server.js')).href);
const { startPostgres } = await import(pathToFileURL(built('test/support/postgres-server.js')).href);

const { values: args } = parseArgs({
  options: {
    replicas: { type: 'string', default: '3' },
    port: { type: 'string', default: process.env.LB_PORT ?? '3000' },
    smoke: { type: 'boolean', default: false },
    services: { type: 'boolean', default: false },
  },
});
const replicas = Number(args.replicas);
const lbPort = Number(args.port);
if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`--replicas must be a positive integer (got ${args.replicas})`);
if (!Number.isInteger(lbPort) || lbPort < 0 || lbPort > 65535) throw new Error(`--port must be a port number (got ${args.port})`);

// Printed by sample/main.ts once it listens: "  Page        http://127.0.0.1:3001/ ...".
const SAMPLE_LISTENING = /Page\s+http:\/\/\S+?:(\d+)\//;
const sessionSecret = process.env.SESSION_SECRET || randomBytes(24).toString('base64url');

const apps = [];
const services = [];
let lb;
let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  await lb?.stop();
  await Promise.all(apps.map((a) => a.stop(10_000)));
  await Promise.all(services.map((s) => s.stop()));
}

try {
  let redisUrl = process.env.REDIS_URL || undefined;
  let databaseUrl = process.env.DATABASE_URL || undefined;
  if (args.services) {
    const [redis, postgres] = await Promise.all([redisUrl ? undefined : startRedis(), databaseUrl ? undefined : startPostgres()]);
    for (const service of [redis, postgres]) if (service) services.push(service);
    redisUrl ??= redis.url;
    databaseUrl ??= postgres.url;
  }
  const ports = [];
  while (ports.length < replicas) {
    const port = await freePort();
    if (port !== lbPort && !ports.includes(port)) ports.push(port);
  }
  apps.push(
    ...(await Promise.all(
      ports.map((port, i) =>
        startAppProcess(built('sample/main.js'), {
          name: `app${i + 1}`,
          env: {
            PORT: String(port),
            HOST: '127.0.0.1',
            SESSION_SECRET: sessionSecret,
            REDIS_URL: redisUrl,
            DATABASE_URL: databaseUrl,
            TRUST_PROXY: process.env.TRUST_PROXY || 'loopback',
          },
          listening: SAMPLE_LISTENING,
          timeoutMs: 180_000, // a cold start on a busy machine is slow
        }),
      ),
    )),
  );
  lb = await startHaproxy({ port: lbPort, backends: apps.map((a) => ({ name: a.name, port: a.port })), readyTimeoutMs: 30_000 });

  console.log(`\nHAProxy   ${lb.url}   (${haproxyTemplatePath()})`);
  for (const a of apps) console.log(`${a.name.padEnd(9)} ${a.url}   pid ${a.child.pid}`);
  if (redisUrl) console.log(`Redis     ${redisUrl}${process.env.REDIS_URL ? '' : '   (throwaway, --services)'}`);
  else console.log('\nREDIS_URL is not set: sessions, rate limits and publish/subscribe stay per process (--services starts a throwaway Redis).');
  if (databaseUrl) console.log(`Database  ${databaseUrl}${process.env.DATABASE_URL ? '' : '   (throwaway, --services)'}`);
  else console.log('DATABASE_URL is not set: each replica has its own in-memory PGlite database (--services starts a throwaway PostgreSQL).');

  if (args.smoke) {
    if (redisUrl && databaseUrl) await smokeShared();
    await smoke();
    console.log('\nsmoke: OK');
    await stopAll();
    process.exit(0);
  }
  console.log('\nCtrl-C stops everything.');
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => void stopAll().then(() => process.exit(0)));
  }
  await Promise.race(apps.map((a) => a.exited.then(() => a)))
    .then((a) => {
      if (!stopping) console.error(`\n${a.name} exited:\n${a.output()}`);
    });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stopAll();
  process.exit(1);
}

async function smoke() {
  const { io } = await import('socket.io-client');
  const check = (ok, what) => {
    if (!ok) throw new Error(`smoke: ${what}`);
    console.log(`smoke: ${what}`);
  };
  const within = (promise, ms, what) =>
    Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`smoke: timed out waiting for ${what}`)), ms).unref())]);

  const socket = io(`${lb.url}/djust`, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500 });
  try {
    await within(new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); }), 10_000, 'the socket.io connection');
    const holder = async () => Object.entries(await lb.servers()).find(([, s]) => s.sessions > 0)?.[0];
    const first = await holder();
    check(first !== undefined, `socket.io WebSocket to /djust through the balancer, held by ${first}`);
    const reconnected = new Promise((resolve) => socket.once('disconnect', () => socket.once('connect', resolve)));
    await apps.find((a) => a.name === first).kill();
    await within(reconnected, 15_000, 'the reconnection');
    const second = await holder();
    check(second !== undefined && second !== first, `after SIGKILL of ${first}, the client reconnected through the balancer to ${second}`);
  } finally {
    socket.close();
  }
  // HTTP after the socket part: keep-alive connections would count as sessions above.
  for (const a of apps.filter((x) => x.child.exitCode === null && x.child.signalCode === null)) {
    const res = await fetch(`${lb.url}/djust/api/openapi.json`, { headers: { cookie: `djust_lb=${a.name}` } });
    const kept = !/djust_lb=/.test(res.headers.get('set-cookie') ?? ''); // HAProxy re-inserts the cookie only when it picked another server
    check(res.status === 200 && (await res.json()).openapi?.startsWith('3.1') && kept, `GET /djust/api/openapi.json through the balancer with djust_lb=${a.name} → 200 from ${a.name}`);
  }
}

/** With Redis and one database: a session valid on every replica, and a push across replicas. */
async function smokeShared() {
  const { io } = await import('socket.io-client');
  const { connectDjust } = await import(pathToFileURL(built('src/client/index.js')).href);
  const check = (ok, what) => {
    if (!ok) throw new Error(`smoke: ${what}`);
    console.log(`smoke: ${what}`);
  };
  const pinned = (name, session) => ({ cookie: [`djust_lb=${name}`, session].filter(Boolean).join('; ') });
  const [first, second] = apps;
  const login = await fetch(`${lb.url}/login`, { method: 'POST', headers: { ...pinned(first.name), 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
  const session = login.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('connect.sid='));
  check(login.status === 200 && session !== undefined, `POST /login through the balancer on ${first.name}`);
  for (const a of apps) {
    const me = await fetch(`${lb.url}/me`, { headers: pinned(a.name, session) });
    const servedThere = !/djust_lb=/.test(me.headers.get('set-cookie') ?? '');
    check(me.status === 200 && servedThere, `the session is valid on ${a.name} (GET /me through the balancer → 200 from ${a.name})`);
  }
  const client = await connectDjust(lb.url, { io, timeout: 10_000, socketOptions: { transports: ['websocket'], extraHeaders: pinned(first.name, session) } });
  try {
    const view = await client.mount('order');
    const target = view.assigns.orders.find((o) => o.status !== 'cancelled');
    const pushed = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('smoke: no push within 10 s')), 10_000);
      view.onAssigns((assigns) => {
        if (assigns.orders.find((o) => o.id === target.id)?.status === 'cancelled') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const { csrfToken } = await (await fetch(`${lb.url}/djust/api/csrf`, { headers: pinned(second.name, session) })).json();
    const res = await fetch(`${lb.url}/djust/api/order/update_status/`, {
      method: 'POST',
      headers: { ...pinned(second.name, session), 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ order_id: target.id, status: 'cancelled' }),
    });
    check(res.status === 200, `order ${target.id} cancelled over HTTP on ${second.name}`);
    await pushed;
    check(true, `the order view mounted on ${first.name} was pushed the change`);
  } finally {
    client.close();
  }
}
