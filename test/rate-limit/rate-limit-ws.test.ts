/**
 * @RateLimit across transports, on express and fastify: HTTP calls and socket.io
 * events of one caller draw from one bucket per (view, handler, caller).
 * Deterministic: a fake-clock MemoryThrottlerStorage. No sleeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryThrottlerStorage } from '../../src/rate-limit/memory-throttler.storage.js';
import { ADAPTERS, post, type AdapterName, type JsonResponse } from '../support/app.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { bearer } from '../support/token-auth.js';
import { bootRateLimitApp, connectDjust, type BootOptions, type ConnectOptions, type DjustSocket } from './rate-limit-app.js';
import { EXPORT_LIMIT, HandlerRuns, QUOTA_VIEW_LIMIT, REFUND_LIMIT, REFUND_TTL, rateLimitModule } from './rate-limit.fixture.js';

interface Harness {
  clock: FakeClock;
  runs: HandlerRuns;
  http(view: string, handler: string, body?: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  connect(options: ConnectOptions): Promise<DjustSocket>;
}

/** A fresh app on a fresh fake clock; every socket opened through the harness is closed afterwards. */
async function withApp(adapter: AdapterName, fn: (h: Harness) => Promise<void>, boot: BootOptions = {}): Promise<void> {
  const clock = createFakeClock();
  const running = await bootRateLimitApp(rateLimitModule({ storage: new MemoryThrottlerStorage({ now: clock.now }) }), adapter, boot);
  const sockets: DjustSocket[] = [];
  try {
    await fn({
      clock,
      runs: running.app.get(HandlerRuns),
      http: (view, handler, body = {}, headers = bearer('token-alice')) => post(`${running.url}/djust/api/${view}/${handler}/`, body, headers),
      connect: async (options) => {
        const socket = await connectDjust(running.url, options);
        sockets.push(socket);
        return socket;
      },
    });
  } finally {
    for (const socket of sockets) socket.close();
    await running.close();
  }
}

const isRateLimitedAck = (ack: any) => ack?.error === 'rate_limited' && ack?.status === 429;

for (const adapter of ADAPTERS) {
  describe(`@RateLimit shared by HTTP and WS (${adapter})`, () => {
    it('one user: HTTP calls and WS events draw from one bucket; the WS refusal is a rate_limited ack', () =>
      withApp(adapter, async ({ http, connect, runs }) => {
        assert.equal((await http('order', 'refund', { order_id: 1 })).status, 200);
        const ws = await connect({ token: 'token-alice' });
        const ref = await ws.mountRef('order');
        const ok = await ws.event(ref, 'refund', { order_id: 2 });
        assert.deepEqual(ok, { result: { order_id: 2, refunded: true }, assigns: { status: 'refunded' } });
        const third = await http('order', 'refund', { order_id: 3 });
        assert.equal(third.status, 200);
        assert.equal(third.headers.get('ratelimit-remaining'), '0');

        const refused = await ws.event(ref, 'refund', { order_id: 4 });
        assert.ok(isRateLimitedAck(refused), JSON.stringify(refused));
        assert.deepEqual(refused.details, { retry_after: REFUND_TTL / 1000 });
        assert.equal((await http('order', 'refund', { order_id: 5 })).status, 429);
        assert.equal(runs.count('order.refund'), REFUND_LIMIT);
      }));

    it('is exact under concurrent HTTP calls and WS events on several sockets of one user', () =>
      withApp(adapter, async ({ http, connect, runs }) => {
        const sockets = await Promise.all([1, 2, 3].map(() => connect({ token: 'token-bob' })));
        const refs = await Promise.all(sockets.map((s) => s.mountRef('order')));
        const wsCalls = sockets.flatMap((s, i) => Array.from({ length: 25 }, () => s.event(refs[i], 'export_csv')));
        const httpCalls = Array.from({ length: 60 }, () => http('order', 'export_csv', {}, bearer('token-bob')));
        const [acks, responses] = await Promise.all([Promise.all(wsCalls), Promise.all(httpCalls)]);
        const wsAllowed = acks.filter((a) => a?.result === 'csv').length;
        const httpAllowed = responses.filter((r) => r.status === 200).length;
        assert.equal(wsAllowed + httpAllowed, EXPORT_LIMIT, `ws ${wsAllowed} + http ${httpAllowed}`);
        assert.equal(acks.filter(isRateLimitedAck).length + responses.filter((r) => r.status === 429).length, 135 - EXPORT_LIMIT);
        assert.equal(runs.count('order.export_csv'), EXPORT_LIMIT);
      }));

    it('other users, and another view\'s same-named handler, have their own buckets over WS too', () =>
      withApp(adapter, async ({ connect }) => {
        const alice = await connect({ token: 'token-alice' });
        const order = await alice.mountRef('order');
        const invoice = await alice.mountRef('invoice');
        for (let i = 0; i < REFUND_LIMIT; i++) assert.equal((await alice.event(order, 'refund', { order_id: i })).result.refunded, true);
        assert.ok(isRateLimitedAck(await alice.event(order, 'refund', { order_id: 9 })));
        for (let i = 0; i < REFUND_LIMIT; i++) assert.equal((await alice.event(invoice, 'refund', { order_id: i })).result.refunded, true);
        assert.ok(isRateLimitedAck(await alice.event(invoice, 'refund', { order_id: 9 })));

        const bob = await connect({ token: 'token-bob' });
        const bobOrder = await bob.mountRef('order');
        assert.equal((await bob.event(bobOrder, 'refund', { order_id: 1 })).result.refunded, true);
      }));

    it('a view-level @RateLimit applies over WS, per handler, and resets with the clock', () =>
      withApp(adapter, async ({ http, connect, clock }) => {
        const ws = await connect({ token: 'token-carol' });
        const ref = await ws.mountRef('quota');
        assert.equal((await ws.event(ref, 'first')).result, 'first');
        assert.equal((await http('quota', 'first', {}, bearer('token-carol'))).status, 200);
        assert.ok(isRateLimitedAck(await ws.event(ref, 'first')), 'view-level limit shared across transports');
        assert.equal((await ws.event(ref, 'second')).result, 'second', 'another handler: another bucket');
        clock.advance(10_000);
        assert.equal((await ws.event(ref, 'first')).result, 'first', 'fresh window');
        assert.equal(QUOTA_VIEW_LIMIT, 2);
      }));

    it('without a user id: an anonymous socket and a keyed HTTP caller from the same IP share the IP bucket', () =>
      withApp(adapter, async ({ http, connect }) => {
        const anonymous = await connect({});
        const keyed = await connect({ headers: { 'x-api-key': 'public' } });
        const a = await anonymous.mountRef('order');
        const k = await keyed.mountRef('order');
        assert.equal((await anonymous.event(a, 'refund', { order_id: 1 })).result.refunded, true);
        assert.equal((await keyed.event(k, 'refund', { order_id: 2 })).result.refunded, true);
        assert.equal((await http('order', 'refund', { order_id: 3 }, { 'x-api-key': 'public' })).status, 200);
        assert.ok(isRateLimitedAck(await anonymous.event(a, 'refund', { order_id: 4 })));
        assert.equal((await http('order', 'refund', { order_id: 5 }, { 'x-api-key': 'public' })).status, 429);
        // A spoofed X-Forwarded-For on the handshake changes nothing (trust proxy off).
        const spoofed = await connect({ headers: { 'x-forwarded-for': '203.0.113.50' } });
        assert.ok(isRateLimitedAck(await spoofed.event(await spoofed.mountRef('order'), 'refund', { order_id: 6 })));
        // A user is keyed by id, not by the shared IP.
        const alice = await connect({ token: 'token-alice' });
        assert.equal((await alice.event(await alice.mountRef('order'), 'refund', { order_id: 7 })).result.refunded, true);
      }));

    // The gateway computes a handshake's caller IP like the adapter's req.ip: express's
    // public `trust proxy` setting, fastify's `trustProxy` option (src/gateway/handshake-ip.ts).
    it('behind a trusted proxy, a socket and an HTTP call from the same forwarded client share its IP bucket', () =>
      withApp(
        adapter,
        async ({ http, connect }) => {
          const client = { 'x-api-key': 'public', 'x-forwarded-for': '203.0.113.7' };
          const ws = await connect({ headers: client });
          const ref = await ws.mountRef('order');
          for (let i = 0; i < REFUND_LIMIT - 1; i++) assert.equal((await http('order', 'refund', { order_id: i }, client)).status, 200);
          assert.equal((await ws.event(ref, 'refund', { order_id: 9 })).result?.refunded, true);
          assert.ok(isRateLimitedAck(await ws.event(ref, 'refund', { order_id: 10 })));
          // Another forwarded client behind the same proxy: its own bucket.
          const other = await connect({ headers: { 'x-forwarded-for': '203.0.113.8' } });
          assert.equal((await other.event(await other.mountRef('order'), 'refund', { order_id: 1 })).result?.refunded, true);
        },
        { trustLoopbackProxy: true },
      ));
  });
}
