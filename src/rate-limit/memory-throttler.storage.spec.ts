import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { createFakeClock } from '../../test/support/fake-clock.js';

const NAME = 'default';

describe('MemoryThrottlerStorage', () => {
  it('allows exactly `limit` hits per window, then blocks without counting', async () => {
    const clock = createFakeClock();
    const storage = new MemoryThrottlerStorage({ now: clock.now });
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await storage.increment('k', 60_000, 5, 0, NAME));
    assert.deepEqual(results.map((r) => r.isBlocked), [false, false, false, false, false, true, true, true]);
    assert.deepEqual(results.map((r) => r.totalHits), [1, 2, 3, 4, 5, 6, 6, 6]);
    assert.equal(results[0].timeToExpire, 60);
    assert.equal(results[0].timeToBlockExpire, 0);
    assert.equal(results[5].timeToBlockExpire, 60);
  });

  it('keeps keys independent', async () => {
    const storage = new MemoryThrottlerStorage({ now: createFakeClock().now });
    await storage.increment('a', 1000, 1, 0, NAME);
    assert.equal((await storage.increment('a', 1000, 1, 0, NAME)).isBlocked, true);
    assert.equal((await storage.increment('b', 1000, 1, 0, NAME)).isBlocked, false);
  });

  it('resets when the window ends (fake clock) and reports seconds left, rounded up', async () => {
    const clock = createFakeClock();
    const storage = new MemoryThrottlerStorage({ now: clock.now });
    for (let i = 0; i < 3; i++) await storage.increment('k', 10_000, 3, 0, NAME);
    clock.advance(4_500);
    const blocked = await storage.increment('k', 10_000, 3, 0, NAME);
    assert.equal(blocked.isBlocked, true);
    assert.equal(blocked.timeToBlockExpire, 6); // 5.5 s left → 6
    clock.advance(5_499);
    assert.equal((await storage.increment('k', 10_000, 3, 0, NAME)).isBlocked, true, '1 ms before the end');
    clock.advance(1);
    const fresh = await storage.increment('k', 10_000, 3, 0, NAME);
    assert.deepEqual(fresh, { totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('blockDuration longer than the window keeps the key blocked past the window', async () => {
    const clock = createFakeClock();
    const storage = new MemoryThrottlerStorage({ now: clock.now });
    await storage.increment('k', 1_000, 2, 5_000, NAME);
    await storage.increment('k', 1_000, 2, 5_000, NAME);
    const third = await storage.increment('k', 1_000, 2, 5_000, NAME);
    assert.equal(third.isBlocked, true);
    assert.equal(third.timeToBlockExpire, 5);
    clock.advance(2_000);
    const stillBlocked = await storage.increment('k', 1_000, 2, 5_000, NAME);
    assert.equal(stillBlocked.isBlocked, true);
    assert.equal(stillBlocked.timeToBlockExpire, 3);
    clock.advance(3_000);
    assert.deepEqual(await storage.increment('k', 1_000, 2, 5_000, NAME), { totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('blockDuration shorter than the window: a fresh window starts when the block ends', async () => {
    const clock = createFakeClock();
    const storage = new MemoryThrottlerStorage({ now: clock.now });
    await storage.increment('k', 60_000, 1, 1_000, NAME);
    assert.equal((await storage.increment('k', 60_000, 1, 1_000, NAME)).isBlocked, true);
    clock.advance(1_000);
    const after = await storage.increment('k', 60_000, 1, 1_000, NAME);
    assert.equal(after.isBlocked, false);
    assert.equal(after.totalHits, 1);
    assert.equal(after.timeToExpire, 60);
  });

  it('matches the stock ThrottlerStorageService on a burst (what ThrottlerGuard expects)', async () => {
    for (const blockDuration of [0, 10_000]) {
      const stock = new ThrottlerStorageService();
      const ours = new MemoryThrottlerStorage();
      try {
        for (let i = 0; i < 6; i++) {
          const a = await stock.increment('k', 60_000, 3, blockDuration, NAME);
          const b = await ours.increment('k', 60_000, 3, blockDuration, NAME);
          assert.equal(b.isBlocked, a.isBlocked, `hit ${i + 1}, blockDuration ${blockDuration}`);
          assert.equal(b.totalHits, a.totalHits, `hit ${i + 1}, blockDuration ${blockDuration}`);
        }
      } finally {
        stock.onApplicationShutdown();
      }
    }
  });

  it('evicts the oldest key at the maxKeys cap', async () => {
    const storage = new MemoryThrottlerStorage({ maxKeys: 3, now: createFakeClock().now });
    for (const k of ['a', 'b', 'c']) await storage.increment(k, 60_000, 10, 0, NAME);
    await storage.increment('a', 60_000, 10, 0, NAME); // same window: order unchanged
    await storage.increment('d', 60_000, 10, 0, NAME);
    assert.equal(storage.size, 3);
    assert.equal(storage.peek('a'), undefined);
    assert.ok(storage.peek('b') && storage.peek('c') && storage.peek('d'));
    await storage.increment('e', 60_000, 10, 0, NAME);
    assert.equal(storage.peek('b'), undefined);
    assert.equal(storage.size, 3);
  });

  it('a key that starts a new window moves behind the others for eviction', async () => {
    const clock = createFakeClock();
    const storage = new MemoryThrottlerStorage({ maxKeys: 3, now: clock.now });
    await storage.increment('a', 10, 10, 0, NAME);
    await storage.increment('b', 60_000, 10, 0, NAME);
    await storage.increment('c', 60_000, 10, 0, NAME);
    clock.advance(20);
    await storage.increment('a', 10, 10, 0, NAME); // a's window ended: fresh window
    await storage.increment('d', 60_000, 10, 0, NAME);
    assert.equal(storage.peek('b'), undefined, 'b is now the oldest');
    assert.ok(storage.peek('a'));
  });

  it('sweeps expired keys incrementally, without timers', async () => {
    const clock = createFakeClock();
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const storage = new MemoryThrottlerStorage({ now: clock.now });
    for (let i = 0; i < 100; i++) await storage.increment(`old-${i}`, 1_000, 5, 0, NAME);
    await storage.increment('blocked', 1_000, 0, 5_000, NAME); // blocked for 5 s: must survive the sweep
    assert.equal(storage.size, 101);
    clock.advance(2_000);
    for (let i = 0; i < 120; i++) await storage.increment('live', 60_000, 1_000, 0, NAME);
    assert.equal(storage.size, 2, 'only "live" and the still-blocked key remain');
    assert.ok(storage.peek('blocked'));
    clock.advance(5_000);
    for (let i = 0; i < 4; i++) await storage.increment('live', 60_000, 1_000, 0, NAME);
    assert.equal(storage.size, 1);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.equal(timersAfter, timersBefore, 'no timer created');
  });

  it('stays within maxKeys under 1,000,000 distinct callers', async () => {
    const clock = createFakeClock();
    const maxKeys = 10_000;
    const storage = new MemoryThrottlerStorage({ maxKeys, now: clock.now });
    let peak = 0;
    for (let i = 0; i < 1_000_000; i++) {
      await storage.increment(`view:handler:ip:${i}`, 60_000, 5, 0, NAME);
      if ((i & 1023) === 0) peak = Math.max(peak, storage.size);
      if ((i & 0xffff) === 0) clock.advance(1);
    }
    peak = Math.max(peak, storage.size);
    assert.ok(peak <= maxKeys, `peak ${peak} > ${maxKeys}`);
    assert.equal(storage.size, maxKeys);
    assert.ok(storage.peek('view:handler:ip:999999'), 'newest key kept');
    assert.equal(storage.peek('view:handler:ip:0'), undefined, 'oldest key evicted');
  });

  it('holds a constant-size counter per key whatever the ttl and hit count (no per-hit storage)', async () => {
    const clock = createFakeClock();
    const storage = new MemoryThrottlerStorage({ now: clock.now });
    for (const ttl of [1_000, 60_000, 86_400_000]) {
      for (let i = 0; i < 10_000; i++) await storage.increment(`k${ttl}`, ttl, 1_000_000, 0, NAME);
      const entry = storage.peek(`k${ttl}`);
      assert.ok(entry);
      assert.deepEqual(Object.keys(entry).sort(), ['blockedUntil', 'count', 'expiresAt']);
      assert.ok(Object.values(entry).every((v) => typeof v === 'number'), 'scalars only, no hit arrays');
      assert.equal(entry.count, 10_000);
      assert.equal(entry.expiresAt, clock.now() + ttl);
    }
  });

  it('rejects an invalid maxKeys', () => {
    assert.throws(() => new MemoryThrottlerStorage({ maxKeys: 0 }), /maxKeys/);
    assert.throws(() => new MemoryThrottlerStorage({ maxKeys: 1.5 }), /maxKeys/);
  });

  it('clear() drops every key and the storage keeps working', async () => {
    const storage = new MemoryThrottlerStorage();
    await storage.increment('a', 1000, 1, 0, NAME);
    storage.clear();
    assert.equal(storage.size, 0);
    assert.equal((await storage.increment('a', 1000, 1, 0, NAME)).totalHits, 1);
  });
});
