/**
 * Idempotency keys in a real Redis (`forRoot({ idempotency: { redis } })`):
 * the store's atomic claim against a real redis-server, and two app
 * processes (express and fastify) sharing it — a burst of one call with one
 * key sent to both at once runs the handler exactly once (its runs are
 * counted in Redis), every other answer is the 409 of the running call or
 * the kept answer. Then Redis goes away: a call with a key answers 503 and
 * runs nothing.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { RedisIdempotencyStore, type StoredOutcome } from '../../src/index.js';
import type { RedisScriptClient } from '../../src/common/redis-script.js';
import { post, type JsonResponse } from '../support/app.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { closeTestRedis, connectTestRedis } from '../support/redis-client.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';

const MAIN = fileURLToPath(new URL('./idempotency-app.main.js', import.meta.url));
const OK: StoredOutcome = { ok: true, result: { paid: 1 }, assigns: {} };

describe('RedisIdempotencyStore on a real redis-server', () => {
  let server: RedisServerHandle;
  let client: Redis;
  let store: RedisIdempotencyStore;

  before(async () => {
    server = await startRedis();
    client = await connectTestRedis(server.url);
    store = new RedisIdempotencyStore(client as unknown as RedisScriptClient, { keyPrefix: 'test:idem:' });
  });
  after(async () => {
    await closeTestRedis(client);
    await server?.stop();
  });

  it('claim → running → complete → done, with the TTLs in Redis', async () => {
    const claim = await store.claim('a', 'fp', 5_000);
    assert.equal(claim.status, 'claimed');
    const hold = await client.pttl(store.redisKey('a'));
    assert.ok(hold > 0 && hold <= 5_000, `the hold expires (PTTL ${hold})`);
    assert.deepEqual(await store.claim('a', 'other', 5_000), { status: 'running', fingerprint: 'fp' });
    await store.complete('a', (claim as { token: string }).token, 'fp', OK, 60_000);
    assert.deepEqual(await store.claim('a', 'fp', 5_000), { status: 'done', fingerprint: 'fp', outcome: OK });
    const kept = await client.pttl(store.redisKey('a'));
    assert.ok(kept > 5_000 && kept <= 60_000, `the answer expires after ttl (PTTL ${kept})`);
  });

  it('of 100 concurrent claims of one free key, exactly one is claimed', async () => {
    const claims = await Promise.all(Array.from({ length: 100 }, () => store.claim('race', 'fp', 5_000)));
    assert.equal(claims.filter((c) => c.status === 'claimed').length, 1);
    assert.ok(claims.every((c) => c.status === 'claimed' || c.status === 'running'));
  });

  it('a stale claim neither completes nor releases a key another call holds now; release frees its own', async () => {
    const stale = (await store.claim('b', 'fp', 5_000)) as { token: string };
    await client.del(store.redisKey('b')); // its hold ran out
    const fresh = (await store.claim('b', 'fp', 5_000)) as { token: string };
    await store.complete('b', stale.token, 'fp', OK, 60_000);
    await store.release('b', stale.token);
    assert.equal((await store.claim('b', 'fp', 5_000)).status, 'running', 'the fresh claim still holds it');
    await store.release('b', fresh.token);
    assert.equal((await store.claim('b', 'fp', 5_000)).status, 'claimed');
  });

  it('a value that is not its own (another tool wrote the key) is an error, not a replay', async () => {
    await client.set(store.redisKey('c'), 'garbage');
    await assert.rejects(store.claim('c', 'fp', 5_000), /unexpected idempotency value/);
  });
});

describe('one key, two processes on one Redis: the handler runs exactly once', () => {
  let server: RedisServerHandle;
  let apps: AppProcess[] = [];
  let redis: Redis;

  before(async () => {
    server = await startRedis();
    redis = await connectTestRedis(server.url);
    apps = await Promise.all(
      (['express', 'fastify'] as const).map((adapter) =>
        startAppProcess(MAIN, { name: `idempotency app (${adapter})`, env: { DJUST_IDEM_REDIS_URL: server.url, DJUST_IDEM_ADAPTER: adapter }, timeoutMs: 60_000 }),
      ),
    );
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await closeTestRedis(redis).catch(() => undefined);
    await server?.stop();
  });

  const charge = (app: AppProcess, order: string, key: string, user = 'u:buyer:'): Promise<JsonResponse> =>
    post(`${app.url}/djust/api/pay/charge/`, { order }, { authorization: `Bearer ${user}`, 'idempotency-key': key });

  it('a burst of 20 calls with one key spread over both processes: one run, the rest 409 or the kept answer', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => charge(apps[i % 2], 'o-1', 'key-1')));
    const statuses = responses.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 200 || s === 409), JSON.stringify(statuses));
    assert.equal(await redis.get('runs:o-1'), '1', 'the handler ran once across both processes');
    const fresh = responses.filter((r) => r.status === 200 && r.headers.get('idempotency-replayed') === null);
    assert.equal(fresh.length, 1, 'one answer came from the run');
    for (const r of responses.filter((x) => x.status === 409)) assert.equal(r.body.error, 'idempotency_key_in_use');
    const [a, b] = await Promise.all(apps.map((app) => charge(app, 'o-1', 'key-1')));
    for (const again of [a, b]) {
      assert.equal(again.headers.get('idempotency-replayed'), 'true');
      assert.deepEqual(again.body, fresh[0].body, 'each process replays the answer the other may have made');
    }
    assert.equal(await redis.get('runs:o-1'), '1');
  });

  it('other callers and other keys run; the same key with another body is 422 on either process', async () => {
    const other = await charge(apps[1], 'o-1', 'key-1', 'u:someone-else:');
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('idempotency-replayed'), null);
    assert.equal((await charge(apps[0], 'o-2', 'key-1')).status, 422);
    assert.equal((await charge(apps[1], 'o-2', 'key-1')).status, 422);
    assert.equal(await redis.get('runs:o-1'), '2');
    assert.equal(await redis.get('runs:o-2'), null);
  });

  it('Redis gone: a call with a key answers 503 service_unavailable on both processes and runs nothing', async () => {
    await closeTestRedis(redis);
    await server.stop();
    for (const app of apps) {
      const res = await charge(app, 'o-3', 'key-3');
      assert.equal(res.status, 503, `${app.name}: ${res.text}`);
      assert.equal(res.body.error, 'service_unavailable');
      assert.equal(app.child.exitCode, null, `${app.name} is alive`);
    }
  });
});
