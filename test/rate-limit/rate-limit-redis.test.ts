/**
 * @RateLimit across processes: four app processes (express and fastify, failure
 * policy closed and open) spawned as `node` children, all on one real redis-server
 * through RedisThrottlerStorage. Concurrent callers over HTTP and WS: the total
 * allowed per (view, handler, caller) equals the limit exactly. Then Redis is
 * stopped mid-run: `rateLimitFailure: 'closed'` answers 503 service_unavailable,
 * `'open'` lets calls through, nobody crashes, and both recover when Redis is back.
 *
 * Waits here are bounded waits for I/O (process start, Redis reconnect), never
 * timing assertions. The `export_csv` window is an hour, so no burst can straddle
 * two windows, and every allowed answer's `RateLimit-Remaining` shows it: the
 * limit's slots of one window, each used once. The app processes' Redis commands
 * may wait 30 s (see rate-limit-app.main.ts): a command timeout shorter than a
 * busy machine's stall made these counts flaky (issue 12.16); a test below stalls
 * Redis on purpose to keep it so.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { post, type AdapterName, type JsonResponse } from '../support/app.js';
import { connectTestRedis } from '../support/redis-client.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';
import { bearer } from '../support/token-auth.js';
import { connectDjust, type DjustSocket } from './rate-limit-app.js';
import { EXPORT_LIMIT } from './rate-limit.fixture.js';
import { waitForListening } from '../support/child-listening.js';

const MAIN = fileURLToPath(new URL('./rate-limit-app.main.js', import.meta.url));
/**
 * Bound on one app process's start (booting Nest, connecting to Redis), ms: only
 * there to turn a hung child into a clear error. Four processes booting at once on
 * a loaded 2-core machine took longer than the 20 s this used to be.
 */
const START_TIMEOUT_MS = 90_000;
/** How long the stall test pauses Redis, ms: longer than the 1 s command timeout that made these counts flaky. */
const REDIS_STALL_MS = 1_500;

/** One spawned app process. */
interface AppProcess {
  readonly name: string;
  readonly failure: 'open' | 'closed';
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

async function spawnApp(name: string, adapter: AdapterName, failure: 'open' | 'closed', redisUrl: string): Promise<AppProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DJUST_RL_REDIS_URL: redisUrl, DJUST_RL_ADAPTER: adapter, DJUST_RL_FAILURE: failure },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await waitForListening(child, name, START_TIMEOUT_MS, () => stderr);
  return {
    name,
    failure,
    url: `http://127.0.0.1:${port}`,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `probe` every 20 ms for at most `timeoutMs` (a bounded wait for I/O). */
async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const api = (app: AppProcess, view: string, handler: string, body: unknown, headers: Record<string, string>) =>
  post(`${app.url}/djust/api/${view}/${handler}/`, body, headers);

/** `{ "200": 50, "429": 50 }`: what a burst got, for assertion messages. */
const tally = (statuses: (number | string)[]) => JSON.stringify(statuses.reduce<Record<string, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {}));

/**
 * One caller's burst of `export_csv` over HTTP: exactly `limit` allowed, the rest
 * 429, every answer decided by the shared Redis bucket (none a storage failure:
 * a 503, or an `'open'` pass without `RateLimit-*` headers), and the allowed
 * answers' `RateLimit-Remaining` are `limit - 1` … 0, each once: one window,
 * every slot counted once.
 */
function assertExactBurst(responses: JsonResponse[], label: string): void {
  const statuses = tally(responses.map((r) => r.status));
  assert.deepEqual(responses.filter((r) => r.headers.get('ratelimit-limit') !== String(EXPORT_LIMIT)).map((r) => `${r.status} ${r.text}`), [], `${label}: answers not decided by the shared bucket (${statuses})`);
  assert.equal(responses.filter((r) => r.status === 200).length, EXPORT_LIMIT, `${label}: ${statuses}`);
  assert.equal(responses.filter((r) => r.status === 429).length, responses.length - EXPORT_LIMIT, `${label}: ${statuses}`);
  const remaining = responses.filter((r) => r.status === 200).map((r) => Number(r.headers.get('ratelimit-remaining')));
  assert.deepEqual(remaining.sort((a, b) => b - a), Array.from({ length: EXPORT_LIMIT }, (_, i) => EXPORT_LIMIT - 1 - i), `${label}: one window, each slot once`);
}

describe('@RateLimit over Redis, shared by several app processes', () => {
  let redis: RedisServerHandle;
  let apps: AppProcess[] = [];
  const sockets: DjustSocket[] = [];

  before(async () => {
    redis = await startRedis();
    apps = await Promise.all([
      spawnApp('A (express, closed)', 'express', 'closed', redis.url),
      spawnApp('B (fastify, closed)', 'fastify', 'closed', redis.url),
      spawnApp('C (express, open)', 'express', 'open', redis.url),
      spawnApp('D (fastify, open)', 'fastify', 'open', redis.url),
    ]);
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(apps.map((a) => a.stop()));
    await redis?.stop();
  });

  const assertAlive = () => {
    for (const app of apps) assert.equal(app.child.exitCode, null, `${app.name} exited:\n${app.stderr()}`);
  };
  const totalRuns = async (name: string) => {
    const counts = await Promise.all(apps.map((a) => api(a, 'order', 'run_count', { name }, bearer('token-alice'))));
    return counts.reduce((sum, r) => sum + (r.body.result as number), 0);
  };

  it('concurrent HTTP callers spread over 4 processes: exactly `limit` allowed per caller in total', async () => {
    const callers: Record<string, string>[] = [bearer('token-bob'), bearer('token-carol'), { 'x-api-key': 'public' }];
    const perCaller = 2 * EXPORT_LIMIT;
    const calls = callers.flatMap((headers) => Array.from({ length: perCaller }, (_, i) => api(apps[i % apps.length], 'order', 'export_csv', {}, headers)));
    const responses = await Promise.all(calls);
    for (let c = 0; c < callers.length; c++) {
      // Each process got perCaller / 4 = 25 < limit calls: process-local buckets would
      // have allowed all 100, so exactly 50 proves the bucket is shared.
      assertExactBurst(responses.slice(c * perCaller, (c + 1) * perCaller), `caller ${JSON.stringify(callers[c])}`);
    }
    const refused = responses.find((r) => r.status === 429)!;
    assert.equal(refused.body.error, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(await totalRuns('order.export_csv'), callers.length * EXPORT_LIMIT, 'the handler ran exactly `limit` times per caller across processes');
    assertAlive();
  });

  it('HTTP on two processes and WS on the two others share one bucket exactly', async () => {
    const runsBefore = await totalRuns('order.export_csv');
    const ws = await Promise.all([apps[1], apps[3]].map((a) => connectDjust(a.url, { token: 'token-root' })));
    sockets.push(...ws);
    const refs = await Promise.all(ws.map((s) => s.mountRef('order')));
    const wsCalls = ws.flatMap((s, i) => Array.from({ length: 40 }, () => s.event(refs[i], 'export_csv')));
    const httpCalls = Array.from({ length: 80 }, (_, i) => api(apps[i % 2 === 0 ? 0 : 2], 'order', 'export_csv', {}, bearer('token-root')));
    const [acks, responses] = await Promise.all([Promise.all(wsCalls), Promise.all(httpCalls)]);
    const outcomes = tally([...acks.map((a) => (a?.result === 'csv' ? 'ws ok' : `ws ${a?.error}`)), ...responses.map((r) => `http ${r.status}`)]);
    const allowed = acks.filter((a) => a?.result === 'csv').length + responses.filter((r) => r.status === 200).length;
    assert.equal(allowed, EXPORT_LIMIT, outcomes);
    assert.equal(acks.filter((a) => a?.error === 'rate_limited' && a?.status === 429).length + responses.filter((r) => r.status === 429).length, 160 - EXPORT_LIMIT, outcomes);
    const remaining = responses.filter((r) => r.status === 200).map((r) => Number(r.headers.get('ratelimit-remaining')));
    assert.equal(new Set(remaining).size, remaining.length, 'one window: no slot allowed twice');
    assert.ok(remaining.every((n) => n >= 0 && n < EXPORT_LIMIT), String(remaining));
    assert.equal((await totalRuns('order.export_csv')) - runsBefore, EXPORT_LIMIT);
    assertAlive();
  });

  it('Redis stalled for longer than a second under the burst: still exactly `limit`, no storage failure', async () => {
    // A busy machine may leave Redis unscheduled for a while. CLIENT PAUSE holds every
    // command for 1.5 s (Redis's own timer, nothing waits here), so the first commands
    // of the burst wait longer than the 1 s command timeout that made this flaky.
    const admin = await connectTestRedis(redis.url);
    try {
      assert.equal(await admin.call('CLIENT', 'PAUSE', String(REDIS_STALL_MS), 'ALL'), 'OK');
    } finally {
      admin.disconnect();
    }
    const responses = await Promise.all(Array.from({ length: 2 * EXPORT_LIMIT }, (_, i) => api(apps[i % apps.length], 'order', 'export_csv', {}, bearer('token-erin'))));
    assertExactBurst(responses, 'erin');
    assertAlive();
  });

  it("Redis stopped mid-run: 'closed' answers 503 service_unavailable, 'open' lets calls through, nothing crashes; both recover", async () => {
    type Seen = { app: AppProcess; afterStop: boolean; res?: JsonResponse; error?: unknown };
    const seen: Seen[] = [];
    let redisDown = false;
    let running = true;
    // Two concurrent request loops per process on a limited handler (alice: a fresh bucket).
    const loops = apps.flatMap((app) =>
      [0, 1].map(async () => {
        while (running) {
          const afterStop = redisDown;
          try {
            seen.push({ app, afterStop, res: await api(app, 'order', 'export_csv', {}, bearer('token-alice')) });
          } catch (error) {
            seen.push({ app, afterStop, error });
          }
        }
      }),
    );
    try {
      await waitFor('traffic before the stop', () => apps.every((a) => seen.filter((s) => s.app === a).length >= 10));
      await redis.stop();
      redisDown = true;
      await waitFor('traffic after the stop', () => apps.every((a) => seen.filter((s) => s.app === a && s.afterStop).length >= 20));
    } finally {
      running = false;
      await Promise.all(loops);
    }

    assert.deepEqual(seen.filter((s) => s.error).map((s) => String(s.error)), [], 'no connection error: no process went down');
    for (const s of seen) assert.ok([200, 429, 503].includes(s.res!.status), `${s.app.name}: unexpected ${s.res!.status} ${s.res!.text}`);
    for (const app of apps) {
      // Skip the first few post-stop answers: a command in flight when Redis died may have completed.
      const late = seen.filter((s) => s.app === app && s.afterStop).slice(5).map((s) => s.res!);
      if (app.failure === 'closed') {
        assert.ok(late.every((r) => r.status === 503), `${app.name}: ${late.map((r) => r.status)}`);
        assert.deepEqual(late[0].body, { error: 'service_unavailable', details: {}, message: late[0].body.message });
        assert.equal(late[0].headers.get('retry-after'), '1');
        assert.equal(late[0].headers.get('ratelimit-limit'), null, 'nothing is known about the bucket');
      } else {
        assert.ok(late.every((r) => r.status === 200), `${app.name}: ${late.map((r) => r.status)}`);
        assert.equal(late[0].headers.get('ratelimit-limit'), null);
        assert.equal(late[0].body.result, 'csv');
      }
      // Handlers without @RateLimit never touch the storage.
      assert.equal((await api(app, 'order', 'update_status', { order_id: 1, status: 'x' }, bearer('token-alice'))).status, 200);
    }
    // The WS transport follows the same policy.
    const [closedWs, openWs] = await Promise.all([apps[0], apps[3]].map((a) => connectDjust(a.url, { token: 'token-carol' })));
    sockets.push(closedWs, openWs);
    const closedAck = await closedWs.event(await closedWs.mountRef('quota'), 'first');
    assert.equal(closedAck.error, 'service_unavailable');
    assert.equal(closedAck.status, 503);
    assert.equal((await openWs.event(await openWs.mountRef('quota'), 'first')).result, 'first');
    assertAlive();

    // Redis comes back (same port): the closed processes reconnect and count again.
    redis = await startRedis({ port: redis.port });
    for (const app of apps.filter((a) => a.failure === 'closed')) {
      await waitFor(`${app.name} to recover`, async () => (await api(app, 'quota', 'second', {}, bearer('token-bob'))).status !== 503);
    }
    const back = await api(apps[0], 'quota', 'own', {}, bearer('token-bob'));
    assert.equal(back.status, 200);
    assert.equal(back.headers.get('ratelimit-limit'), '5');
    assertAlive();
  });
});
