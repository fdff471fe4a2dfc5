/**
 * @RateLimit over HTTP, on express and fastify: one bucket per (view, handler, caller),
 * the caller being the user's id, else the client IP as the framework computes it
 * (`trust proxy` honoured, a raw X-Forwarded-For never believed otherwise).
 *
 * Deterministic: the storage is a MemoryThrottlerStorage on a fake clock, windows end
 * when the test advances it. No sleeps.
 *
 * Memory bounded under 1,000,000 distinct callers is unit-tested next to the storage:
 * src/rate-limit/memory-throttler.storage.spec.ts, "stays within maxKeys under
 * 1,000,000 distinct callers".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryThrottlerStorage } from '../../src/rate-limit/memory-throttler.storage.js';
import { ADAPTERS, post, type AdapterName, type JsonResponse } from '../support/app.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { bearer } from '../support/token-auth.js';
import { bootRateLimitApp, type BootOptions } from './rate-limit-app.js';
import {
  EXPORT_LIMIT,
  HandlerRuns,
  QUOTA_OWN_LIMIT,
  QUOTA_OWN_TTL,
  QUOTA_VIEW_LIMIT,
  REFUND_LIMIT,
  REFUND_TTL,
  rateLimitModule,
} from './rate-limit.fixture.js';

const PUBLIC_KEY = { 'x-api-key': 'public' };

interface Harness {
  clock: FakeClock;
  runs: HandlerRuns;
  call(view: string, handler: string, body?: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
}

/** A fresh app (and fresh buckets on a fresh fake clock) for one test. */
async function withApp(adapter: AdapterName, fn: (h: Harness) => Promise<void>, boot: BootOptions = {}): Promise<void> {
  const clock = createFakeClock();
  const running = await bootRateLimitApp(rateLimitModule({ storage: new MemoryThrottlerStorage({ now: clock.now }) }), adapter, boot);
  try {
    await fn({
      clock,
      runs: running.app.get(HandlerRuns),
      call: (view, handler, body = {}, headers = bearer('token-alice')) => post(`${running.url}/djust/api/${view}/${handler}/`, body, headers),
    });
  } finally {
    await running.close();
  }
}

const statuses = (responses: JsonResponse[]) => responses.map((r) => r.status);
const countOf = (responses: JsonResponse[], status: number) => responses.filter((r) => r.status === status).length;

for (const adapter of ADAPTERS) {
  describe(`@RateLimit over HTTP (${adapter})`, () => {
    it('allows exactly `limit` calls, then 429 rate_limited with Retry-After and RateLimit-* headers; refused calls never run the handler', () =>
      withApp(adapter, async ({ call, runs }) => {
        const allowed = [];
        for (let i = 0; i < REFUND_LIMIT; i++) allowed.push(await call('order', 'refund', { order_id: i }));
        assert.deepEqual(statuses(allowed), [200, 200, 200]);
        assert.deepEqual(allowed[0].body, { result: { order_id: 0, refunded: true }, assigns: { status: 'refunded' } });
        assert.deepEqual(
          allowed.map((r) => [r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-remaining'), r.headers.get('ratelimit-reset')]),
          [['3', '2', '60'], ['3', '1', '60'], ['3', '0', '60']],
        );
        assert.equal(allowed[0].headers.get('retry-after'), null, 'no Retry-After on an allowed call');

        const refused = await call('order', 'refund', { order_id: 9 });
        assert.equal(refused.status, 429);
        assert.equal(refused.body.error, 'rate_limited');
        assert.deepEqual(refused.body.details, { retry_after: 60 });
        assert.equal(refused.headers.get('retry-after'), '60');
        assert.equal(refused.headers.get('ratelimit-limit'), '3');
        assert.equal(refused.headers.get('ratelimit-remaining'), '0');
        assert.equal(refused.headers.get('ratelimit-reset'), '60');
        assert.match(refused.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(runs.count('order.refund'), REFUND_LIMIT, 'the refused call did not run the handler');
      }));

    it('is exact under concurrency: simultaneous calls by several callers, exactly `limit` each succeed', () =>
      withApp(adapter, async ({ call, runs }) => {
        const callers = ['token-bob', 'token-carol', 'token-root'];
        const responses = await Promise.all(Array.from({ length: 180 }, (_, i) => call('order', 'export_csv', {}, bearer(callers[i % 3]))));
        assert.equal(countOf(responses, 200), 3 * EXPORT_LIMIT);
        assert.equal(countOf(responses, 429), 180 - 3 * EXPORT_LIMIT);
        assert.equal(runs.count('order.export_csv'), 3 * EXPORT_LIMIT);
        const burst = await Promise.all(Array.from({ length: 80 }, () => call('order', 'refund', { order_id: 1 }, bearer('token-bob'))));
        assert.equal(countOf(burst, 200), REFUND_LIMIT);
        assert.equal(countOf(burst, 429), 80 - REFUND_LIMIT);
        assert.equal(runs.count('order.refund'), REFUND_LIMIT);
      }));

    it('starts a fresh window when the (fake) clock passes the ttl', () =>
      withApp(adapter, async ({ call, clock }) => {
        for (let i = 0; i < REFUND_LIMIT; i++) assert.equal((await call('order', 'refund', { order_id: 1 })).status, 200);
        clock.advance(REFUND_TTL - 1_500);
        let res = await call('order', 'refund', { order_id: 1 });
        assert.equal(res.status, 429);
        assert.equal(res.headers.get('retry-after'), '2', '1.5 s left, rounded up');
        clock.advance(1_499);
        res = await call('order', 'refund', { order_id: 1 });
        assert.equal(res.status, 429, '1 ms before the end of the window');
        assert.equal(res.headers.get('retry-after'), '1');
        clock.advance(1);
        res = await call('order', 'refund', { order_id: 1 });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('ratelimit-remaining'), '2');
      }));

    it('keys the bucket by (view, handler, caller): other users, other handlers and another view\'s same-named handler do not share', () =>
      withApp(adapter, async ({ call, runs }) => {
        for (let i = 0; i < REFUND_LIMIT; i++) await call('order', 'refund', { order_id: 1 });
        assert.equal((await call('order', 'refund', { order_id: 1 })).status, 429);

        // Same handler name on another view: its own bucket, full.
        const invoice = [];
        for (let i = 0; i <= REFUND_LIMIT; i++) invoice.push(await call('invoice', 'refund', { order_id: 1 }));
        assert.deepEqual(statuses(invoice), [200, 200, 200, 429]);
        assert.equal(invoice[0].headers.get('ratelimit-remaining'), '2');
        assert.equal(runs.count('invoice.refund'), REFUND_LIMIT);

        // Another user on the same view and handler: full bucket.
        const bob = await call('order', 'refund', { order_id: 1 }, bearer('token-bob'));
        assert.equal(bob.status, 200);
        assert.equal(bob.headers.get('ratelimit-remaining'), '2');

        // Another handler of the same view: its own bucket; an unlimited handler: no headers.
        assert.equal((await call('order', 'export_csv')).headers.get('ratelimit-remaining'), '49');
        const unlimited = await call('order', 'update_status', { order_id: 1, status: 'x' });
        assert.equal(unlimited.status, 200);
        assert.equal(unlimited.headers.get('ratelimit-limit'), null);
      }));

    it('a view-level @RateLimit applies to every handler (each its own bucket) and a handler\'s own wins', () =>
      withApp(adapter, async ({ call, clock }) => {
        const first = [];
        for (let i = 0; i <= QUOTA_VIEW_LIMIT; i++) first.push(await call('quota', 'first'));
        assert.deepEqual(statuses(first), [200, 200, 429]);
        assert.equal(first[0].headers.get('ratelimit-limit'), String(QUOTA_VIEW_LIMIT));
        assert.equal(first[0].headers.get('ratelimit-reset'), '10');

        const second = [];
        for (let i = 0; i <= QUOTA_VIEW_LIMIT; i++) second.push(await call('quota', 'second'));
        assert.deepEqual(statuses(second), [200, 200, 429], 'same view-level limit, separate bucket');

        const own = [];
        for (let i = 0; i <= QUOTA_OWN_LIMIT; i++) own.push(await call('quota', 'own'));
        assert.deepEqual(statuses(own), [200, 200, 200, 200, 200, 429]);
        assert.equal(own[0].headers.get('ratelimit-limit'), String(QUOTA_OWN_LIMIT));
        assert.equal(own[0].headers.get('ratelimit-reset'), '1');

        // The handler's own 1 s window ends; the view's 10 s window does not.
        clock.advance(QUOTA_OWN_TTL);
        assert.equal((await call('quota', 'own')).status, 200);
        assert.equal((await call('quota', 'first')).status, 429);
      }));

    it('counts a call that reaches the limiter even if it then fails validation; calls refused earlier (401, 404) are not counted', () =>
      withApp(adapter, async ({ call, runs }) => {
        for (let i = 0; i < REFUND_LIMIT; i++) assert.equal((await call('order', 'refund', { order_id: 'not a number' })).status, 400);
        const res = await call('order', 'refund', { order_id: 1 });
        assert.equal(res.status, 429, 'rate limit comes before validation in the order of checks');
        assert.equal(runs.count('order.refund'), 0);

        // 401s from this IP and 404s do not touch the IP's bucket.
        for (let i = 0; i < 5; i++) assert.equal((await call('order', 'refund', { order_id: 1 }, {})).status, 401);
        for (let i = 0; i < 5; i++) assert.equal((await call('order', 'refnud', { order_id: 1 }, PUBLIC_KEY)).status, 404);
        const ip = await call('order', 'refund', { order_id: 1 }, PUBLIC_KEY);
        assert.equal(ip.status, 200);
        assert.equal(ip.headers.get('ratelimit-remaining'), '2');
      }));

    it('without a user id the caller is the client IP, and a raw X-Forwarded-For is ignored (trust proxy off)', () =>
      withApp(adapter, async ({ call }) => {
        const responses = [];
        for (let i = 0; i <= REFUND_LIMIT; i++) {
          responses.push(await call('order', 'refund', { order_id: 1 }, { ...PUBLIC_KEY, 'x-forwarded-for': `203.0.113.${i}` }));
        }
        assert.deepEqual(statuses(responses), [200, 200, 200, 429], 'rotating X-Forwarded-For does not buy a new bucket');
        // An authenticated user is keyed by id, not by the (shared) IP.
        assert.equal((await call('order', 'refund', { order_id: 1 })).status, 200);
      }));

    it('honours the app\'s trust proxy setting: behind a trusted proxy each forwarded client IP has its own bucket', () =>
      withApp(
        adapter,
        async ({ call }) => {
          const from = (ip: string) => ({ ...PUBLIC_KEY, 'x-forwarded-for': ip });
          const a = [];
          for (let i = 0; i <= REFUND_LIMIT; i++) a.push(await call('order', 'refund', { order_id: 1 }, from('203.0.113.7')));
          assert.deepEqual(statuses(a), [200, 200, 200, 429]);
          const b = await call('order', 'refund', { order_id: 1 }, from('203.0.113.8'));
          assert.equal(b.status, 200);
          assert.equal(b.headers.get('ratelimit-remaining'), '2');
          // The rightmost untrusted address counts: a spoofed left-hand entry does not help.
          assert.equal((await call('order', 'refund', { order_id: 1 }, from('198.51.100.1, 203.0.113.7'))).status, 429);
          // A user is still keyed by id, whatever address it comes from.
          for (let i = 0; i < REFUND_LIMIT; i++) {
            assert.equal((await call('order', 'refund', { order_id: 1 }, { ...bearer('token-alice'), 'x-forwarded-for': `198.51.100.${i}` })).status, 200);
          }
          assert.equal((await call('order', 'refund', { order_id: 1 }, { ...bearer('token-alice'), 'x-forwarded-for': '198.51.100.99' })).status, 429);
        },
        { trustLoopbackProxy: true },
      ));
  });
}
