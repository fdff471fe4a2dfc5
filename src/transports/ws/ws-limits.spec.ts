import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFakeClock } from '../../../test/support/fake-clock.js';
import { CallerSockets } from './caller-sockets.registry.js';
import { EventRateLimiter } from './event-rate.limiter.js';
import { jsonSizeExceeds } from '../../serialization/json-size.util.js';

describe('jsonSizeExceeds', () => {
  it('agrees with JSON.stringify byte length around the bound', () => {
    const samples: unknown[] = [
      { view: 'order', params: { id: 42, ok: true, none: null, list: [1, 'two', { three: 3 }] } },
      'é'.repeat(50),
      [[], {}, [[[]]]],
      { 'ключ': 'значение', n: -1.5e-7 },
    ];
    for (const value of samples) {
      const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
      assert.equal(jsonSizeExceeds(value, size), false, JSON.stringify(value));
      assert.equal(jsonSizeExceeds(value, size - 1), true, JSON.stringify(value));
    }
  });

  it('counts binary attachments by byte length', () => {
    assert.equal(jsonSizeExceeds({ file: Buffer.alloc(600) }, 512), true);
    assert.equal(jsonSizeExceeds({ file: new Uint8Array(100) }, 512), false);
  });

  it('stops early on huge values and survives any nesting depth', () => {
    const wide = Array.from({ length: 1_000_000 }, () => 1);
    assert.equal(jsonSizeExceeds(wide, 1000), true);
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    assert.equal(jsonSizeExceeds(deep, 1_000_000), false);
    assert.equal(jsonSizeExceeds(deep, 1000), true);
  });
});

describe('EventRateLimiter', () => {
  it('allows a burst of perSecond, then refills continuously', () => {
    const clock = createFakeClock();
    const limiter = new EventRateLimiter(4, clock.now);
    for (let i = 0; i < 4; i++) assert.equal(limiter.take(), 0);
    assert.equal(limiter.take(), 250);
    clock.advance(100);
    assert.equal(limiter.take(), 150);
    clock.advance(150);
    assert.equal(limiter.take(), 0);
    assert.equal(limiter.take(), 250);
    clock.advance(10_000);
    for (let i = 0; i < 4; i++) assert.equal(limiter.take(), 0, 'never more than the burst');
    assert.ok(limiter.take() > 0);
  });

  it('is off at 0', () => {
    const limiter = new EventRateLimiter(0, createFakeClock().now);
    for (let i = 0; i < 10_000; i++) assert.equal(limiter.take(), 0);
  });
});

describe('CallerSockets', () => {
  it('counts per caller up to max, and releases', () => {
    const sockets = new CallerSockets(2);
    assert.ok(sockets.acquire('user:1'));
    assert.ok(sockets.acquire('user:1'));
    assert.equal(sockets.acquire('user:1'), false);
    assert.ok(sockets.acquire('ip:10.0.0.1'));
    sockets.release('user:1');
    assert.equal(sockets.count('user:1'), 1);
    assert.ok(sockets.acquire('user:1'));
    sockets.release('user:1');
    sockets.release('user:1');
    sockets.release('user:1');
    assert.equal(sockets.count('user:1'), 0);
  });

  it('is off at 0', () => {
    const sockets = new CallerSockets(0);
    for (let i = 0; i < 1000; i++) assert.ok(sockets.acquire('anon'));
  });
});
