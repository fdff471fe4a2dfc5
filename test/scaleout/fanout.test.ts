/**
 * DjustPublisher across processes, at volume, on the sample's Redis wiring
 * (fanout-app.main.ts: `SampleRedis` + `ClusterIoAdapter` with the sharded
 * `@socket.io/redis-adapter`): two app processes on one real redis-server.
 *
 * - 1,000 sockets, 500 on each process, each with a mounted `feed` view; 100
 *   publications, half published by each process: every view pushes every
 *   publication exactly once (counted per socket and per publication).
 * - Redis stopped: publications go on in each process (its own views get
 *   them), sockets still connect and mount, and neither process dies — the
 *   classic adapter would (deploy/README.md); Redis back on the same port:
 *   publications cross processes again, with no restart.
 *
 * Waits are bounded waits for I/O (process start, pushes, reconnection),
 * never timing assertions.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';
import { checkedAck } from '../support/ws-ack.js';
import type { FanoutNews } from './fanout.fixture.js';

const MAIN = fileURLToPath(new URL('./fanout-app.main.js', import.meta.url));
const SOCKETS = 1000;
const PUBLICATIONS = 100;
/** Bound on one app process's start, ms (two Nest apps booting at once on a loaded 2-core machine). */
const START_TIMEOUT_MS = 60_000;
/** Bound on waiting for pushes to arrive, ms. */
const IO_TIMEOUT_MS = 30_000;
const AUTH = { 'content-type': 'application/json', authorization: 'Bearer token-alice' };

/** One socket with its mounted feed and what it received, by publication number. */
interface Feed {
  readonly socket: Socket;
  readonly app: AppProcess;
  readonly ref: string;
  readonly received: Map<number, number>;
}

async function openFeed(app: AppProcess): Promise<Feed> {
  const socket = io(`${app.url}/djust`, { auth: { token: 'token-alice' }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const payload = { view: 'feed' };
  const { ref } = checkedAck(await socket.timeout(IO_TIMEOUT_MS).emitWithAck('mount', payload), payload) as { ref: string };
  const received = new Map<number, number>();
  socket.on('assigns', (push: { ref: string; assigns: { last?: FanoutNews } }) => {
    const n = push.ref === ref ? push.assigns.last?.n : undefined;
    if (n !== undefined) received.set(n, (received.get(n) ?? 0) + 1);
  });
  return { socket, app, ref, received };
}

/** Opens `count` feeds on `app`, `batch` handshakes at a time. */
async function openFeeds(app: AppProcess, count: number, batch = 50): Promise<Feed[]> {
  const feeds: Feed[] = [];
  for (let i = 0; i < count; i += batch) feeds.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => openFeed(app)))));
  return feeds;
}

async function publish(app: AppProcess, n: number): Promise<{ n: number; crossProcess: boolean }> {
  const res = await fetch(`${app.url}/djust/api/publisher/publish/`, { method: 'POST', headers: AUTH, body: JSON.stringify({ n }) });
  const body = (await res.json()) as { result: { n: number; crossProcess: boolean } };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.result;
}

/** Polls `probe` every 20 ms for at most `ms` (a bounded wait for I/O). */
async function waitFor(what: string, probe: () => boolean | Promise<boolean>, ms = IO_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alive = (app: AppProcess): boolean => app.child.exitCode === null && app.child.signalCode === null;

describe('DjustPublisher across two processes on one Redis (sharded socket.io adapter)', () => {
  let redis: RedisServerHandle;
  let apps: AppProcess[] = [];
  let feeds: Feed[] = [];

  before(async () => {
    redis = await startRedis();
    apps = await Promise.all(['a', 'b'].map((name) => startAppProcess(MAIN, { name, env: { REDIS_URL: redis.url }, timeoutMs: START_TIMEOUT_MS })));
  });
  after(async () => {
    for (const feed of feeds) feed.socket.disconnect();
    await Promise.all(apps.map((a) => a.stop()));
    await redis?.stop();
  });

  it(`${SOCKETS} sockets over two processes, ${PUBLICATIONS} publications: every socket gets every push exactly once`, async () => {
    feeds = [...(await openFeeds(apps[0], SOCKETS / 2)), ...(await openFeeds(apps[1], SOCKETS / 2))];
    assert.equal(new Set(feeds.map((f) => f.ref)).size, SOCKETS);

    // Half published by each process, concurrently in pairs.
    for (let n = 1; n <= PUBLICATIONS; n += 2) {
      const results = await Promise.all([publish(apps[0], n), publish(apps[1], n + 1)]);
      assert.deepEqual(results.map((r) => r.crossProcess), [true, true]);
    }
    const complete = (): boolean => feeds.every((f) => f.received.size === PUBLICATIONS);
    await waitFor(`${PUBLICATIONS} pushes on each of ${SOCKETS} sockets`, complete);

    // A last publication from each process: any duplicate of an earlier one would have arrived before it.
    await Promise.all([publish(apps[0], PUBLICATIONS + 1), publish(apps[1], PUBLICATIONS + 2)]);
    await waitFor('the closing publications', () => feeds.every((f) => f.received.has(PUBLICATIONS + 1) && f.received.has(PUBLICATIONS + 2)));

    let pushes = 0;
    const wrong: string[] = [];
    for (const [i, feed] of feeds.entries()) {
      for (let n = 1; n <= PUBLICATIONS + 2; n++) {
        const times = feed.received.get(n) ?? 0;
        pushes += times;
        if (times !== 1) wrong.push(`socket ${i} (${feed.app.name}): publication ${n} pushed ${times} times`);
      }
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} wrong counts`);
    assert.equal(pushes, SOCKETS * (PUBLICATIONS + 2));
  });

  it('Redis down: each process goes on serving and publishing locally, none dies; Redis back: publications cross again', async () => {
    for (const feed of feeds.splice(0)) feed.socket.disconnect();
    const [onA, onB] = await Promise.all([openFeed(apps[0]), openFeed(apps[1])]);
    feeds = [onA, onB];
    const port = redis.port;

    await redis.stop();
    // Publishing while Redis is down: the adapter's publish fails and is caught; this process's views still get it.
    for (let n = 1001; n <= 1010; n++) await publish(apps[0], n);
    await waitFor('local delivery on process a while Redis is down', () => onA.received.size === 10);
    // New sockets connect and mount meanwhile, on both processes.
    const late = await Promise.all([openFeed(apps[0]), openFeed(apps[1])]);
    feeds.push(...late);
    for (const app of apps) {
      const health = await fetch(`${app.url}/djust/api/publisher/publish/`, { method: 'POST', headers: AUTH, body: JSON.stringify({ n: 1 }) });
      assert.equal(health.status, 200);
    }
    assert.deepEqual(apps.map(alive), [true, true], `a process died while Redis was down:\n${apps.map((a) => a.output()).join('\n')}`);
    await waitFor('process b’s own publication on its socket', () => onB.received.has(1));
    assert.deepEqual([...onB.received.keys()], [1], 'process b got none of process a’s publications while Redis was down (at most once)');

    // Redis back on the same port: the clients reconnect and the subscriber subscribes again by itself.
    redis = await startRedis({ port });
    const fromA = { next: 2000, reached: (feed: Feed) => [...feed.received.keys()].some((k) => k > 2000 && k < 3000) };
    const fromB = { next: 3000, reached: (feed: Feed) => [...feed.received.keys()].some((k) => k > 3000) };
    await waitFor('a publication of process a to reach a socket on process b again', async () => {
      await publish(apps[0], ++fromA.next);
      return fromA.reached(onB);
    });
    await waitFor('a publication of process b to reach a socket on process a again', async () => {
      await publish(apps[1], ++fromB.next);
      return fromB.reached(onA);
    });
    assert.deepEqual(apps.map(alive), [true, true]);
    assert.doesNotMatch(apps.map((a) => a.output()).join('\n'), /unhandled|MaxRetriesPerRequest/i);
  });
});
