import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, bootApp, post, request, responsesValidated, type RunningApp } from '../support/app.js';
import { bearer } from '../support/token-auth.js';
import { coreModule, instanceCount } from './core.fixture.js';

for (const adapter of ADAPTERS) {
  describe(`HTTP API core (${adapter})`, () => {
    let running: RunningApp;
    let debugApp: RunningApp;
    const alice = bearer('token-alice');
    const call = (handler: string, body?: unknown, headers = alice, view = 'order') =>
      post(`${running.url}/djust/api/${view}/${handler}/`, body, headers);

    before(async () => {
      running = await bootApp(coreModule(), adapter);
      debugApp = await bootApp(coreModule({ debug: true }), adapter);
    });
    after(async () => {
      await running.close();
      await debugApp.close();
    });

    it('answers the seed example: result and empty assigns', async () => {
      const res = await call('update_status', { order_id: 42, status: 'shipped' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { result: { order_id: 42, status: 'shipped' }, assigns: {} });
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    });

    it('accepts the URL without a trailing slash too', async () => {
      const res = await post(`${running.url}/djust/api/order/update_status`, { order_id: 1, status: 'x' }, alice);
      assert.equal(res.status, 200);
    });

    it('returns only the assigns that changed, nested mutation included; never _private ones or dependencies', async () => {
      const res = await call('touch', { sku: 'A-1', qty: 1 });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { result: 1, assigns: { items: ['A-1'], count: 1 } });
    });

    it('passes mount the body params', async () => {
      // mounted_with is set by mount before the handler runs, so it is not in the diff...
      const res = await call('whoami', {});
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result, { transport: 'http', hasRequest: true, user: 'alice' });
      assert.deepEqual(res.body.assigns, {});
    });

    it('coerces strings to integers and booleans', async () => {
      let res = await call('update_status', { order_id: '42', status: 'shipped' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result, { order_id: 42, status: 'shipped' });
      for (const [raw, value] of [['true', true], ['1', true], ['false', false], ['0', false], [true, true]] as const) {
        res = await call('flags', { enabled: raw, count: '3' });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(res.body.result, { enabled: value, count: 3, isDto: true });
      }
    });

    it('rejects what does not coerce', async () => {
      let res = await call('update_status', { order_id: 'abc', status: 'shipped' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'validation_error');
      assert.deepEqual(Object.keys(res.body.details), ['order_id']);
      assert.ok(Array.isArray(res.body.details.order_id) && res.body.details.order_id.length > 0);
      res = await call('flags', { enabled: 'yes' });
      assert.equal(res.status, 400);
      assert.ok(res.body.details.enabled);
      res = await call('update_status', { order_id: '4.5', status: 'x' });
      assert.equal(res.status, 400);
    });

    it('says "This field is required." for a missing field', async () => {
      const res = await call('update_status', { status: 'shipped' });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'validation_error', details: { order_id: ['This field is required.'] }, message: 'Invalid input.' });
    });

    it('ignores unknown keys', async () => {
      const res = await call('flags', { enabled: true, admin: true, __proto__x: 1 });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result, { enabled: true, count: null, isDto: true });
    });

    it('validates nested DTOs with dotted paths', async () => {
      let res = await call('cart', { lines: [{ sku: 'a', qty: '2', junk: 1 }] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.result, { lines: 1, first: { sku: 'a', qty: 2 }, nestedIsDto: true });
      res = await call('cart', { lines: [{ sku: 'a', qty: 'x' }, { qty: 1 }] });
      assert.equal(res.status, 400);
      assert.ok(res.body.details['lines.0.qty']);
      assert.deepEqual(res.body.details['lines.1.sku'], ['This field is required.']);
    });

    it('answers 400 non_field_errors for a body that is not a JSON object', async () => {
      for (const body of ['[1,2]', '"text"', '42', 'null', '{"order_id": 1,', '{bad json}']) {
        const res = await post(`${running.url}/djust/api/order/update_status/`, body, alice, true);
        assert.equal(res.status, 400, body);
        assert.equal(res.body.error, 'validation_error', body);
        assert.ok(Array.isArray(res.body.details.non_field_errors), body);
      }
    });

    it('accepts an empty or absent body for a handler without a parameter', async () => {
      let res = await call('nothing');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { result: null, assigns: {} });
      res = await call('nothing', {});
      assert.equal(res.status, 200);
      res = await post(`${running.url}/djust/api/order/nothing/`, '', { ...alice, 'content-type': 'application/json' }, true);
      assert.equal(res.status, 200);
    });

    it('answers 401 when no auth class accepts the caller, before anything else', async () => {
      for (const headers of [{}, bearer('nope'), { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: 'Bearer' }]) {
        const res = await call('update_status', { order_id: 1, status: 'x' }, headers);
        assert.equal(res.status, 401);
        assert.equal(res.body.error, 'unauthenticated');
      }
      // 401 beats 404 for an unknown handler and 400 for a bad body: order of checks
      assert.equal((await call('no_such_handler', {}, {})).status, 401);
      assert.equal((await post(`${running.url}/djust/api/order/update_status/`, '{bad', {}, true)).status, 401);
    });

    it('answers 403 when a handler permission is lacking; superusers pass', async () => {
      let res = await call('refund', { order_id: 1 }, bearer('token-bob'));
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'permission_denied');
      res = await call('refund', { order_id: 1 }, bearer('token-root'));
      assert.equal(res.status, 200);
    });

    it('applies view-level login and permissions', async () => {
      let res = await call('show', {}, bearer('token-carol'), 'order-detail');
      assert.equal(res.status, 403);
      res = await call('show', {}, bearer('token-bob'), 'order-detail');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result, { detail: 'x' });
    });

    it('answers one identical 404 for every name that is not an exposed handler', async () => {
      const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'mount', '_private', 'helper', 'ws_only', 'pushAssigns', 'valueOf', 'no_such', 'prototype', '%5F%5Fproto%5F%5F'];
      const bodies = new Set<string>();
      for (const name of names) {
        const res = await call(name, {});
        assert.equal(res.status, 404, name);
        bodies.add(res.text);
      }
      for (const view of ['nope', '__proto__', 'constructor', 'Order', 'order-view']) {
        const res = await call('update_status', { order_id: 1, status: 'x' }, alice, view);
        assert.equal(res.status, 404, view);
        bodies.add(res.text);
      }
      assert.equal(bodies.size, 1);
      assert.deepEqual(JSON.parse([...bodies][0]), { error: 'not_found', details: {}, message: 'Not found.' });
    });

    it('answers 429 with Retry-After once the bucket is empty', async () => {
      const root = bearer('token-root');
      // token-root already spent one call in the 403 test above (same process, same bucket)
      let last;
      for (let i = 0; i < 3; i++) last = await call('refund', { order_id: 1 }, root);
      assert.equal(last!.status, 429);
      assert.equal(last!.body.error, 'rate_limited');
      const retry = Number(last!.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 60, String(retry));
      assert.ok(last!.headers.get('ratelimit-limit'));
      // another caller has its own bucket
      assert.equal((await call('refund', { order_id: 1 })).status, 200);
    });

    it('answers 500 handler_error without leaking the message; debug adds a traceback', async () => {
      let res = await call('boom', {});
      assert.equal(res.status, 500);
      assert.equal(res.body.error, 'handler_error');
      assert.ok(!res.text.includes('hunter2'));
      assert.ok(!('traceback' in res.body.details));
      res = await post(`${debugApp.url}/djust/api/order/boom/`, {}, alice);
      assert.equal(res.status, 500);
      assert.match(res.body.details.traceback, /hunter2/);
    });

    it('maps a Nest HttpException thrown by a handler to its kind', async () => {
      const res = await call('missing_order', {});
      assert.equal(res.status, 404);
      assert.equal(res.body.error, 'not_found');
    });

    it('serializes Dates and class instances the same way, honouring @Exclude', async () => {
      const res = await call('typed', {});
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result, { when: '2024-01-02T03:04:05.000Z', who: { name: 'visible' } });
    });

    it('turns an unserializable result (cycle, BigInt) into 500, not a crash', async () => {
      for (const h of ['cyclic', 'big']) {
        const res = await call(h, {});
        assert.equal(res.status, 500, h);
        assert.equal(res.body.error, 'handler_error');
      }
      assert.equal((await call('nothing')).status, 200);
    });

    it('honours apiResponse result, serialize and status', async () => {
      let res = await call('create', { order_id: 7 });
      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { result: { order_id: 7, created: true }, assigns: {} });
      res = await call('chart', { sku: 'm', qty: 1 });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { result: { sku: 'm', points: [1, 2, 3], serialized: true }, assigns: {} });
    });

    it('answers 405 with Allow: POST for other methods', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const res = await request(`${running.url}/djust/api/order/update_status/`, { method, headers: alice });
        assert.equal(res.status, 405, method);
        assert.equal(res.body.error, 'method_not_allowed');
        assert.equal(res.headers.get('allow'), 'POST');
      }
    });

    it('answers 415 for a body that is not JSON', async () => {
      const res = await post(`${running.url}/djust/api/order/update_status/`, 'order_id=1', { ...alice, 'content-type': 'application/x-www-form-urlencoded' }, true);
      assert.equal(res.status, 415);
      assert.equal(res.body.error, 'unsupported_media_type');
      const res2 = await post(`${running.url}/djust/api/order/update_status/`, '{"order_id":1}', { ...alice, 'content-type': 'text/plain' }, true);
      assert.equal(res2.status, 415);
    });

    it('answers 413 for a body over the limit', async () => {
      const huge = JSON.stringify({ order_id: 1, status: 'x'.repeat(2 * 1024 * 1024) });
      const res = await post(`${running.url}/djust/api/order/update_status/`, huge, alice, true);
      assert.equal(res.status, 413);
      assert.equal(res.body.error, 'payload_too_large');
    });

    it('leaves Object.prototype clean after pollution attempts', async () => {
      const attempts = [
        '{"__proto__": {"polluted": "yes"}, "order_id": 1, "status": "x"}',
        '{"constructor": {"prototype": {"polluted": "yes"}}, "order_id": 1, "status": "x"}',
        '{"lines": [{"sku": "a", "qty": 1, "__proto__": {"polluted": "yes"}}]}',
        '{"enabled": true, "__proto__": {"isSuperuser": true}}',
      ];
      for (const body of attempts) {
        for (const h of ['update_status', 'cart', 'flags']) {
          const res = await post(`${running.url}/djust/api/order/${h}/`, body, alice, true);
          assert.ok(res.status === 200 || res.status === 400, `${h}: ${res.status}`);
        }
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(({} as Record<string, unknown>).isSuperuser, undefined);
    });

    it('gives 50 concurrent calls each their own fresh instance and result', async () => {
      const start = instanceCount();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => call('touch', { sku: `sku-${i}`, qty: 1 })),
      );
      results.forEach((res, i) => {
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { result: 1, assigns: { items: [`sku-${i}`], count: 1 } });
      });
      assert.ok(instanceCount() - start >= 50);
    });

    it('serves the OpenAPI document with an ETag, and 304 when unchanged', async () => {
      const first = await request(`${running.url}/djust/api/openapi.json`);
      assert.equal(first.status, 200);
      assert.equal(first.body.openapi, '3.1.0');
      assert.ok(first.body.paths['/djust/api/order/update_status/'].post);
      assert.equal(first.body.paths['/djust/api/order/ws_only/'], undefined);
      const etag = first.headers.get('etag');
      assert.ok(etag);
      const again = await request(`${running.url}/djust/api/openapi.json`, { headers: { 'if-none-match': etag! } });
      assert.equal(again.status, 304);
    });

    it('validated every answer above against the live OpenAPI document', () => {
      assert.ok(responsesValidated() > 50, String(responsesValidated()));
    });

    it('marks responses no-store and nosniff', async () => {
      const res = await call('nothing');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    });
  });
}
