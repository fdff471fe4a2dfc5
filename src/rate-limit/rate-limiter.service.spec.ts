import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { RateLimiter, RATE_LIMIT_THROTTLER_NAME } from './rate-limiter.service.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { rateLimitHeaders } from './rate-limit-headers.util.js';
import { createFakeClock } from '../../test/support/fake-clock.js';

function silentLogger() {
  const messages: string[] = [];
  return { messages, warn: (m: string) => void messages.push(m) };
}

const failingStorage = (how: 'reject' | 'throw' = 'reject'): ThrottlerStorage => ({
  increment: how === 'reject'
    ? () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'))
    : () => { throw new Error('boom'); },
});

describe('RateLimiter', () => {
  it('counts down remaining, then refuses with Retry-After until the window ends', async () => {
    const clock = createFakeClock();
    const limiter = new RateLimiter(new MemoryThrottlerStorage({ now: clock.now }), { failure: 'closed', logger: silentLogger() });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('orders:refund', 'user:1', 3, 60_000));
    assert.deepEqual(decisions.map((d) => [d.allowed, d.remaining]), [[true, 2], [true, 1], [true, 0], [false, 0]]);
    assert.deepEqual(decisions[0], { allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
    assert.equal(decisions[3].retryAfterSeconds, 60);
    assert.equal(decisions[3].storageFailed, undefined);
    assert.equal((await limiter.consume('orders:refund', 'user:2', 3, 60_000)).allowed, true, 'other caller');
    assert.equal((await limiter.consume('orders:cancel', 'user:1', 3, 60_000)).allowed, true, 'other handler');
    clock.advance(60_000);
    assert.equal((await limiter.consume('orders:refund', 'user:1', 3, 60_000)).remaining, 2, 'new window');
  });

  it('calls the storage with key `<bucket>:<caller>`, ttl in ms, no extra block', async () => {
    const calls: unknown[][] = [];
    const storage: ThrottlerStorage = {
      increment: async (...args) => {
        calls.push(args);
        return { totalHits: 1, timeToExpire: 2, isBlocked: false, timeToBlockExpire: 0 };
      },
    };
    await new RateLimiter(storage, { failure: 'closed' }).consume('my-view:save', 'ip:10.0.0.1', 7, 1_500);
    assert.deepEqual(calls, [['my-view:save:ip:10.0.0.1', 1_500, 7, 0, RATE_LIMIT_THROTTLER_NAME]]);
  });

  it('works over the stock @nestjs/throttler storage (the ThrottlerStorage seam)', async () => {
    const stock = new ThrottlerStorageService();
    try {
      const limiter = new RateLimiter(stock, { failure: 'closed' });
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await limiter.consume('v:h', 'anon', 2, 60_000));
      assert.deepEqual(results.map((d) => d.allowed), [true, true, false]);
      assert.ok((results[2].retryAfterSeconds ?? 0) >= 1);
    } finally {
      stock.onApplicationShutdown();
    }
  });

  it("failure 'closed': refuses when the storage rejects or throws", async () => {
    for (const how of ['reject', 'throw'] as const) {
      const limiter = new RateLimiter(failingStorage(how), { failure: 'closed', logger: silentLogger() });
      const d = await limiter.consume('v:h', 'user:1', 5, 1000);
      assert.equal(d.allowed, false);
      assert.equal(d.storageFailed, true);
      assert.equal(d.retryAfterSeconds, 1);
      assert.deepEqual(rateLimitHeaders(d), { 'Retry-After': '1' });
    }
  });

  it("failure 'open': allows when the storage fails", async () => {
    const limiter = new RateLimiter(failingStorage(), { failure: 'open', logger: silentLogger() });
    const d = await limiter.consume('v:h', 'user:1', 5, 1000);
    assert.equal(d.allowed, true);
    assert.equal(d.storageFailed, true);
    assert.deepEqual(rateLimitHeaders(d), {});
  });

  it('treats a malformed storage record as a failure', async () => {
    const storage = { increment: async () => undefined } as unknown as ThrottlerStorage;
    const d = await new RateLimiter(storage, { failure: 'closed', logger: silentLogger() }).consume('v:h', 'anon', 1, 1000);
    assert.equal(d.storageFailed, true);
  });

  it('logs a storage failure at most once per 10 s, counting the rest', async () => {
    const clock = createFakeClock();
    const logger = silentLogger();
    const limiter = new RateLimiter(failingStorage(), { failure: 'closed', logger, now: clock.now });
    for (let i = 0; i < 1000; i++) await limiter.consume('v:h', `ip:${i}`, 5, 1000);
    assert.equal(logger.messages.length, 1);
    assert.match(logger.messages[0], /rate-limit storage failed.*closed.*ECONNREFUSED/);
    clock.advance(9_999);
    await limiter.consume('v:h', 'x', 5, 1000);
    assert.equal(logger.messages.length, 1);
    clock.advance(1);
    await limiter.consume('v:h', 'x', 5, 1000);
    assert.equal(logger.messages.length, 2);
    assert.match(logger.messages[1], /1000 similar failures not logged/);
  });

  it('rejects an unknown failure policy', () => {
    assert.throws(() => new RateLimiter(new MemoryThrottlerStorage(), { failure: 'maybe' as 'open' }), /failure policy/);
  });
});
