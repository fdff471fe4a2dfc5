/**
 * The socket.io protocol of the gateway, on express and fastify: exact ack
 * shapes, several views per socket, unmount and disconnect freeing views (the
 * `unmount()` hook runs), errors that never kill the socket nor leak, malformed
 * messages, and independence from the app's global guards and pipes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, post } from '../support/app.js';
import { Gate, gatewayModule, ViewTracker } from './gateway.fixture.js';
import { bootGatewayApp, emitAck, within, type GatewayApp } from './ws-test.helpers.js';

const ALICE = 'u:alice:reports.view';

for (const adapter of ADAPTERS) {
  describe(`gateway protocol (${adapter})`, () => {
    let app: GatewayApp;
    let tracker: ViewTracker;

    before(async () => {
      app = await bootGatewayApp(gatewayModule(), adapter);
      tracker = app.app.get(ViewTracker);
    });
    after(() => app.close());

    it('mount acks exactly { ref, assigns } with every public assign (no _private, no dependency)', async () => {
      const socket = await app.socket({ token: ALICE });
      const ack = await emitAck(socket, 'mount', { view: 'counter', params: { start: 5 } });
      assert.deepEqual(Object.keys(ack).sort(), ['assigns', 'ref']);
      assert.equal(typeof ack.ref, 'string');
      assert.deepEqual(ack.assigns, { count: 5, label: 'counter' });
    });

    it('event acks exactly { result, assigns } with only the changed assigns; unmount acks { ok: true }', async () => {
      const socket = await app.socket({ token: ALICE });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      const ack = await emitAck(socket, 'event', { ref, handler: 'increment', params: { by: '3' } });
      assert.deepEqual(ack, { result: 3, assigns: { count: 3 } });
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'whoami' }), {
        result: { user: 'alice', transport: 'ws', hasRequest: false },
        assigns: {},
      });
      assert.deepEqual(await emitAck(socket, 'unmount', { ref }), { ok: true });
    });

    it('a failure acks exactly { error, details, status }', async () => {
      const socket = await app.socket({ token: ALICE });
      const ack = await emitAck(socket, 'mount', { view: 'nope' });
      assert.deepEqual(ack, { error: 'not_found', details: {}, status: 404 });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      const invalid = await emitAck(socket, 'event', { ref, handler: 'increment', params: { by: 'x' } });
      assert.deepEqual(Object.keys(invalid).sort(), ['details', 'error', 'status']);
      assert.equal(invalid.error, 'validation_error');
      assert.equal(invalid.status, 400);
      assert.ok(Array.isArray(invalid.details.by));
    });

    it('holds several views per socket, each with its own state', async () => {
      const socket = await app.socket({ token: ALICE });
      const a = await emitAck(socket, 'mount', { view: 'counter', params: { start: 1 } });
      const b = await emitAck(socket, 'mount', { view: 'counter', params: { start: 10 } });
      const r = await emitAck(socket, 'mount', { view: 'report' });
      assert.notEqual(a.ref, b.ref);
      assert.deepEqual(r.assigns, { rows: 3 });
      assert.deepEqual((await emitAck(socket, 'event', { ref: a.ref, handler: 'increment' })).assigns, { count: 2 });
      assert.deepEqual((await emitAck(socket, 'event', { ref: b.ref, handler: 'increment' })).assigns, { count: 11 });
      assert.deepEqual((await emitAck(socket, 'event', { ref: a.ref, handler: 'increment' })).assigns, { count: 3 });
    });

    it('unmount frees the view and runs its unmount() hook; the ref is gone afterwards', async () => {
      const socket = await app.socket({ token: ALICE });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter', params: { label: 'unmount-me' } });
      const seen = tracker.unmounted.length;
      assert.deepEqual(await emitAck(socket, 'unmount', { ref }), { ok: true });
      await within(tracker.untilUnmounted(seen + 1), 'unmount hook');
      assert.ok(tracker.unmounted.includes('counter:unmount-me'));
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment' }), { error: 'not_found', details: {}, status: 404 });
      assert.deepEqual(await emitAck(socket, 'unmount', { ref }), { error: 'not_found', details: {}, status: 404 });
    });

    it('disconnect frees every view of the socket and runs their unmount() hooks', async () => {
      const socket = await app.socket({ token: ALICE });
      await emitAck(socket, 'mount', { view: 'counter', params: { label: 'dc-1' } });
      await emitAck(socket, 'mount', { view: 'counter', params: { label: 'dc-2' } });
      const seen = tracker.unmounted.length;
      socket.disconnect();
      await within(tracker.untilUnmounted(seen + 2), 'unmount hooks on disconnect');
      assert.ok(tracker.unmounted.includes('counter:dc-1') && tracker.unmounted.includes('counter:dc-2'));
    });

    it('a view unmounted during a running event is freed after that event, which still acks', async () => {
      const socket = await app.socket({ token: ALICE });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter', params: { label: 'busy' } });
      tracker.gate = new Gate();
      const slow = emitAck(socket, 'event', { ref, handler: 'slow' });
      assert.deepEqual(await emitAck(socket, 'unmount', { ref }), { ok: true });
      assert.ok(!tracker.unmounted.includes('counter:busy'), 'the hook waits for the running event');
      tracker.gate.open();
      assert.deepEqual(await slow, { result: 'slow done', assigns: { count: 1 } });
      await within(
        (async () => {
          while (!tracker.unmounted.includes('counter:busy')) await new Promise((r) => setImmediate(r));
        })(),
        'unmount hook after the event',
      );
    });

    it('a handler that throws acks 500 handler_error without its message; the socket and the view live on', async () => {
      const socket = await app.socket({ token: ALICE });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      const ack = await emitAck(socket, 'event', { ref, handler: 'boom' });
      assert.deepEqual(ack, { error: 'handler_error', details: {}, status: 500 });
      assert.ok(!JSON.stringify(ack).includes('hunter2'));
      assert.ok(socket.connected);
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment' }), { result: 1, assigns: { count: 1 } });
      const broken = await emitAck(socket, 'mount', { view: 'broken' });
      assert.deepEqual(broken, { error: 'handler_error', details: {}, status: 500 });
      assert.ok(socket.connected);
    });

    it('answers malformed messages with an error ack, never by dropping the socket', async () => {
      const socket = await app.socket({ token: ALICE });
      const invalid = { error: 'validation_error', details: { non_field_errors: ['Expected a JSON object.'] }, status: 400 };
      assert.deepEqual(await emitAck(socket, 'mount', 'counter'), invalid);
      assert.deepEqual(await emitAck(socket, 'mount', [1, 2]), invalid);
      assert.deepEqual(await emitAck(socket, 'mount', null), invalid);
      assert.deepEqual(await emitAck(socket, 'mount', {}), { error: 'not_found', details: {}, status: 404 });
      assert.deepEqual(await emitAck(socket, 'mount', { view: 42 }), { error: 'not_found', details: {}, status: 404 });
      assert.deepEqual(await emitAck(socket, 'event', 7), invalid);
      assert.deepEqual(await emitAck(socket, 'event', { ref: { $gt: '' }, handler: 'increment' }), { error: 'not_found', details: {}, status: 404 });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      for (const handler of ['constructor', '__proto__', 'mount', 'unmount', 'toString', '_secret', 'hasOwnProperty', 42]) {
        assert.deepEqual(await emitAck(socket, 'event', { ref, handler }), { error: 'not_found', details: {}, status: 404 }, String(handler));
      }
      const params = await emitAck(socket, 'event', { ref, handler: 'increment', params: [1] });
      assert.equal(params.status, 400);
      const proto = await emitAck(socket, 'mount', { view: 'counter', params: JSON.parse('{"__proto__": {"start": 9}, "constructor": {"x": 1}}') });
      assert.deepEqual(proto.assigns, { count: 0, label: 'counter' });
      assert.equal(({} as Record<string, unknown>).start, undefined);
      assert.ok(socket.connected);
    });

    it('ignores mount and event sent without an ack callback, and still serves the socket', async () => {
      const socket = await app.socket({ token: ALICE });
      socket.emit('mount', { view: 'counter' });
      socket.emit('event', { ref: 'whatever', handler: 'increment' });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      assert.deepEqual((await emitAck(socket, 'event', { ref, handler: 'increment' })).result, 1);
    });

    it('lets any @EventHandler be called over WS (exposeApi only adds HTTP)', async () => {
      const socket = await app.socket({ token: ALICE });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      assert.equal((await emitAck(socket, 'event', { ref, handler: 'whoami' })).result.transport, 'ws');
      const http = await post(`${app.url}/djust/api/counter/whoami/`, {}, { authorization: `Bearer ${ALICE}` });
      assert.equal(http.status, 404);
    });
  });

  describe(`gateway with hostile global guards and pipes (${adapter})`, () => {
    let app: GatewayApp;
    before(async () => {
      app = await bootGatewayApp(gatewayModule({ hostileGlobals: true }), adapter);
    });
    after(() => app.close());

    it('runs djust messages through its own pipeline only, like the HTTP routes', async () => {
      const socket = await app.socket({ token: ALICE });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment', params: { by: 2 } }), { result: 2, assigns: { count: 2 } });
      const http = await post(`${app.url}/djust/api/counter/increment/`, { by: 2 }, { authorization: `Bearer ${ALICE}` });
      assert.equal(http.status, 200);
    });
  });
}
