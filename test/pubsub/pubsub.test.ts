import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { TopicRegistry } from '../../src/pubsub/topic.registry.js';
import { ADAPTERS, bootApp, post, type RunningApp } from '../support/app.js';
import { bearer } from '../support/token-auth.js';
import { checkedAck } from '../support/ws-ack.js';
import { NewsService, PubSubModule, Seen } from './pubsub.fixture.js';

const IO_TIMEOUT_MS = 10_000;

async function connect(url: string): Promise<Socket> {
  const socket = io(`${url}/djust`, { auth: { token: 'token-alice' }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const emit = async (socket: Socket, event: string, payload: unknown) => checkedAck(await socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, payload), payload);

/** The next `assigns` push for `ref` (bounded wait for I/O). */
function nextPush(socket: Socket, ref: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no push for ${ref}`)), IO_TIMEOUT_MS);
    const on = (push: { ref: string; assigns: Record<string, unknown> }) => {
      if (push.ref !== ref) return;
      clearTimeout(timer);
      socket.off('assigns', on);
      resolve(push.assigns);
    };
    socket.on('assigns', on);
  });
}

for (const adapter of ADAPTERS) {
  describe(`publish/subscribe in one process (${adapter})`, () => {
    let running: RunningApp;
    let socket: Socket;
    before(async () => {
      running = await bootApp(PubSubModule, adapter);
      socket = await connect(running.url);
    });
    after(async () => {
      socket?.close();
      await running?.close();
    });

    it('a publication from a service reaches the mounted view, which pushes its new assigns', async () => {
      const { ref } = await emit(socket, 'mount', { view: 'feed' });
      const pushed = nextPush(socket, ref);
      await running.app.get(NewsService).publisher.publish('news', { n: 1 });
      assert.deepEqual(await pushed, { last: { n: 1 }, received: 1 });
      await emit(socket, 'unmount', { ref });
    });

    it('each listener gets its own copy; a listener that throws harms neither the others nor the publisher', async () => {
      const seen = running.app.get(Seen);
      seen.payloads.length = 0;
      const a = await emit(socket, 'mount', { view: 'feed', params: { failing: true } });
      const b = await emit(socket, 'mount', { view: 'feed' });
      const pushes = Promise.all([nextPush(socket, a.ref), nextPush(socket, b.ref)]);
      await running.app.get(NewsService).publisher.publish('news', { n: 2 });
      await pushes;
      assert.equal(seen.payloads.length, 2);
      assert.notEqual(seen.payloads[0], seen.payloads[1], 'a fresh copy per listener');
      await emit(socket, 'unmount', { ref: a.ref });
      await emit(socket, 'unmount', { ref: b.ref });
    });

    it('subscriptions end with the view: on unmount, on disconnect, and when the view unsubscribes', async () => {
      const topics = running.app.get(TopicRegistry);
      const before = topics.size;
      const mounted = await emit(socket, 'mount', { view: 'feed' });
      assert.equal(topics.size, before + 1);
      assert.equal((await emit(socket, 'event', { ref: mounted.ref, handler: 'stop' })).result, 'stopped');
      assert.equal(topics.size, before);
      const again = await emit(socket, 'mount', { view: 'feed' });
      await emit(socket, 'unmount', { ref: again.ref });
      assert.equal(topics.size, before);
      const other = await connect(running.url);
      await emit(other, 'mount', { view: 'feed' });
      assert.equal(topics.size, before + 1);
      const closed = new Promise<void>((resolve) => other.once('disconnect', () => resolve()));
      other.disconnect();
      await closed;
      for (let i = 0; i < 50 && topics.size !== before; i++) await new Promise((r) => setImmediate(r));
      assert.equal(topics.size, before, 'the server dropped the closed socket’s subscriptions');
    });

    it('over HTTP, subscribe is a no-op', async () => {
      const res = await post(`${running.url}/djust/api/feed/http_subscribe/`, {}, bearer('token-alice'));
      assert.deepEqual(res.body.result, 'function');
    });

    it('publish refuses what JSON cannot carry, and a bad topic', async () => {
      const { publisher } = running.app.get(NewsService);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await assert.rejects(publisher.publish('news', cyclic), TypeError);
      await assert.rejects(publisher.publish('news', { n: 1n }), TypeError);
      await assert.rejects(publisher.publish('', 1), /topic/);
      assert.equal(publisher.crossProcess, false, 'the default adapter keeps publications in this process');
    });
  });
}
