import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { INestApplication } from '@nestjs/common';
import session from 'express-session';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { RedisThrottlerStorage, SessionAuth, SessionIoAdapter } from '../../src/index.js';
import { coreModule } from '../core/core.fixture.js';
import { ADAPTERS, bootApp, type RunningApp } from '../support/app.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';
import { TestTokenAuth } from '../support/token-auth.js';
import { bootHardened, connectSocket, emitAck, IO_TIMEOUT_MS, nextDisconnect, rawRequest, type RawResponse } from './support/clients.js';
import { cookieHeader, FlakySessionStore } from './support/flaky-session.store.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { Gate, hardeningModule } from './support/hardening.fixture.js';
import { assertHttpAnswer, assertWsAck } from './support/invariants.js';

/**
 * Faults: a hanging handler, the rate-limit store going away, clients that
 * leave mid-call, a failing session store. In each: a documented answer, no
 * crash, no unhandled rejection, nothing silently half-applied, and the
 * failure's own message never reaches the client.
 */
const ALICE = { authorization: 'Bearer token-alice' };

/** POSTs JSON to `/djust/api/<view>/<handler>/` and checks the envelope. */
async function call(url: string, view: string, handler: string, headers: Record<string, string> = ALICE, body = '{}'): Promise<RawResponse & { body: any }> {
  const res = await rawRequest(url, { method: 'POST', path: `/djust/api/${view}/${handler}/`, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body) });
  // The faults provoke these on purpose: 503 (a store is down), 504 (a handler hangs).
  assertHttpAnswer(res, { view, handler }, `${view}.${handler}`, [503, 504]);
  return { ...res, body: JSON.parse(res.text) };
}

/** Rejects after `ms` (a bound on an I/O wait, never a timing assertion). */
function rejectAfter(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/** Records unhandled rejections for the duration of a suite. */
function watchUnhandled(): unknown[] {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  before(() => void process.on('unhandledRejection', listener));
  after(() => void process.off('unhandledRejection', listener));
  return seen;
}

for (const adapter of ADAPTERS) {
  describe(`faults over HTTP and WS (${adapter})`, () => {
    const unhandled = watchUnhandled();
    let running: RunningApp;
    let gate: Gate;
    // The handler timeout runs on this clock: a test moves it past the timeout once the run's timer is set.
    let clock: FakeClock;
    const TIMEOUT = 150;
    /** Waits for the timer of the run in flight, then moves the clock past the timeout. */
    const expire = async (): Promise<void> => {
      await clock.whenPending();
      clock.advance(TIMEOUT);
    };
    before(async () => {
      gate = new Gate();
      clock = createFakeClock();
      running = await bootApp(hardeningModule({ handlerTimeout: TIMEOUT }, gate, clock), adapter);
    });
    after(() => running.close());

    it('handlerTimeout: a hanging handler is 504 handler_timeout over HTTP', async () => {
      const pending = call(running.url, 'slow', 'hang');
      await expire();
      const res = await pending;
      assert.equal(res.status, 504);
      assert.deepEqual(res.body, { error: 'handler_timeout', details: {}, message: 'The handler did not finish in time.' });
    });

    it('handlerTimeout: a hanging mount is 504 too (HTTP runs mount before every call)', async () => {
      const pending = call(running.url, 'slow', 'bump', ALICE, '{"hang":true}');
      await expire();
      const res = await pending;
      assert.equal(res.status, 504);
      assert.equal(res.body.error, 'handler_timeout');
    });

    it('handlerTimeout: a run that finishes in time clears its timer (nothing fires later)', async () => {
      const res = await call(running.url, 'slow', 'bump');
      assert.equal(res.status, 200);
      assert.equal(clock.pendingTimers, 0);
    });

    it('handlerTimeout over WS: 504 ack; the view keeps working, and the late result is not lost silently', async () => {
      const socket = await connectSocket(running.url, { token: 'token-alice' });
      try {
        const { ref } = await emitAck(socket, 'mount', { view: 'slow' });
        const hanging = emitAck(socket, 'event', { ref, handler: 'hang' });
        await expire();
        const hung = await hanging;
        assertWsAck(hung, 'event', { view: 'slow', handler: 'hang' }, 'hang', [504]);
        assert.deepEqual([hung.error, hung.status], ['handler_timeout', 504]);
        // The view's queue is not stuck behind the hung call.
        const bumped = await emitAck(socket, 'event', { ref, handler: 'bump' });
        assert.deepEqual(bumped, { result: 1, assigns: { step: 'hanging', counter: 1 } });

        // A slow call times out, then finishes later: its effect shows up in the next diff.
        const timedOut = emitAck(socket, 'event', { ref, handler: 'slow' });
        await gate.entered('slow');
        await expire();
        assert.equal((await timedOut).error, 'handler_timeout');
        gate.release('slow');
        const next = await emitAck(socket, 'event', { ref, handler: 'bump' });
        assert.deepEqual(next, { result: 2, assigns: { step: 'done', counter: 2 } });
      } finally {
        socket.close();
      }
    });

    it('handlerTimeout over WS: a hanging mount is 504 and does not keep a view slot', async () => {
      const socket = await connectSocket(running.url, { token: 'token-alice' });
      try {
        const mounting = emitAck(socket, 'mount', { view: 'slow', params: { hang: true } });
        await expire();
        const ack = await mounting;
        assert.deepEqual([ack.error, ack.status], ['handler_timeout', 504]);
        const ok = await emitAck(socket, 'mount', { view: 'slow' });
        assert.equal(typeof ok.ref, 'string');
      } finally {
        socket.close();
      }
    });

    it('no unhandled rejection so far', () => assert.deepEqual(unhandled, []));
  });

  describe(`clients leaving mid-call (${adapter})`, () => {
    const unhandled = watchUnhandled();
    let running: RunningApp;
    let gate: Gate;
    before(async () => {
      gate = new Gate();
      running = await bootApp(hardeningModule({}, gate), adapter);
    });
    after(() => running.close());

    it('HTTP: the client aborts during a slow handler; the handler completes, the server stays up', async () => {
      const url = new URL(running.url);
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/djust/api/slow/slow/', headers: { 'content-type': 'application/json', ...ALICE } });
      const failed = new Promise<Error>((resolve) => req.once('error', resolve));
      req.end('{}');
      await gate.entered('slow');
      req.destroy(); // the client goes away: the TCP connection closes mid-call
      assert.match((await failed).message, /socket hang up|aborted/);
      gate.release('slow');
      // The server answers the next call (its write to the gone client did not break anything).
      const res = await call(running.url, 'slow', 'bump');
      assert.equal(res.status, 200);
      assert.equal(gate.completed, 1);
      assert.deepEqual(unhandled, []);
    });

    it('WS: the socket disconnects during a slow event; the view is released after the event ends', async () => {
      const socket = await connectSocket(running.url, { token: 'token-alice' });
      const { ref } = await emitAck(socket, 'mount', { view: 'slow' });
      const before = gate.unmounted;
      socket.emit('event', { ref, handler: 'slow' }, () => assert.fail('no ack can reach a closed socket'));
      await gate.entered('slow');
      socket.disconnect();
      gate.release('slow');
      await gate.untilUnmounted(before + 1);
      assert.equal(gate.unmounted, before + 1);
      assert.deepEqual(unhandled, []);
    });

    it('WS: the socket disconnects while a mount is in flight; the half-mounted view is released, not leaked', async () => {
      const socket = await connectSocket(running.url, { token: 'token-alice' });
      const before = gate.unmounted;
      socket.emit('mount', { view: 'slow', params: { gate: 'mount' } }, () => assert.fail('no ack can reach a closed socket'));
      await gate.entered('mount');
      socket.disconnect();
      gate.release('mount');
      await gate.untilUnmounted(before + 1);
      // The server still takes new sockets and calls.
      const fresh = await connectSocket(running.url, { token: 'token-bob' });
      assert.equal(typeof (await emitAck(fresh, 'mount', { view: 'slow' })).ref, 'string');
      fresh.close();
      assert.deepEqual(unhandled, []);
    });
  });
}

describe('the rate-limit store (Redis) going away mid-run', () => {
  const unhandled = watchUnhandled();
  let redis: RedisServerHandle;
  const clients: Redis[] = [];
  const apps: RunningApp[] = [];

  /** An app whose rate limiter uses the Redis server, with the given failure policy. */
  const bootWith = async (rateLimitFailure: 'open' | 'closed'): Promise<RunningApp> => {
    // Fail fast while the server is down (no offline queue), reconnect in the background.
    const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100, connectTimeout: 1000, commandTimeout: 1000, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    const running = await bootApp(hardeningModule({ rateLimitFailure, throttlerStorage: new RedisThrottlerStorage(client) }), 'express');
    apps.push(running);
    return running;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const running of apps) await running.close();
    for (const client of clients) client.disconnect();
    await redis.stop();
  });

  it("'closed' refuses rate-limited calls with 503 service_unavailable; 'open' lets them through; recovery is automatic", async () => {
    const closed = await bootWith('closed');
    const open = await bootWith('open');
    assert.equal((await call(closed.url, 'limited', 'ping')).status, 200);
    assert.equal((await call(open.url, 'limited', 'ping')).status, 200);
    const socket = await connectSocket(closed.url, { token: 'token-alice' });
    const { ref } = await emitAck(socket, 'mount', { view: 'limited' });

    const port = redis.port;
    await redis.stop();

    const refused = await call(closed.url, 'limited', 'ping');
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error, 'service_unavailable');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal((await call(closed.url, 'limited', 'free')).status, 200, 'a handler without a rate limit does not need the store');
    const ack = await emitAck(socket, 'event', { ref, handler: 'ping' });
    assert.deepEqual([ack.error, ack.status], ['service_unavailable', 503]);
    assert.equal((await call(open.url, 'limited', 'ping')).status, 200);

    redis = await startRedis({ port });
    // ioredis reconnects on its own (every 100 ms); wait for it (I/O, bounded), no restart of the app.
    const client = clients[0];
    if (client.status !== 'ready') await Promise.race([once(client, 'ready'), rejectAfter(IO_TIMEOUT_MS, 'ioredis did not reconnect')]);
    assert.equal((await call(closed.url, 'limited', 'ping')).status, 200, 'calls did not recover once Redis was back');
    socket.close();
    assert.deepEqual(unhandled, []);
  });
});

/** Boots the core app with sessions on a flaky store; auth: the session's user, else a bearer token. */
async function bootWithSessions(adapter: 'express' | 'fastify', store: FlakySessionStore): Promise<RunningApp> {
  const secret = 'a-test-secret-that-is-at-least-32-characters-long';
  const module = coreModule({ authClasses: [SessionAuth, TestTokenAuth] });
  return bootHardened(module, adapter, {
    configure: async (app: INestApplication) => {
      if (adapter === 'express') {
        const middleware = session({ secret, store, resave: false, saveUninitialized: false });
        app.use(middleware);
        app.useWebSocketAdapter(new SessionIoAdapter(app, [middleware]));
      } else {
        const fastify = app as unknown as { register(plugin: unknown, options?: unknown): Promise<unknown> };
        await fastify.register(fastifyCookie);
        await fastify.register(fastifySession, { secret, store, saveUninitialized: false, cookie: { secure: false } });
      }
      // An app route that puts something in an anonymous visitor's session, so the store holds one.
      app.getHttpAdapter().get('/visit', (req: any, res: any) => {
        req.session.visits = (req.session.visits ?? 0) + 1;
        app.getHttpAdapter().reply(res, { visits: req.session.visits }, 200);
      });
    },
  });
}

for (const adapter of ADAPTERS) {
  describe(`a failing session store (${adapter})`, () => {
    const unhandled = watchUnhandled();
    const store = new FlakySessionStore();
    let running: RunningApp;
    let cookie = '';
    before(async () => {
      running = await bootWithSessions(adapter, store);
      // An anonymous visitor the app itself starts a session for (GET /djust/api/csrf no longer does).
      const res = await rawRequest(running.url, { method: 'GET', path: '/visit' });
      assert.equal(res.status, 200);
      cookie = cookieHeader(res.headers['set-cookie']);
      assert.ok(cookie && store.size === 1, 'no session was created');
    });
    after(async () => {
      store.failing = false;
      await running.close();
    });

    it('a call whose session cannot be loaded is 503 service_unavailable; the store error never reaches the client', async () => {
      store.failing = true;
      try {
        const res = await call(running.url, 'order', 'nothing', { ...ALICE, cookie });
        assert.equal(res.status, 503);
        assert.deepEqual(res.body.error, 'service_unavailable');
        assert.equal(res.headers['retry-after'], '1');
        assert.doesNotMatch(res.text, /ECONNREFUSED|hunter2|10\.0\.0\.5/);
        const csrf = await rawRequest(running.url, { method: 'GET', path: '/djust/api/csrf', headers: { cookie } });
        assert.equal(csrf.status, 503);
        assert.equal(JSON.parse(csrf.text).error, 'service_unavailable');
        assert.ok(store.failures >= 2);
      } finally {
        store.failing = false;
      }
      // Nothing was half-applied: the same session works again once the store is back.
      const again = await call(running.url, 'order', 'nothing', { ...ALICE, cookie });
      assert.equal(again.status, 200);
      assert.deepEqual(unhandled, []);
    });

    if (adapter === 'express') {
      it('WS: a handshake whose session cannot be loaded is refused (connect_error); the server carries on', async () => {
        store.failing = true;
        try {
          await assert.rejects(connectSocket(running.url, { headers: { cookie } }));
        } finally {
          store.failing = false;
        }
        const socket = await connectSocket(running.url, { headers: { cookie } });
        assert.ok(socket.connected);
        socket.close();
      });

      it('WS: the store failing under a session-authenticated socket ends it with an error ack, never a leak', async () => {
        store.patchAll((sess) => (sess.user = { id: 1, username: 'alice', permissions: ['orders.view_order'] }));
        const socket = await connectSocket(running.url, { headers: { cookie } });
        try {
          const { ref } = await emitAck(socket, 'mount', { view: 'order' });
          assert.equal(typeof ref, 'string');
          const closed = nextDisconnect(socket);
          store.failing = true;
          const ack = await emitAck(socket, 'event', { ref, handler: 'nothing' });
          assertWsAck(ack, 'event', { view: 'order', handler: 'nothing' }, 'event with a failing store', [503]);
          assert.ok(ack.status === 401 || ack.status === 503, JSON.stringify(ack));
          await closed;
        } finally {
          store.failing = false;
          socket.close();
        }
        assert.deepEqual(unhandled, []);
      });
    }
  });
}
