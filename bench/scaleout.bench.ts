/**
 * Scale-out: two app processes on one real redis-server, the sample's Redis
 * wiring (`SampleRedis`, `ClusterIoAdapter`, the sharded
 * `@socket.io/redis-adapter`), in test/scaleout/fanout-app.main.ts.
 *
 * 1. Cross-process push latency: BENCH_SCALEOUT_SUBSCRIBERS sockets (default
 *    10) hold a mounted `feed` view on process B; this process asks process A
 *    over its own socket to publish (the `publisher.publish` event), one
 *    publication at a time, BENCH_SCALEOUT_PUBLICATIONS times (default 300,
 *    after 30 unmeasured). Two latencies per delivery:
 *    - publish → push received: from A's `performance.timeOrigin + now()`
 *      right before `DjustPublisher.publish` to the push's arrival here (two
 *      processes' clocks, both the machine's wall clock);
 *    - round trip: from sending the event to A to the push's arrival from B
 *      (one clock; adds the hop to A).
 * 2. Failover: BENCH_SCALEOUT_CLIENTS `nestjs-djust/client`s (default 200),
 *    WebSocket through the real HAProxy (deploy/haproxy/haproxy.cfg), all on
 *    one process (its `djust_lb` cookie), each with a mounted `feed`. That
 *    process is SIGKILLed; measured: from the kill to each client's view
 *    mounted again on the other process (a new ref), p50/p99/max, and "every
 *    client remounted" = the max. Run twice: socket.io's default backoff
 *    (reconnectionDelay 1 000 ms, max 5 000, randomization 0.5), and
 *    reconnectionDelay 100 ms.
 *
 * Prints a table and writes bench/results/scaleout.json.
 * Run: node .build/bench/scaleout.bench.js (after npm run build:all).
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { connectDjust, type DjustClient } from '../src/client/index.js';
import { startAppProcess, type AppProcess } from '../test/support/app-process.js';
import { startHaproxy } from '../test/support/haproxy.js';
import { startRedis, type RedisServerHandle } from '../test/support/redis-server.js';
import type { FanoutNews } from '../test/scaleout/fanout.fixture.js';
import { writeResult } from './bench-support.js';

const APP = fileURLToPath(new URL('../test/scaleout/fanout-app.main.js', import.meta.url));
const SUBSCRIBERS = Number(process.env.BENCH_SCALEOUT_SUBSCRIBERS ?? 10);
const PUBLICATIONS = Number(process.env.BENCH_SCALEOUT_PUBLICATIONS ?? 300);
const WARMUP = 30;
const CLIENTS = Number(process.env.BENCH_SCALEOUT_CLIENTS ?? 200);
/** Bound on any one wait for I/O, ms: only turns a hang into an error. */
const IO_TIMEOUT_MS = 60_000;
const TOKEN = 'token-alice';

const now = (): number => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(samples: number[]): { p50Ms: number; p99Ms: number; maxMs: number; samples: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(2));
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1]), samples: sorted.length };
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), IO_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

async function socketTo(url: string): Promise<Socket> {
  const socket = io(`${url}/djust`, { auth: { token: TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false });
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
    'a socket',
  );
  return socket;
}

async function mount(socket: Socket, view: string): Promise<string> {
  const ack = (await socket.timeout(IO_TIMEOUT_MS).emitWithAck('mount', { view })) as { ref?: string; error?: string };
  if (typeof ack.ref !== 'string') throw new Error(`mount ${view}: ${JSON.stringify(ack)}`);
  return ack.ref;
}

const startApp = (name: string, redis: RedisServerHandle): Promise<AppProcess> => startAppProcess(APP, { name, env: { REDIS_URL: redis.url }, timeoutMs: IO_TIMEOUT_MS });

/** Part 1: publish on A, receive from B. */
async function latency(a: AppProcess, b: AppProcess) {
  const publisher = await socketTo(a.url);
  const publisherRef = await mount(publisher, 'publisher');
  const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => socketTo(b.url)));
  await Promise.all(subscribers.map((s) => mount(s, 'feed')));

  const publishToReceive: number[] = [];
  const roundTrip: number[] = [];
  for (let n = 1; n <= WARMUP + PUBLICATIONS; n++) {
    const sentHere = now();
    const arrived = subscribers.map(
      (socket) =>
        new Promise<{ at: number; news: FanoutNews }>((resolve) => {
          const onPush = (push: { assigns: { last?: FanoutNews } }) => {
            if (push.assigns.last?.n !== n) return;
            socket.off('assigns', onPush);
            resolve({ at: now(), news: push.assigns.last });
          };
          socket.on('assigns', onPush);
        }),
    );
    const ack = (await publisher.timeout(IO_TIMEOUT_MS).emitWithAck('event', { ref: publisherRef, handler: 'publish', params: { n } })) as { error?: string };
    if (ack.error) throw new Error(`publish: ${JSON.stringify(ack)}`);
    const deliveries = await within(Promise.all(arrived), `publication ${n} on every subscriber`);
    if (n <= WARMUP) continue;
    for (const { at, news } of deliveries) {
      publishToReceive.push(at - news.sentAt);
      roundTrip.push(at - sentHere);
    }
  }
  publisher.disconnect();
  for (const s of subscribers) s.disconnect();
  return { publishToReceive: stats(publishToReceive), roundTrip: stats(roundTrip) };
}

/** Part 2: every client on `victim` through the balancer; SIGKILL; time until each is mounted again elsewhere. */
async function failover(victim: AppProcess, other: AppProcess, reconnectionDelay: number | undefined) {
  // The fanout app has no /healthz: its OpenAPI document answers 200 as well.
  const lb = await startHaproxy({ backends: [victim, other].map((a) => ({ name: a.name, port: a.port })), healthPath: '/djust/api/openapi.json', readyTimeoutMs: 30_000 });
  const clients: DjustClient[] = [];
  try {
    const delays = reconnectionDelay === undefined ? {} : { reconnectionDelay, reconnectionDelayMax: reconnectionDelay * 5 };
    for (let i = 0; i < CLIENTS; i += 50) {
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, CLIENTS - i) }, () =>
            connectDjust(lb.url, { io, token: TOKEN, timeout: IO_TIMEOUT_MS, socketOptions: { transports: ['websocket'], forceNew: true, extraHeaders: { cookie: `djust_lb=${victim.name}` }, ...delays } }),
          ),
        )),
      );
    }
    const views = await Promise.all(clients.map((c) => c.mount('feed')));
    const before = (await lb.servers())[victim.name].sessions;
    if (before < CLIENTS) throw new Error(`expected ${CLIENTS} sockets on ${victim.name}, HAProxy counts ${before}`);

    const killedAt = now();
    const remounted = views.map(
      (view) =>
        new Promise<number>((resolve) => {
          const ref = view.ref;
          const off = view.onAssigns(() => {
            if (view.ref === ref) return;
            off();
            resolve(now() - killedAt);
          });
        }),
    );
    await victim.kill();
    const times = await within(Promise.all(remounted), `${CLIENTS} remounts`);
    const after = await lb.servers();
    if (after[other.name].sessions < CLIENTS) throw new Error(`expected ${CLIENTS} sockets on ${other.name} after the failover, HAProxy counts ${after[other.name].sessions}`);
    return stats(times);
  } finally {
    for (const c of clients) c.close();
    await lb.stop();
  }
}

const loadAtStart = loadavg()[0];
const redis = await startRedis();
const apps: AppProcess[] = [];
try {
  apps.push(...(await Promise.all([startApp('a', redis), startApp('b', redis)])));
  console.log(`latency: ${SUBSCRIBERS} sockets on process b, ${PUBLICATIONS} publications from process a (after ${WARMUP} unmeasured), one at a time`);
  const push = await latency(apps[0], apps[1]);

  console.log(`failover: ${CLIENTS} clients through HAProxy on one process, SIGKILL, until every one is mounted again on the other`);
  const failoverDefault = await failover(apps[0], apps[1], undefined);
  apps.push(await startApp('c', redis));
  const failoverFast = await failover(apps[1], apps[2], 100);

  const rows = {
    'publish (process a) → push received (via process b)': push.publishToReceive,
    'round trip: event to a → push from b': push.roundTrip,
    [`failover, socket.io default backoff: kill → remounted (${CLIENTS} clients)`]: failoverDefault,
    [`failover, reconnectionDelay 100 ms: kill → remounted (${CLIENTS} clients)`]: failoverFast,
  };
  console.table(rows);
  const file = writeResult('scaleout', {
    bench: 'scaleout',
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadAverageAtStart: loadAtStart,
    setup: { processes: 2, redis: 'one redis-server on 127.0.0.1', adapter: '@socket.io/redis-adapter sharded (static)', subscribers: SUBSCRIBERS, publications: PUBLICATIONS, clients: CLIENTS },
    results: rows,
  });
  console.log(`wrote ${file}`);
} finally {
  await Promise.all(apps.map((a) => a.stop()));
  await redis.stop();
}
