import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import { SEED_ORDERS } from '../../sample/database/sample-schema.js';
import { TopicRegistry } from '../../src/pubsub/topic.registry.js';
import { connectSocket, csrfToken, emitAck, login, nextPush, postJson, startSample, type RunningSample, type SessionJar } from './sample-support.js';

describe('sample over socket.io', () => {
  let sample: RunningSample;
  let admin: SessionJar;
  const sockets: Socket[] = [];
  const open = async (auth: { cookie?: string; token?: string }) => {
    const socket = await connectSocket(sample.url, auth);
    sockets.push(socket);
    return socket;
  };
  const subscribers = () => sample.app.get(TopicRegistry).size;

  before(async () => {
    sample = await startSample();
    admin = await login(sample.url, 'admin', 'admin');
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await sample?.close();
  });

  it('mounts OrderView with the session cookie: all orders as the assign', async () => {
    const socket = await open({ cookie: admin.cookie });
    const ack = await emitAck(socket, 'mount', { view: 'order', params: {} });
    assert.equal(typeof ack.ref, 'string');
    assert.deepEqual(ack.assigns, { orders: SEED_ORDERS });
    await emitAck(socket, 'unmount', { ref: ack.ref });
  });

  it('refuses an anonymous socket (401) and the viewer’s refund (403), like HTTP', async () => {
    const anonymous = await open({});
    const denied = await emitAck(anonymous, 'mount', { view: 'order' });
    assert.equal(denied.status, 401);
    assert.equal(denied.error, 'unauthenticated');

    const viewer = await login(sample.url, 'viewer', 'viewer');
    const socket = await open({ cookie: viewer.cookie });
    const { ref } = await emitAck(socket, 'mount', { view: 'order' });
    const refused = await emitAck(socket, 'event', { ref, handler: 'refund', params: { order_id: 42 } });
    assert.deepEqual({ error: refused.error, status: refused.status }, { error: 'permission_denied', status: 403 });
  });

  it('runs update_status over WS and pushes the new list to every mounted view', async () => {
    const a = await open({ cookie: admin.cookie });
    const b = await open({ cookie: admin.cookie });
    const mountA = await emitAck(a, 'mount', { view: 'order' });
    const mountB = await emitAck(b, 'mount', { view: 'order' });
    const pushedToB = nextPush(b, mountB.ref, (assigns) => assigns.orders?.find((o: any) => o.id === 45)?.status === 'paid');
    const pushedToA = nextPush(a, mountA.ref, (assigns) => assigns.orders?.find((o: any) => o.id === 45)?.status === 'paid');
    const ack = await emitAck(a, 'event', { ref: mountA.ref, handler: 'update_status', params: { order_id: '45', status: 'paid' } });
    assert.deepEqual(ack.result, { order_id: 45, status: 'paid' });
    const [pushB] = await Promise.all([pushedToB, pushedToA]);
    assert.deepEqual(Object.keys(pushB), ['orders']);
  });

  it('pushes the change when someone else calls update_status over HTTP', async () => {
    const socket = await open({ cookie: admin.cookie });
    const { ref } = await emitAck(socket, 'mount', { view: 'order' });
    const pushed = nextPush(socket, ref, (assigns) => assigns.orders?.find((o: any) => o.id === 42)?.status === 'delivered');
    const other = await login(sample.url, 'viewer', 'viewer');
    const res = await postJson(sample.url, '/djust/api/order/update_status/', { order_id: 42, status: 'delivered' }, {
      cookie: other.cookie,
      'x-csrf-token': await csrfToken(sample.url, other),
    });
    assert.deepEqual(res.body, { result: { order_id: 42, status: 'delivered' }, assigns: {} });
    const assigns = await pushed;
    assert.equal(assigns.orders.length, SEED_ORDERS.length);
  });

  it('get_chart_data sets assigns for a socket (not an apiResponse result)', async () => {
    const socket = await open({ cookie: admin.cookie });
    const mounted = await emitAck(socket, 'mount', { view: 'chart', params: { metric: 'orders_by_status' } });
    assert.equal(mounted.assigns.metric, 'orders_by_status');
    assert.deepEqual(mounted.assigns.chart_data.labels, ['new', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled']);
    const ack = await emitAck(socket, 'event', { ref: mounted.ref, handler: 'get_chart_data', params: { metric: 'revenue_by_status' } });
    assert.equal(ack.result, null);
    assert.equal(ack.assigns.metric, 'revenue_by_status');
    assert.equal(ack.assigns.chart_data.metric, 'revenue_by_status');
    assert.equal(ack.assigns.chart_data.values.reduce((a: number, b: number) => a + b, 0), SEED_ORDERS.reduce((a, o) => a + o.total_cents, 0));
  });

  it('accepts the bearer token on a socket (handshake auth.token)', async () => {
    const socket = await open({ token: DEMO_API_TOKEN });
    const { ref } = await emitAck(socket, 'mount', { view: 'fulfillment' });
    const ack = await emitAck(socket, 'event', { ref, handler: 'ping' });
    assert.deepEqual(ack, { result: { pong: true, caller: 'fulfillment-bot' }, assigns: {} });
  });

  it('unsubscribes on unmount and on disconnect (no leaked listeners)', async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    assert.equal(await waitFor(() => subscribers() === 0), true, 'earlier sockets released their views');
    const socket = await open({ cookie: admin.cookie });
    const one = await emitAck(socket, 'mount', { view: 'order' });
    await emitAck(socket, 'mount', { view: 'chart' });
    assert.equal(subscribers(), 2);
    await emitAck(socket, 'unmount', { ref: one.ref });
    assert.equal(await waitFor(() => subscribers() === 1), true);
    socket.disconnect();
    assert.equal(await waitFor(() => subscribers() === 0), true);
  });
});

/** Polls a condition the server reaches after I/O (a disconnect), bounded. */
async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
