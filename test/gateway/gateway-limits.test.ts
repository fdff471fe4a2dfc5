/**
 * The per-socket limits, on express and fastify: message size, mounted views
 * per socket, messages per second (an injected clock, no sleeps) and sockets
 * per caller. Each refusal is a clear error (an ack, or a connect_error) and
 * the socket lives on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DjustClientError } from '../../src/client/index.js';
import { ADAPTERS } from '../support/app.js';
import { createFakeClock } from '../support/fake-clock.js';
import { gatewayModule } from './gateway.fixture.js';
import { bootGatewayApp, emitAck, eventually, type GatewayApp } from './ws-test.helpers.js';

for (const adapter of ADAPTERS) {
  describe(`gateway limits (${adapter})`, () => {
    const clock = createFakeClock();
    let size: GatewayApp;
    let views: GatewayApp;
    let rate: GatewayApp;
    let sockets: GatewayApp;

    before(async () => {
      size = await bootGatewayApp(gatewayModule({ djust: { ws: { maxMessageSize: 512 } } }), adapter);
      views = await bootGatewayApp(gatewayModule({ djust: { ws: { maxViewsPerSocket: 2 } } }), adapter);
      rate = await bootGatewayApp(gatewayModule({ djust: { ws: { eventsPerSecond: 3 } }, clock }), adapter);
      sockets = await bootGatewayApp(gatewayModule({ djust: { ws: { maxSocketsPerCaller: 2 } } }), adapter);
    });
    after(async () => {
      for (const app of [size, views, rate, sockets]) await app.close();
    });

    it('answers a message over ws.maxMessageSize with 413 payload_too_large, and serves the next one', async () => {
      const socket = await size.socket({ token: 'u:alice' });
      const tooLarge = {
        error: 'payload_too_large',
        details: { limit: 'maxMessageSize', max: 512, non_field_errors: ['Messages are limited to 512 bytes.'] },
        status: 413,
      };
      assert.deepEqual(await emitAck(socket, 'mount', { view: 'counter', params: { label: 'x'.repeat(600) } }), tooLarge);
      const { ref } = await emitAck(socket, 'mount', { view: 'counter', params: { label: 'small' } });
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment', params: { pad: 'é'.repeat(300) } }), tooLarge);
      const deep = JSON.parse('['.repeat(600) + ']'.repeat(600));
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment', params: { deep } }), tooLarge);
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment' }), { result: 1, assigns: { count: 1 } });
    });

    it('refuses a mount beyond ws.maxViewsPerSocket with 429; unmounting frees a slot', async () => {
      const socket = await views.socket({ token: 'u:alice' });
      const a = await emitAck(socket, 'mount', { view: 'counter' });
      await emitAck(socket, 'mount', { view: 'counter' });
      assert.deepEqual(await emitAck(socket, 'mount', { view: 'counter' }), {
        error: 'rate_limited',
        details: { limit: 'maxViewsPerSocket', max: 2, non_field_errors: ['At most 2 views may be mounted on one socket; unmount one first.'] },
        status: 429,
      });
      assert.deepEqual(await emitAck(socket, 'unmount', { ref: a.ref }), { ok: true });
      assert.equal(typeof (await emitAck(socket, 'mount', { view: 'counter' })).ref, 'string');
      const other = await views.socket({ token: 'u:alice' });
      assert.equal(typeof (await emitAck(other, 'mount', { view: 'counter' })).ref, 'string', 'the limit is per socket');
    });

    it('counts concurrent mounts exactly, failed mounts give their slot back', async () => {
      const socket = await views.socket({ token: 'u:alice' });
      assert.equal((await emitAck(socket, 'mount', { view: 'broken' })).status, 500);
      assert.equal((await emitAck(socket, 'mount', { view: 'nope' })).status, 404);
      const acks = await Promise.all(Array.from({ length: 6 }, () => emitAck(socket, 'mount', { view: 'counter' })));
      assert.equal(acks.filter((a) => typeof a.ref === 'string').length, 2);
      assert.equal(acks.filter((a) => a.status === 429).length, 4);
    });

    it('refuses messages beyond ws.eventsPerSecond with 429 and retry_after; the bucket refills with time', async () => {
      const socket = await rate.socket({ token: 'u:alice' });
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      assert.equal((await emitAck(socket, 'event', { ref, handler: 'increment' })).result, 1);
      assert.equal((await emitAck(socket, 'event', { ref, handler: 'increment' })).result, 2);
      const refusal = {
        error: 'rate_limited',
        details: { limit: 'eventsPerSecond', max: 3, retry_after: 1, non_field_errors: ['At most 3 messages per second per socket.'] },
        status: 429,
      };
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment' }), refusal);
      assert.deepEqual(await emitAck(socket, 'mount', { view: 'counter' }), refusal);
      assert.deepEqual(await emitAck(socket, 'unmount', { ref: 'unknown' }), { error: 'not_found', details: {}, status: 404 }, 'unmount is not limited');
      clock.advance(334);
      assert.equal((await emitAck(socket, 'event', { ref, handler: 'increment' })).result, 3);
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'increment' }), refusal);
      clock.advance(1000);
      for (let i = 4; i <= 6; i++) assert.equal((await emitAck(socket, 'event', { ref, handler: 'increment' })).result, i);
      const other = await rate.socket({ token: 'u:alice' });
      assert.equal(typeof (await emitAck(other, 'mount', { view: 'counter' })).ref, 'string', 'the limit is per socket');
    });

    it('refuses a socket beyond ws.maxSocketsPerCaller with a connect_error 429; per user, else per IP', async () => {
      const first = await sockets.client({ token: 'u:zed' });
      await sockets.client({ token: 'u:zed' });
      const err = await sockets.client({ token: 'u:zed' }).then(
        () => assert.fail('accepted'),
        (e: unknown) => e as DjustClientError,
      );
      assert.ok(err instanceof DjustClientError);
      assert.deepEqual(
        { error: err.error, details: err.details, status: err.status },
        {
          error: 'rate_limited',
          details: { limit: 'maxSocketsPerCaller', max: 2, non_field_errors: ['At most 2 simultaneous connections per caller.'] },
          status: 429,
        },
      );
      await sockets.client({ token: 'u:yan' });
      await sockets.client({ token: 'u:yan' });
      await sockets.client();
      await sockets.client();
      await assert.rejects(sockets.client(), (e: DjustClientError) => e.status === 429, 'anonymous sockets count per IP');
      first.close();
      const again = await eventually(() => sockets.client({ token: 'u:zed' }), 'a slot after a disconnect');
      assert.ok(again.socket.connected);
    });
  });
}
