/**
 * Server push, on express and fastify: a view that changes its assigns outside
 * a client event and calls `this.pushAssigns()` sends `assigns { ref, assigns }`
 * with the diff; pushes never precede an ack that is on its way, never repeat
 * what an ack carried, and a push from inside a handler does not deadlock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { ADAPTERS } from '../support/app.js';
import { Gate, gatewayModule, ViewTracker } from './gateway.fixture.js';
import { bootGatewayApp, emitAck, nextMessage, within, type GatewayApp } from './ws-test.helpers.js';

/** Records every `assigns` push and every ack in arrival order. */
function recorder(socket: Socket) {
  const log: { kind: 'push' | 'ack'; data: any }[] = [];
  socket.on('assigns', (data) => log.push({ kind: 'push', data }));
  return {
    log,
    async ack(event: string, payload: unknown) {
      const data = await emitAck(socket, event, payload);
      log.push({ kind: 'ack', data });
      return data;
    },
  };
}

for (const adapter of ADAPTERS) {
  describe(`gateway server push (${adapter})`, () => {
    let app: GatewayApp;
    let tracker: ViewTracker;

    before(async () => {
      app = await bootGatewayApp(gatewayModule(), adapter);
      tracker = app.app.get(ViewTracker);
    });
    after(() => app.close());

    it('sends assigns { ref, assigns } with the diff when the view pushes outside a client event', async () => {
      const socket = await app.socket({ token: 'u:alice' });
      const { ref, assigns } = await emitAck(socket, 'mount', { view: 'ticker' });
      assert.deepEqual(assigns, { tick: 0, history: [] });
      const pushed = nextMessage(socket, 'assigns');
      tracker.tick(1);
      assert.deepEqual(await pushed, { ref, assigns: { tick: 1, history: [1] } });
      const next = nextMessage(socket, 'assigns');
      tracker.tick(1);
      assert.deepEqual(await next, { ref, assigns: { history: [1, 1] } }, 'only what changed');
    });

    it('sends nothing when nothing changed', async () => {
      const socket = await app.socket({ token: 'u:alice' });
      const r = recorder(socket);
      const { ref } = await r.ack('mount', { view: 'ticker' });
      assert.deepEqual(await r.ack('event', { ref, handler: 'noop_push' }), { result: 'nothing to push', assigns: {} });
      const pushed = nextMessage(socket, 'assigns');
      tracker.tick(5);
      assert.deepEqual((await pushed).assigns.tick, 5);
      assert.deepEqual(r.log.filter((e) => e.kind === 'push').length, 1, 'the empty push sent nothing');
    });

    it('a push from inside a handler does not deadlock; the ack carries the changes once', async () => {
      const socket = await app.socket({ token: 'u:alice' });
      const r = recorder(socket);
      const { ref } = await r.ack('mount', { view: 'counter' });
      const ack = await within(r.ack('event', { ref, handler: 'push_inside' }), 'push_inside ack');
      assert.deepEqual(ack, { result: 'pushed', assigns: { count: 100, label: 'after push' } });
      assert.deepEqual((await r.ack('event', { ref, handler: 'increment' })).assigns, { count: 101 });
      assert.equal(r.log.filter((e) => e.kind === 'push').length, 0, 'nothing pushed twice');
    });

    it('a push while an event runs waits for its ack, which already carries the change', async () => {
      const socket = await app.socket({ token: 'u:alice' });
      const r = recorder(socket);
      const { ref } = await r.ack('mount', { view: 'ticker' });
      tracker.gate = new Gate();
      tracker.entered = new Gate();
      const slow = r.ack('event', { ref, handler: 'slow' });
      await within(tracker.entered.promise, 'slow started');
      tracker.tick(7);
      tracker.gate.open();
      assert.deepEqual(await slow, { result: 'slow done', assigns: { tick: 7, history: [7] } });
      const pushed = nextMessage(socket, 'assigns');
      tracker.tick(8);
      assert.deepEqual(await pushed, { ref, assigns: { tick: 8, history: [7, 8] } });
      assert.deepEqual(
        r.log.map((e) => e.kind),
        ['ack', 'ack', 'push'],
        'no push before the ack, none repeating it',
      );
    });

    it('an unmounted view that keeps pushing sends nothing', async () => {
      const socket = await app.socket({ token: 'u:alice' });
      const leaky = await emitAck(socket, 'mount', { view: 'leaky' });
      const ticker = await emitAck(socket, 'mount', { view: 'ticker' });
      const first = nextMessage(socket, 'assigns');
      tracker.tick(2);
      const pushes = [await first];
      assert.deepEqual(await emitAck(socket, 'unmount', { ref: leaky.ref }), { ok: true });
      const r = recorder(socket);
      const next = nextMessage(socket, 'assigns');
      tracker.tick(3);
      pushes.push(await next);
      assert.equal(pushes[1].ref, ticker.ref);
      await r.ack('event', { ref: ticker.ref, handler: 'reset' });
      assert.deepEqual(
        r.log.filter((e) => e.kind === 'push').map((e) => e.data.ref),
        [ticker.ref],
        'no push from the unmounted view',
      );
    });

    it('pushes to the right view among several, and to each subscribed socket', async () => {
      const one = await app.socket({ token: 'u:alice' });
      const two = await app.socket({ token: 'u:bob' });
      const a = await emitAck(one, 'mount', { view: 'ticker' });
      await emitAck(one, 'mount', { view: 'counter' });
      const b = await emitAck(two, 'mount', { view: 'ticker' });
      const gotOne = nextMessage(one, 'assigns');
      const gotTwo = nextMessage(two, 'assigns');
      tracker.tick(42);
      assert.equal((await gotOne).ref, a.ref);
      assert.equal((await gotTwo).ref, b.ref);
    });
  });
}
