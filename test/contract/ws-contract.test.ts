import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADAPTERS, post } from '../support/app.js';
import { bearer, boot, coreModule, emit, openSocket, Probe, type ContractApp } from './contract.fixture.js';

const ORDER_ASSIGNS = { status: 'new', count: 0, tags: [], invoice: null };

for (const adapter of ADAPTERS) {
  describe(`WebSocket contract (${adapter})`, () => {
    let app: ContractApp;
    let probe: Probe;
    before(async () => {
      app = await boot(coreModule(), adapter);
      probe = app.app.get(Probe);
    });
    after(() => app.close());

    const mountOrder = async (token = 'alice') => {
      const s = await app.socket('/djust', { token });
      const ack = await emit(s, 'mount', { view: 'order', params: {} });
      return { s, ack };
    };

    test('mount ack {ref, assigns}: all public assigns, nothing private/injected/LiveViewBase', async () => {
      const { ack } = await mountOrder();
      assert.deepEqual(Object.keys(ack).sort(), ['assigns', 'ref']);
      assert.ok(ack.ref !== undefined && ack.ref !== null);
      assert.deepEqual(ack.assigns, ORDER_ASSIGNS);
    });

    test('mount receives params; params optional', async () => {
      const s = await app.socket('/djust', { token: 'alice' });
      const a = await emit(s, 'mount', { view: 'order', params: { mount_status: 'from-params' } });
      assert.equal(a.assigns.status, 'from-params');
      assert.deepEqual(probe.lastMountParams, { mount_status: 'from-params' });
      const b = await emit(s, 'mount', { view: 'order' });
      assert.deepEqual(b.assigns, ORDER_ASSIGNS);
    });

    test('event ack {result, assigns} with changed assigns only; state kept across events', async () => {
      const { s, ack } = await mountOrder();
      const e1 = await emit(s, 'event', { ref: ack.ref, handler: 'bump', params: {} });
      assert.deepEqual(e1, { result: 1, assigns: { count: 1 } });
      const e2 = await emit(s, 'event', { ref: ack.ref, handler: 'bump' });
      assert.deepEqual(e2, { result: 2, assigns: { count: 2 } });
      const e3 = await emit(s, 'event', { ref: ack.ref, handler: 'same_value' });
      assert.deepEqual(e3, { result: 'ok', assigns: {} });
      const e4 = await emit(s, 'event', { ref: ack.ref, handler: 'update_status', params: { order_id: '7', status: 'shipped' } });
      assert.deepEqual(e4, { result: { order_id: 7, status: 'shipped' }, assigns: { status: 'shipped' } });
      const e5 = await emit(s, 'event', { ref: ack.ref, handler: 'ping' });
      assert.deepEqual(e5, { result: null, assigns: {} });
    });

    test('LiveViewBase over WS: transport ws, httpRequest undefined, user set; apiMount not used', async () => {
      const { s, ack } = await mountOrder();
      const e = await emit(s, 'event', { ref: ack.ref, handler: 'context' });
      assert.equal(e.result.transport, 'ws');
      assert.equal(e.result.hasHttpRequest, false);
      assert.equal(e.result.user, 'alice');
      assert.equal(e.result.injected, true);
      const m = await emit(s, 'mount', { view: 'mounting' });
      assert.deepEqual(m.assigns, { source: 'mount' });
    });

    test('fresh instance per WS mount', async () => {
      const size = probe.instances.size;
      const s = await app.socket('/djust', { token: 'alice' });
      const a = await emit(s, 'mount', { view: 'order' });
      const b = await emit(s, 'mount', { view: 'order' });
      assert.notEqual(a.ref, b.ref);
      assert.equal(probe.instances.size, size + 2);
      await emit(s, 'event', { ref: a.ref, handler: 'bump' });
      const eb = await emit(s, 'event', { ref: b.ref, handler: 'bump' });
      assert.equal(eb.result, 1);
    });

    test('apiResponse over WS: ack still carries the assigns diff', async () => {
      const { s, ack } = await mountOrder();
      const e = await emit(s, 'event', { ref: ack.ref, handler: 'created' });
      assert.deepEqual(e, { result: { id: 1 }, assigns: { status: 'created' } });
    });

    test('serialization identical on both transports (@Exclude, Date ISO)', async () => {
      const { s, ack } = await mountOrder();
      const ws = await emit(s, 'event', { ref: ack.ref, handler: 'classy' });
      const http = await post(`${app.url}/djust/api/order/classy/`, {}, bearer('alice'));
      assert.deepEqual(ws.result, http.body.result);
      assert.deepEqual(ws.assigns, http.body.assigns);
      assert.equal(ws.result.secret, undefined);
      assert.equal(ws.result.issuedAt, '2024-01-02T03:04:05.000Z');
    });

    test('@EventHandler without exposeApi callable over WS', async () => {
      const { s, ack } = await mountOrder();
      assert.deepEqual(await emit(s, 'event', { ref: ack.ref, handler: 'ws_only' }), { result: 'ws', assigns: {} });
    });

    test('non-handlers unreachable over WS: identical 404 acks', async () => {
      const { s, ack } = await mountOrder();
      const ref = await emit(s, 'event', { ref: ack.ref, handler: 'definitely_missing' });
      assert.equal(ref.error, 'not_found');
      assert.equal(ref.status, 404);
      assert.ok('details' in ref);
      for (const handler of ['plain_method', '_private', 'constructor', 'mount', 'toString', '__proto__', 'hasOwnProperty', 'pushAssigns', 'status', '_cache']) {
        const e = await emit(s, 'event', { ref: ack.ref, handler });
        assert.deepEqual(e, ref, handler);
      }
    });

    test('unmount ack {ok:true}', async () => {
      const { s, ack } = await mountOrder();
      assert.deepEqual(await emit(s, 'unmount', { ref: ack.ref }), { ok: true });
    });

    test('several views per socket', async () => {
      const s = await app.socket('/djust', { token: 'alice' });
      const a = await emit(s, 'mount', { view: 'order' });
      const b = await emit(s, 'mount', { view: 'order-detail' });
      const c = await emit(s, 'mount', { view: 'custom-slug' });
      assert.deepEqual(await emit(s, 'event', { ref: b.ref, handler: 'hello' }), { result: 'detail', assigns: {} });
      assert.deepEqual(await emit(s, 'event', { ref: c.ref, handler: 'hello' }), { result: 'custom', assigns: {} });
      assert.deepEqual(await emit(s, 'event', { ref: a.ref, handler: 'bump' }), { result: 1, assigns: { count: 1 } });
    });

    test('failures ack {error, details, status}: 404 view, 400 validation, 500 handler', async () => {
      const s = await app.socket('/djust', { token: 'alice' });
      const nf = await emit(s, 'mount', { view: 'no-such-view' });
      assert.equal(nf.error, 'not_found');
      assert.equal(nf.status, 404);
      assert.ok('details' in nf);
      const { ref } = await emit(s, 'mount', { view: 'order' });
      const v = await emit(s, 'event', { ref, handler: 'update_status', params: { status: 'x' } });
      assert.equal(v.error, 'validation_error');
      assert.equal(v.status, 400);
      assert.deepEqual(v.details, { order_id: ['This field is required.'] });
      const c = await emit(s, 'event', { ref, handler: 'flags', params: { flag: 'yes', amount: 1 } });
      assert.equal(c.status, 400);
      const ok = await emit(s, 'event', { ref, handler: 'flags', params: { flag: '0', amount: '2', count: '42', junk: 1 } });
      assert.equal(ok.result.flag, false);
      assert.equal(ok.result.amount, 2);
      assert.equal(ok.result.count, 42);
      assert.ok(!ok.result.keys.includes('junk'));
      const b = await emit(s, 'event', { ref, handler: 'boom' });
      assert.equal(b.error, 'handler_error');
      assert.equal(b.status, 500);
      assert.ok(!JSON.stringify(b).includes('secret-db-password-xyz'));
      assert.equal(b.details?.traceback, undefined);
    });

    test('event params that are not an object → 400 details.non_field_errors; unknown view before auth → 404', async () => {
      const { s, ack } = await mountOrder();
      for (const params of [[1, 2], 'str', 42]) {
        const e = await emit(s, 'event', { ref: ack.ref, handler: 'update_status', params });
        assert.equal(e.status, 400, JSON.stringify(e));
        assert.equal(e.error, 'validation_error');
        assert.ok(Array.isArray(e.details.non_field_errors), JSON.stringify(e));
      }
      const anon = await app.socket('/djust');
      const nf = await emit(anon, 'mount', { view: 'no-such-view' });
      assert.equal(nf.status, 404);
    });

    test('auth: handshake.auth.token counts as Bearer; handshake headers work', async () => {
      const byToken = await app.socket('/djust', { token: 'bob' });
      const m = await emit(byToken, 'mount', { view: 'member' });
      assert.deepEqual(await emit(byToken, 'event', { ref: m.ref, handler: 'whoami' }), { result: 'bob', assigns: {} });
      const byHeader = await app.socket('/djust', { headers: bearer('carol') });
      const m2 = await emit(byHeader, 'mount', { view: 'member' });
      assert.deepEqual(await emit(byHeader, 'event', { ref: m2.ref, handler: 'whoami' }), { result: 'carol', assigns: {} });
    });

    test('anonymous socket: may mount public views; login/permission views → 401', async () => {
      const anon = await app.socket('/djust');
      const p = await emit(anon, 'mount', { view: 'public' });
      assert.deepEqual(p.assigns, { greeting: 'hello' });
      assert.deepEqual(await emit(anon, 'event', { ref: p.ref, handler: 'greet' }), { result: null, assigns: { greeting: 'hi' } });
      const m = await emit(anon, 'mount', { view: 'member' });
      assert.equal(m.error, 'unauthenticated');
      assert.equal(m.status, 401);
      const sec = await emit(anon, 'mount', { view: 'secure' });
      assert.equal(sec.status, 401);
    });

    test('permissions over WS: lacking view permission 403 at mount; lacking handler permission 403', async () => {
      const carol = await app.socket('/djust', { token: 'carol' });
      const m = await emit(carol, 'mount', { view: 'secure' });
      assert.equal(m.error, 'permission_denied');
      assert.equal(m.status, 403);
      const bob = await app.socket('/djust', { token: 'bob' });
      const mb = await emit(bob, 'mount', { view: 'secure' });
      const e = await emit(bob, 'event', { ref: mb.ref, handler: 'refund', params: { order_id: 'bad' } });
      assert.equal(e.error, 'permission_denied');
      assert.equal(e.status, 403);
    });

    test('rate limit: one bucket shared by HTTP and WS for the same caller', async () => {
      const s = await app.socket('/djust', { token: 'root' });
      const { ref } = await emit(s, 'mount', { view: 'secure' });
      assert.equal((await post(`${app.url}/djust/api/secure/refund/`, { order_id: 1 }, bearer('root'))).status, 200);
      assert.deepEqual((await emit(s, 'event', { ref, handler: 'refund', params: { order_id: 1 } })).result, { order_id: 1, refunded: true });
      const ws = await emit(s, 'event', { ref, handler: 'refund', params: { order_id: 'bad' } });
      assert.equal(ws.error, 'rate_limited');
      assert.equal(ws.status, 429);
      const http = await post(`${app.url}/djust/api/secure/refund/`, { order_id: 1 }, bearer('root'));
      assert.equal(http.status, 429);
    });

    test('rate limit for an anonymous socket (IP caller) on a view-level limit', async () => {
      const anon = await openSocket(app.url);
      try {
        const { ref } = await emit(anon, 'mount', { view: 'limited' });
        assert.equal((await emit(anon, 'event', { ref, handler: 'second' })).result, 2);
        const limited = await emit(anon, 'event', { ref, handler: 'second' });
        assert.equal(limited.status, 429);
        assert.equal((await emit(anon, 'event', { ref, handler: 'first' })).result, 1);
      } finally {
        anon.disconnect();
      }
    });
  });
}
