/**
 * `nestjs-djust/client` and exactly-once events (SPEC: Reconnect and
 * exactly-once events): every `call` carries an `id`; when the connection
 * drops before the ack, the client remounts and sends the event again with
 * the same id, and the server answers with the kept ack — the handler runs
 * once. Real app, real socket.io-client; the transport is cut from the client
 * side (`engine.close()`), which socket.io treats as a lost connection and
 * reconnects.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { connectDjust, DjustClientError, type DjustClient } from '../../src/client/index.js';
import { MemoryIdempotencyStore } from '../../src/index.js';
import { ADAPTERS, bootApp, type RunningApp } from '../support/app.js';
import { createFakeClock } from '../support/fake-clock.js';
import { CountingStore, IdempotencyLedger, idempotencyModule } from './idempotency.fixture.js';

const IO_TIMEOUT_MS = 5_000;

/** Resolves on the socket's next `event`. */
function next(socket: Socket, event: string): Promise<void> {
  return new Promise((resolve) => socket.once(event, () => resolve()));
}

for (const adapter of ADAPTERS) {
  describe(`the client resends an event whose ack a disconnect lost (${adapter})`, () => {
    let running: RunningApp;
    let store: CountingStore;
    const ledger = new IdempotencyLedger();
    const clients: DjustClient[] = [];
    let n = 0;

    const connect = async (): Promise<{ client: DjustClient; socket: Socket }> => {
      let socket: Socket | undefined;
      const client = await connectDjust(running.url, {
        io: (uri, opts) => (socket = io(uri, opts)),
        token: `u:resend-${adapter}-${++n}:`,
        timeout: IO_TIMEOUT_MS,
        socketOptions: { forceNew: true, transports: ['websocket'], reconnectionDelay: 10, reconnectionDelayMax: 50, randomizationFactor: 0 },
      });
      clients.push(client);
      return { client, socket: socket! };
    };

    before(async () => {
      const clock = createFakeClock();
      store = new CountingStore(new MemoryIdempotencyStore({ clock }));
      running = await bootApp(idempotencyModule(ledger, store, clock), adapter);
    });
    after(async () => {
      for (const client of clients) client.close();
      await running?.close();
    });
    beforeEach(() => ledger.reset());

    it('the handler finished while the socket was away: the resent event gets the kept ack, the handler ran once', async () => {
      const { client, socket } = await connect();
      const view = await client.mount('pay');
      const runs = ledger.count('slow');
      const call = view.call<{ amount: number; run: number }>('slow', { amount: 3 });
      await ledger.entered.promise;
      const reconnected = next(socket, 'connect');
      socket.io.engine.close(); // the connection drops with the ack still to come
      ledger.gate.open(); // the first send finishes on the server; its ack has nowhere to go
      await reconnected;
      const result = await call;
      assert.deepEqual(result, { amount: 3, run: runs + 1 });
      assert.equal(ledger.count('slow'), runs + 1, 'the handler ran once');
      assert.notEqual(view.ref, '', 'the view was mounted again');
    });

    it('the handler still runs when the event is resent: 409 in use, the client asks again, then the kept ack', async () => {
      const { client, socket } = await connect();
      const view = await client.mount('pay');
      const runs = ledger.count('slow');
      const call = view.call<{ amount: number; run: number }>('slow', { amount: 8 });
      await ledger.entered.promise;
      const inUse = store.answers.filter((s) => s === 'running').length;
      socket.io.engine.close();
      await store.until('running', inUse + 2); // the resend met the first send still running (409), and the client asked again
      ledger.gate.open();
      assert.deepEqual(await call, { amount: 8, run: runs + 1 });
      assert.equal(ledger.count('slow'), runs + 1, 'the handler ran once');
    });

    it('each call has its own id: two calls with the same params both run; an explicit id is kept across calls', async () => {
      const { client } = await connect();
      const view = await client.mount('pay');
      const runs = ledger.count('charge');
      await view.call('charge', { amount: 1 });
      await view.call('charge', { amount: 1 });
      assert.equal(ledger.count('charge'), runs + 2);
      const first = await view.call('charge', { amount: 1 }, { id: 'checkout-7' });
      assert.deepEqual(await view.call('charge', { amount: 1 }, { id: 'checkout-7' }), first);
      assert.equal(ledger.count('charge'), runs + 3);
    });

    it('resend: false gives up at the disconnect (the caller decides)', async () => {
      let socket: Socket | undefined;
      const client = await connectDjust(running.url, {
        io: (uri, opts) => (socket = io(uri, opts)),
        token: `u:resend-${adapter}-off:`,
        timeout: IO_TIMEOUT_MS,
        resend: false,
        socketOptions: { forceNew: true, transports: ['websocket'], reconnectionDelay: 10, reconnectionDelayMax: 50 },
      });
      clients.push(client);
      const view = await client.mount('pay');
      const call = view.call('slow', { amount: 1 });
      await ledger.entered.promise;
      socket!.io.engine.close();
      await assert.rejects(call, (err: unknown) => err instanceof DjustClientError && err.error === 'disconnected');
      ledger.gate.open();
    });
  });
}
