import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { RedisThrottlerStorage } from '../../src/rate-limit/redis-throttler.storage.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.service.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';
import { closeTestRedis, connectTestRedis } from '../support/redis-client.js';

const NAME = 'default';

/** Polls `probe` every 10 ms until it returns true, for at most `timeoutMs`. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RedisThrottlerStorage (real redis-server)', () => {
  let server: RedisServerHandle;
  let a: Redis;
  let b: Redis;

  before(async () => {
    server = await startRedis();
    a = await connectTestRedis(server.url);
    b = await connectTestRedis(server.url);
  });

  after(async () => {
    await Promise.all([a && closeTestRedis(a), b && closeTestRedis(b)]);
    await server?.stop();
  });

  it('allows exactly `limit` of 200 concurrent increments from two clients', async () => {
    const sa = new RedisThrottlerStorage(a);
    const sb = new RedisThrottlerStorage(b);
    const limit = 50;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? sa : sb).increment('view:handler:ip:1', 3_600_000, limit, 0, NAME)),
    );
    const allowed = results.filter((r) => !r.isBlocked);
    assert.equal(allowed.length, limit);
    assert.deepEqual(allowed.map((r) => r.totalHits).sort((x, y) => x - y), Array.from({ length: limit }, (_, i) => i + 1));
    for (const r of results.filter((x) => x.isBlocked)) {
      assert.equal(r.totalHits, limit + 1);
      assert.ok(r.timeToBlockExpire >= 1 && r.timeToBlockExpire <= 3600);
    }
  });

  // Windows and blocks here are far longer than a loaded machine can take between two
  // commands; their end is brought forward with PEXPIRE (Redis's own clock), never waited for.
  it('sets the window TTL on the first hit and starts a fresh window once it expires', async () => {
    const storage = new RedisThrottlerStorage(a);
    const keys = storage.keysFor('ttl-key');
    const first = await storage.increment('ttl-key', 60_000, 2, 0, NAME);
    assert.deepEqual(first, { totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    const pttl = await a.pttl(keys.hits);
    assert.ok(pttl > 0 && pttl <= 60_000, `PTTL ${pttl}`);
    await storage.increment('ttl-key', 60_000, 2, 0, NAME);
    const pttlAfterSecondHit = await a.pttl(keys.hits);
    assert.ok(pttlAfterSecondHit > 0 && pttlAfterSecondHit <= pttl, 'later hits do not extend the window');
    const blocked = await storage.increment('ttl-key', 60_000, 2, 0, NAME);
    assert.equal(blocked.isBlocked, true);
    const blockPttl = await a.pttl(keys.block);
    assert.ok(blockPttl > 0 && blockPttl <= pttlAfterSecondHit, `block PTTL ${blockPttl} = rest of the window`);
    assert.equal(await a.exists(keys.hits), 0, 'the counter is dropped while blocked');
    await a.pexpire(keys.block, 1); // the window ends
    await eventually(async () => (await a.exists(keys.hits, keys.block)) === 0);
    assert.deepEqual(await storage.increment('ttl-key', 60_000, 2, 0, NAME), first, 'a fresh window');
  });

  it('blocks for blockDuration, not counting blocked calls', async () => {
    const storage = new RedisThrottlerStorage(a);
    const keys = storage.keysFor('block-key');
    await storage.increment('block-key', 60_000, 1, 30_000, NAME);
    const blocked = await storage.increment('block-key', 60_000, 1, 30_000, NAME);
    assert.deepEqual(blocked, { totalHits: 2, timeToExpire: 30, isBlocked: true, timeToBlockExpire: 30 });
    const again = await storage.increment('block-key', 60_000, 1, 30_000, NAME);
    assert.equal(again.totalHits, 2, 'blocked call not counted');
    const blockPttl = await a.pttl(keys.block);
    assert.ok(blockPttl > 0 && blockPttl <= 30_000, `block PTTL ${blockPttl}`);
    await a.pexpire(keys.block, 1); // the block ends
    await eventually(async () => (await a.exists(keys.block)) === 0);
    const fresh = await storage.increment('block-key', 60_000, 1, 30_000, NAME);
    assert.deepEqual(fresh, { totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('falls back to EVAL when the script cache is empty', async () => {
    const storage = new RedisThrottlerStorage(a);
    await a.script('FLUSH');
    assert.equal((await storage.increment('noscript', 1000, 5, 0, NAME)).totalHits, 1);
    assert.equal((await storage.increment('noscript', 1000, 5, 0, NAME)).totalHits, 2);
  });

  it('writes under the key prefix with a cluster hash tag', async () => {
    const storage = new RedisThrottlerStorage(a, { keyPrefix: 'test:rl:' });
    await storage.increment('v:h:user:7', 1000, 5, 0, NAME);
    assert.deepEqual(await a.keys('test:rl:*'), ['test:rl:{v:h:user:7}']);
    assert.deepEqual(new RedisThrottlerStorage(a).keysFor('x'), { hits: 'djust:rl:{x}', block: 'djust:rl:{x}:block' });
  });

  it('fromUrl() dynamically imports ioredis and closes its own client', async () => {
    const storage = await RedisThrottlerStorage.fromUrl(server.url, { keyPrefix: 'fromurl:' });
    assert.equal((await storage.increment('k', 1000, 5, 0, NAME)).totalHits, 1);
    await storage.close();
    await storage.close(); // idempotent
    assert.equal(await a.exists('fromurl:{k}'), 1);
  });

  it('the compiled module does not import ioredis statically (optional peer)', () => {
    const js = readFileSync(new URL('../../src/rate-limit/redis-throttler.storage.js', import.meta.url), 'utf8');
    assert.doesNotMatch(js, /^\s*import\s[^;]*from\s*['"]ioredis['"]/m);
    assert.doesNotMatch(js, /require\(['"]ioredis['"]\)/);
  });

  it('rejects a non-client', () => {
    assert.throws(() => new RedisThrottlerStorage({} as never), /ioredis client/);
  });
});

describe('RateLimiter over Redis: storage failure policy (real redis-server stopped mid-test)', () => {
  it("'closed' refuses and 'open' allows while Redis is down, and both recover when it is back", async () => {
    let server = await startRedis();
    const port = server.port;
    // Reconnects every 50 ms; without an offline queue commands fail at once while disconnected.
    const client = await connectTestRedis(server.url, { retryStrategy: () => 50 });
    try {
      const storage = new RedisThrottlerStorage(client);
      const warnings: string[] = [];
      const logger = { warn: (m: string) => void warnings.push(m) };
      const closed = new RateLimiter(storage, { failure: 'closed', logger });
      const open = new RateLimiter(storage, { failure: 'open', logger });

      assert.deepEqual(await closed.consume('v:h', 'user:1', 5, 60_000), { allowed: true, limit: 5, remaining: 4, resetSeconds: 60 });

      await server.stop();
      const refused = await closed.consume('v:h', 'user:1', 5, 60_000);
      assert.equal(refused.allowed, false);
      assert.equal(refused.storageFailed, true);
      const allowed = await open.consume('v:h', 'user:1', 5, 60_000);
      assert.equal(allowed.allowed, true);
      assert.equal(allowed.storageFailed, true);
      // Fails fast: on the closed connection, not after the client's 1 s command timeout.
      assert.doesNotMatch(warnings.join('\n'), /timed out/i);
      for (let i = 0; i < 50; i++) await closed.consume('v:h', 'user:1', 5, 60_000);
      assert.equal(warnings.length, 2, 'one warning per limiter, not one per call');

      server = await startRedis({ port });
      await eventually(async () => !(await closed.consume('v:h', 'user:1', 5, 60_000)).storageFailed, 5000);
      const back = await open.consume('v:h', 'user:1', 5, 60_000);
      assert.equal(back.storageFailed, undefined);
      assert.equal(back.allowed, true);
    } finally {
      await closeTestRedis(client);
      await server.stop();
    }
  });
});

describe('startRedis()', () => {
  it('fails with a clear message when the binary is missing', async () => {
    await assert.rejects(startRedis({ binary: 'redis-server-does-not-exist' }), /redis-server binary not found.*apt-get install -y redis-server/);
  });
});
