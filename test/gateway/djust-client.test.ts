/**
 * The typed client (`nestjs-djust/client`) against a real app, on express and
 * fastify: assigns kept up to date from acks and pushes, DjustClientError,
 * unmount/close, timeouts, and remounting after a reconnect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { connectDjust, DjustClientError, type Assigns } from '../../src/client/index.js';
import { ADAPTERS } from '../support/app.js';
import { Gate, gatewayModule, ViewTracker } from './gateway.fixture.js';
import { bootGatewayApp, untilDisconnected, within, type GatewayApp } from './ws-test.helpers.js';

interface CounterAssigns extends Assigns {
  count: number;
  label: string;
}

/** Resolves with the next assigns change a handle reports. */
function nextChange<A extends Assigns>(handle: { onAssigns(cb: (a: Readonly<A>, c: Readonly<Partial<A>>) => void): () => void }) {
  return within(
    new Promise<{ assigns: Readonly<A>; changed: Readonly<Partial<A>> }>((resolve) => {
      const off = handle.onAssigns((assigns, changed) => {
        off();
        resolve({ assigns, changed });
      });
    }),
    'an assigns change',
  );
}

for (const adapter of ADAPTERS) {
  describe(`DjustClient (${adapter})`, () => {
    let app: GatewayApp;
    let tracker: ViewTracker;

    before(async () => {
      app = await bootGatewayApp(gatewayModule(), adapter);
      tracker = app.app.get(ViewTracker);
    });
    after(() => app.close());

    it('mounts, calls, and keeps assigns up to date from acks; onAssigns reports each change', async () => {
      const client = await app.client({ token: 'u:alice' });
      const counter = await client.mount<CounterAssigns>('counter', { start: 40 });
      assert.deepEqual(counter.assigns, { count: 40, label: 'counter' });
      assert.equal(counter.view, 'counter');
      assert.deepEqual(counter.params, { start: 40 });
      const before = counter.assigns;
      const changes: Partial<CounterAssigns>[] = [];
      const off = counter.onAssigns((_assigns, changed) => changes.push(changed));
      assert.equal(await counter.call<number>('increment', { by: '2' }), 42);
      assert.deepEqual(counter.assigns, { count: 42, label: 'counter' });
      assert.deepEqual(before, { count: 40, label: 'counter' }, 'assigns are replaced, never mutated');
      assert.equal(await counter.call('whoami').then((r: any) => r.user), 'alice');
      off();
      await counter.call('increment');
      assert.deepEqual(changes, [{ count: 42 }]);
      assert.deepEqual(client.views, [counter]);
    });

    it('rejects with DjustClientError carrying error, details and status', async () => {
      const client = await app.client({ token: 'u:carol' });
      const counter = await client.mount('counter');
      const invalid = await counter.call('increment', { by: 'x' }).catch((e: unknown) => e);
      assert.ok(invalid instanceof DjustClientError);
      assert.equal(invalid.error, 'validation_error');
      assert.equal(invalid.status, 400);
      assert.ok(Array.isArray(invalid.details.by));
      assert.match(invalid.message, /^400 validation_error \(by: /);
      await assert.rejects(counter.call('nope'), { name: 'DjustClientError', error: 'not_found', status: 404, details: {} });
      const boom = (await counter.call('boom').catch((e: unknown) => e)) as DjustClientError;
      assert.deepEqual({ error: boom.error, status: boom.status, details: boom.details }, { error: 'handler_error', status: 500, details: {} });
      assert.ok(!boom.message.includes('hunter2'));
      await assert.rejects(client.mount('report'), { error: 'permission_denied', status: 403 });
      await assert.rejects(client.mount('missing'), { error: 'not_found', status: 404 });
      const anonymous = await app.client();
      await assert.rejects(anonymous.mount('private'), { error: 'unauthenticated', status: 401 });
    });

    it('applies server pushes to the handle and reports them', async () => {
      const client = await app.client({ token: 'u:alice' });
      const ticker = await client.mount<{ tick: number; history: number[] }>('ticker');
      const change = nextChange(ticker);
      tracker.tick(3);
      assert.deepEqual(await change, { assigns: { tick: 3, history: [3] }, changed: { tick: 3, history: [3] } });
      assert.deepEqual(ticker.assigns, { tick: 3, history: [3] });
    });

    it('unmount frees the server view; the handle then refuses calls; unmount is idempotent', async () => {
      const client = await app.client({ token: 'u:alice' });
      const counter = await client.mount('counter', { label: 'client-unmount' });
      const seen = tracker.unmounted.length;
      await counter.unmount();
      await within(tracker.untilUnmounted(seen + 1), 'the unmount hook');
      assert.ok(tracker.unmounted.includes('counter:client-unmount'));
      await assert.rejects(counter.call('increment'), { error: 'closed', status: 0 });
      await counter.unmount();
      assert.deepEqual(client.views, []);
    });

    it('close() rejects pending calls, kills the views and disconnects (the server frees them)', async () => {
      const client = await app.client({ token: 'u:alice' });
      const counter = await client.mount('counter', { label: 'client-close' });
      tracker.gate = new Gate();
      tracker.entered = new Gate();
      const ticker = await client.mount('ticker');
      const pending = ticker.call('slow');
      await within(tracker.entered.promise, 'slow started');
      const seen = tracker.unmounted.length;
      client.close();
      await assert.rejects(pending, { error: 'closed' });
      await assert.rejects(counter.call('increment'), { error: 'closed' });
      await assert.rejects(client.mount('counter'), { error: 'closed' });
      tracker.gate.open();
      await within(tracker.untilUnmounted(seen + 2), 'unmount hooks');
    });

    it('rejects a call without an answer within timeout with `timeout`', async () => {
      const client = await app.client({ token: 'u:alice', timeout: 50 });
      const ticker = await within(client.mount('ticker'), 'mount');
      tracker.gate = new Gate();
      await assert.rejects(ticker.call('slow'), { error: 'timeout', status: 0 });
      tracker.gate.open();
    });

    it('remounts every view after a reconnect; calls made meanwhile wait for it', async () => {
      const client = await app.client({ token: 'u:alice', reconnection: true });
      const counter = await client.mount<CounterAssigns>('counter', { start: 5 });
      assert.equal(await counter.call('increment'), 6);
      const oldRef = counter.ref;
      const remounted = nextChange(counter);
      const gone = untilDisconnected(client.socket as Socket);
      (client.socket as Socket).io.engine.close();
      await gone;
      const during = counter.call<number>('increment');
      const { assigns, changed } = await remounted;
      assert.deepEqual(changed, { count: 5, label: 'counter' }, 'a fresh server instance, mounted with the same params');
      assert.equal(assigns.count, 5);
      assert.notEqual(counter.ref, oldRef);
      assert.equal(await within(during, 'the call made while away'), 6);
      assert.equal(await counter.call('increment'), 7);
    });

    it('with remount: false, views die with the connection and in-flight calls reject `disconnected`', async () => {
      const client = await app.client({ token: 'u:alice', reconnection: true, remount: false });
      const ticker = await client.mount('ticker');
      tracker.gate = new Gate();
      tracker.entered = new Gate();
      const pending = ticker.call('slow');
      await within(tracker.entered.promise, 'slow started');
      (client.socket as Socket).io.engine.close();
      await assert.rejects(pending, { error: 'disconnected' });
      await assert.rejects(ticker.call('reset'), { error: 'disconnected' });
      tracker.gate.open();
      client.close();
    });

    it('connectDjust needs an io function when the page has no global io', async () => {
      await assert.rejects(connectDjust(app.url), TypeError);
    });
  });
}
