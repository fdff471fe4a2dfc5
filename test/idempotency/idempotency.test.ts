/**
 * Exactly-once calls (SPEC: Reconnect and exactly-once events), on express and
 * fastify, over HTTP (`Idempotency-Key`), WS (event `id`) and MCP
 * (`_meta.idempotencyKey`), against a real app: replays, the 422 of other
 * params, the 409 while the first call runs, nothing kept for a call refused
 * before the handler, callers kept apart, `onError` not called again for a
 * replayed 500, expiry on an injected clock, and a store that is down.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { io, type Socket } from 'socket.io-client';
import { MemoryIdempotencyStore } from '../../src/index.js';
import { ADAPTERS, bootApp, post, type JsonResponse, type RunningApp } from '../support/app.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { checkedAck } from '../support/ws-ack.js';
import { CountingStore, IdempotencyLedger, idempotencyModule, TEST_TTL } from './idempotency.fixture.js';
import { payWithRetry } from './readme/pay-with-retry.js';

const IO_TIMEOUT_MS = 5_000;

/** One caller's three transports on one app. */
class Caller {
  private socket: Socket | undefined;
  private ref: string | undefined;
  private mcp: Client | undefined;

  constructor(
    private readonly url: string,
    readonly token: string | undefined,
  ) {}

  http(handler: string, body: unknown, key?: string): Promise<JsonResponse> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    if (key !== undefined) headers['idempotency-key'] = key;
    return post(`${this.url}/djust/api/pay/${handler}/`, body, headers);
  }

  /** An `event` on this caller's mounted `pay` view (mounted on first use); the ack without its `requestId`. */
  async ws(handler: string, params: unknown, id?: unknown): Promise<any> {
    if (!this.socket) {
      this.socket = io(`${this.url}/djust`, { auth: this.token ? { token: this.token } : {}, forceNew: true, reconnection: false, transports: ['websocket'] });
      const mounted = checkedAck(await this.socket.timeout(IO_TIMEOUT_MS).emitWithAck('mount', { view: 'pay', params: {} }));
      assert.equal(typeof mounted.ref, 'string', JSON.stringify(mounted));
      this.ref = mounted.ref;
    }
    const payload = { ref: this.ref, handler, params, ...(id !== undefined ? { id } : {}) };
    return checkedAck(await this.socket.timeout(IO_TIMEOUT_MS).emitWithAck('event', payload), payload);
  }

  /** `tools/call pay.<handler>`: `{ status, body, replayed }` in the HTTP API's shape. */
  async tool(handler: string, args: Record<string, unknown>, key?: string): Promise<{ status: number; body: Record<string, unknown>; replayed: boolean }> {
    if (!this.mcp) {
      this.mcp = new Client({ name: 'idempotency', version: '0' });
      await this.mcp.connect(new StreamableHTTPClientTransport(new URL(`${this.url}/djust/mcp`), { requestInit: { headers: { authorization: `Bearer ${this.token}` } } }));
    }
    const out = await this.mcp.callTool({ name: `pay.${handler}`, arguments: args, ...(key !== undefined ? { _meta: { idempotencyKey: key } } : {}) });
    const content = out.structuredContent as Record<string, unknown>;
    const replayed = (out._meta as { replayed?: unknown } | undefined)?.replayed === true;
    if (out.isError) return { status: content.status as number, body: { error: content.error, details: content.details }, replayed };
    return { status: 200, body: content, replayed };
  }

  async close(): Promise<void> {
    this.socket?.close();
    await this.mcp?.close();
  }
}

for (const adapter of ADAPTERS) {
  describe(`exactly-once calls (${adapter})`, () => {
    let running: RunningApp;
    let clock: FakeClock;
    const ledger = new IdempotencyLedger();
    let store: CountingStore;
    const callers: Caller[] = [];
    let n = 0;
    /** A caller of its own for each use (`u:<id>:<perms>`). */
    const caller = (perms = 'pay.refund'): Caller => {
      const c = new Caller(running.url, `u:${adapter}-${++n}:${perms}`);
      callers.push(c);
      return c;
    };

    before(async () => {
      clock = createFakeClock();
      store = new CountingStore(new MemoryIdempotencyStore({ clock }));
      running = await bootApp(idempotencyModule(ledger, store, clock), adapter);
    });
    after(async () => {
      for (const c of callers) await c.close();
      await running?.close();
    });
    beforeEach(() => ledger.reset());

    it('HTTP: the same call again is the kept answer, with Idempotency-Replayed: true; the handler ran once', async () => {
      const alice = caller();
      const runs = ledger.count('charge');
      const first = await alice.http('charge', { amount: 5 }, 'order-1');
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('idempotency-replayed'), null);
      const again = await alice.http('charge', { amount: 5 }, 'order-1');
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotency-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal(ledger.count('charge'), runs + 1);
      const reordered = await alice.http('charge', { amount: 5, extra: { b: 1, a: 2 } }, 'order-2');
      const sameObjectOtherOrder = await alice.http('charge', { extra: { a: 2, b: 1 }, amount: 5 }, 'order-2');
      assert.equal(sameObjectOtherOrder.headers.get('idempotency-replayed'), 'true', 'the params are compared as JSON values, not as text');
      assert.deepEqual(sameObjectOtherOrder.body, reordered.body);
    });

    it('WS: the same event id again is the kept ack (on this view or another one of the caller); the handler ran once', async () => {
      const bob = caller();
      const runs = ledger.count('charge');
      const first = await bob.ws('charge', { amount: 7 }, 'tap-1');
      assert.deepEqual(first, { result: { amount: 7, run: runs + 1 }, assigns: { total: 7 } });
      assert.deepEqual(await bob.ws('charge', { amount: 7 }, 'tap-1'), first);
      const otherSocket = new Caller(running.url, bob.token);
      callers.push(otherSocket);
      assert.deepEqual(await otherSocket.ws('charge', { amount: 7 }, 'tap-1'), first, 'a view mounted again (a reconnect) gets the same ack');
      assert.equal(ledger.count('charge'), runs + 1);
      const withoutId = await bob.ws('charge', { amount: 7 });
      assert.equal(withoutId.result.run, runs + 2, 'an event without an id runs');
      const nullId = await bob.ws('charge', { amount: 7 }, null);
      assert.equal(nullId.result.run, runs + 3, 'id: null is no id');
    });

    it('MCP: the same _meta.idempotencyKey again is the kept result, with _meta.replayed; the handler ran once', async () => {
      const carol = caller();
      const runs = ledger.count('charge');
      const first = await carol.tool('charge', { amount: 9 }, 'agent-1');
      assert.deepEqual(first, { status: 200, body: { result: { amount: 9, run: runs + 1 }, assigns: { total: 9 } }, replayed: false });
      assert.deepEqual(await carol.tool('charge', { amount: 9 }, 'agent-1'), { ...first, replayed: true });
      assert.equal(ledger.count('charge'), runs + 1);
    });

    it('one key, every transport: a call made over HTTP is replayed over WS and MCP to the same caller', async () => {
      const dave = caller();
      const runs = ledger.count('charge');
      const http = await dave.http('charge', { amount: 3 }, 'shared-1');
      assert.equal(http.status, 200);
      assert.deepEqual((await dave.ws('charge', { amount: 3 }, 'shared-1')).result, http.body.result);
      assert.deepEqual((await dave.tool('charge', { amount: 3 }, 'shared-1')).body.result, http.body.result);
      assert.equal(ledger.count('charge'), runs + 1);
    });

    it('the same key with other params is 422 idempotency_key_mismatch, on every transport, and nothing runs', async () => {
      const erin = caller();
      assert.equal((await erin.http('charge', { amount: 1 }, 'mismatch')).status, 200);
      const runs = ledger.count('charge');
      const http = await erin.http('charge', { amount: 2 }, 'mismatch');
      assert.equal(http.status, 422);
      assert.equal(http.body.error, 'idempotency_key_mismatch');
      const ws = await erin.ws('charge', { amount: 2 }, 'mismatch');
      assert.deepEqual([ws.status, ws.error], [422, 'idempotency_key_mismatch']);
      const mcp = await erin.tool('charge', { amount: 2 }, 'mismatch');
      assert.deepEqual([mcp.status, mcp.body.error], [422, 'idempotency_key_mismatch']);
      assert.equal(ledger.count('charge'), runs);
    });

    it('while the first call runs, the same key is 409 idempotency_key_in_use on every transport; then the kept answer', async () => {
      const frank = caller();
      const first = frank.http('slow', { amount: 4 }, 'slow-1');
      await ledger.entered.promise;
      const http = await frank.http('slow', { amount: 4 }, 'slow-1');
      assert.equal(http.status, 409);
      assert.equal(http.body.error, 'idempotency_key_in_use');
      const ws = await frank.ws('slow', { amount: 4 }, 'slow-1');
      assert.deepEqual([ws.status, ws.error], [409, 'idempotency_key_in_use']);
      const mcp = await frank.tool('slow', { amount: 4 }, 'slow-1');
      assert.deepEqual([mcp.status, mcp.body.error], [409, 'idempotency_key_in_use']);
      const otherParams = await frank.http('slow', { amount: 5 }, 'slow-1');
      assert.equal(otherParams.status, 422, 'other params are a mismatch even while the first call runs');
      ledger.gate.open();
      const done = await first;
      assert.equal(done.status, 200);
      const again = await frank.http('slow', { amount: 4 }, 'slow-1');
      assert.equal(again.headers.get('idempotency-replayed'), 'true');
      assert.deepEqual(again.body, done.body);
      assert.equal(done.body.result.run, ledger.count('slow'), 'slow ran once');
    });

    it('two concurrent calls with one key: one runs, the other is 409', async () => {
      const gina = caller();
      const runs = ledger.count('slow');
      const a = gina.http('slow', { amount: 1 }, 'race');
      const b = gina.http('slow', { amount: 1 }, 'race');
      const refused = await Promise.race([a, b]);
      assert.equal(refused.status, 409);
      ledger.gate.open();
      const statuses = (await Promise.all([a, b])).map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409]);
      assert.equal(ledger.count('slow'), runs + 1);
    });

    it('calls refused before the handler (400/401/403/404/429) keep nothing: no key is claimed, and the corrected call runs', async () => {
      const hank = caller('');
      const claims = store.claims;
      const invalid = await hank.http('charge', { amount: 'x' }, 'refused');
      assert.equal(invalid.status, 400);
      const anonymous = await new Caller(running.url, undefined).http('charge', { amount: 1 }, 'refused');
      assert.equal(anonymous.status, 401);
      const forbidden = await hank.http('refund', { amount: 1 }, 'refused');
      assert.equal(forbidden.status, 403);
      const missing = await hank.http('nope', { amount: 1 }, 'refused');
      assert.equal(missing.status, 404);
      assert.equal((await hank.ws('charge', { amount: 'x' }, 'refused')).status, 400);
      assert.equal((await hank.ws('refund', { amount: 1 }, 'refused')).status, 403);
      assert.equal((await hank.ws('nope', {}, 'refused')).status, 404);
      assert.equal((await hank.tool('charge', { amount: 'x' }, 'refused')).status, 400);
      assert.equal(store.claims, claims, 'nothing was claimed for a refused call');
      assert.equal((await hank.http('once', {}, 'once-1')).status, 200);
      assert.equal(store.claims, claims + 1);
      const limited = await hank.http('once', {}, 'once-2');
      assert.equal(limited.status, 429);
      assert.equal(store.claims, claims + 1, 'a 429 claims nothing');
      const corrected = await hank.http('charge', { amount: 1 }, 'refused');
      assert.equal(corrected.status, 200);
      assert.equal(corrected.headers.get('idempotency-replayed'), null, 'the 400 was not kept: the corrected call ran');
    });

    it('keys are per caller: two callers with one key each run the handler', async () => {
      const [ivy, jack] = [caller(), caller()];
      const runs = ledger.count('charge');
      const a = await ivy.http('charge', { amount: 1 }, 'same-key');
      const b = await jack.http('charge', { amount: 1 }, 'same-key');
      assert.deepEqual([a.status, b.status], [200, 200]);
      assert.equal(b.headers.get('idempotency-replayed'), null);
      assert.equal(ledger.count('charge'), runs + 2);
      const ws = await jack.ws('charge', { amount: 1 }, 'same-key');
      assert.deepEqual(ws.result, b.body.result, 'the same caller on another transport gets its own answer');
    });

    it('a 500 is kept and replayed; onError hears of it once', async () => {
      const kim = caller();
      const reports = ledger.reported.length;
      const runs = ledger.count('boom');
      const first = await kim.http('boom', {}, 'boom-1');
      assert.equal(first.status, 500);
      const again = await kim.http('boom', {}, 'boom-1');
      assert.equal(again.status, 500);
      assert.equal(again.headers.get('idempotency-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.ok(!JSON.stringify(again.body).includes('secret'), 'the kept answer leaks nothing either');
      const ws = await kim.ws('boom', {}, 'boom-1');
      assert.deepEqual([ws.status, ws.error], [500, 'handler_error']);
      assert.equal(ledger.count('boom'), runs + 1);
      assert.equal(ledger.reported.length, reports + 1, 'onError once, not for the replays');
    });

    it('a kept answer lasts idempotency.ttl (the injected clock), then the key is new again', async () => {
      const liam = caller();
      const runs = ledger.count('charge');
      assert.equal((await liam.http('charge', { amount: 2 }, 'ttl-1')).status, 200);
      clock.advance(TEST_TTL - 1);
      assert.equal((await liam.http('charge', { amount: 2 }, 'ttl-1')).headers.get('idempotency-replayed'), 'true');
      clock.advance(1);
      const fresh = await liam.http('charge', { amount: 2 }, 'ttl-1');
      assert.equal(fresh.headers.get('idempotency-replayed'), null);
      assert.equal(ledger.count('charge'), runs + 2);
    });

    it('the key must be 1–128 characters: an empty one, a longer one, a WS id that is not a string are 400 validation_error', async () => {
      const mia = caller();
      const expected = { idempotency_key: ['Must be a string of 1 to 128 characters.'] };
      for (const key of ['', 'k'.repeat(129)]) {
        const res = await mia.http('charge', { amount: 1 }, key);
        assert.equal(res.status, 400, JSON.stringify(key));
        assert.deepEqual(res.body.details, expected);
      }
      assert.equal((await mia.http('charge', { amount: 1 }, 'k'.repeat(128))).status, 200);
      for (const id of [42, '', { a: 1 }, ['x']]) assert.deepEqual(await mia.ws('charge', { amount: 1 }, id), { error: 'validation_error', details: expected, status: 400 });
      assert.deepEqual((await mia.tool('charge', { amount: 1 }, '')).body, { error: 'validation_error', details: expected });
    });

    it("the README's retrying HTTP client charges once", async () => {
      const runs = ledger.count('charge');
      assert.deepEqual(await payWithRetry(running.url, `u:${adapter}-readme:`, 12), { amount: 12, run: runs + 1 });
      assert.equal(ledger.count('charge'), runs + 1);
    });

    it('a store that is down answers 503 service_unavailable and runs nothing', async () => {
      const noah = caller();
      const runs = ledger.count('charge');
      store.failing = true;
      try {
        const http = await noah.http('charge', { amount: 1 }, 'down-1');
        assert.equal(http.status, 503);
        assert.equal(http.body.error, 'service_unavailable');
        assert.equal(http.headers.get('retry-after'), '1');
        assert.equal((await noah.ws('charge', { amount: 1 }, 'down-1')).status, 503);
        assert.equal((await noah.http('charge', { amount: 1 })).status, 200, 'a call without a key does not need the store');
      } finally {
        store.failing = false;
      }
      assert.equal(ledger.count('charge'), runs + 1);
    });
  });
}
