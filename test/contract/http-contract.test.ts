import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADAPTERS, post, request } from '../support/app.js';
import { bearer, boot, coreModule, OrderRepository, Probe, type ContractApp } from './contract.fixture.js';

const NOT_FOUND = (r: { status: number; body: any }) => {
  assert.equal(r.status, 404);
  assert.equal(r.body.error, 'not_found');
};

for (const adapter of ADAPTERS) {
  describe(`HTTP contract (${adapter})`, () => {
    let app: ContractApp;
    let probe: Probe;
    const api = (slug: string, handler: string) => `${app.url}/djust/api/${slug}/${handler}/`;
    const alice = bearer('alice');

    before(async () => {
      app = await boot(coreModule(), adapter);
      probe = app.app.get(Probe);
    });
    after(() => app.close());

    test('success envelope: result + changed assigns only (status 200)', async () => {
      const r = await post(api('order', 'update_status'), { order_id: 42, status: 'shipped' }, alice);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { result: { order_id: 42, status: 'shipped' }, assigns: { status: 'shipped' } });
      assert.deepEqual(app.app.get(OrderRepository).saved.at(-1), { order_id: 42, status: 'shipped' });
    });

    test('handler without return value → result null; empty/absent body accepted', async () => {
      for (const body of [undefined, {}]) {
        const r = await post(api('order', 'ping'), body, alice);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(r.body, { result: null, assigns: {} });
      }
    });

    test('parameterless handler with no body and no content-type', async () => {
      const r = await request(api('order', 'ping'), { method: 'POST', headers: alice });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { result: null, assigns: {} });
    });

    test('assigns unchanged by value are not in the diff', async () => {
      const r = await post(api('order', 'same_value'), {}, alice);
      assert.deepEqual(r.body, { result: 'ok', assigns: {} });
    });

    test('fresh instance per HTTP call', async () => {
      const a = await post(api('order', 'bump'), {}, alice);
      const b = await post(api('order', 'bump'), {}, alice);
      assert.deepEqual(a.body, { result: 1, assigns: { count: 1 } });
      assert.deepEqual(b.body, { result: 1, assigns: { count: 1 } });
    });

    test('LiveViewBase context on HTTP: transport http, httpRequest set, user, DI works', async () => {
      const before = probe.instances.size;
      const r = await post(api('order', 'context'), {}, alice);
      assert.equal(r.status, 200);
      assert.equal(r.body.result.transport, 'http');
      assert.equal(r.body.result.hasHttpRequest, true);
      assert.equal(r.body.result.user, 'alice');
      assert.equal(r.body.result.injected, true);
      assert.equal(probe.instances.size, before + 1);
      assert.deepEqual(r.body.assigns, {});
    });

    test('mount runs before every HTTP call', async () => {
      const m = probe.mounts;
      await post(api('order', 'ping'), {}, alice);
      await post(api('order', 'ping'), {}, alice);
      assert.equal(probe.mounts, m + 2);
    });

    test('apiMount runs instead of mount over HTTP', async () => {
      const m = probe.mounts;
      const am = probe.apiMounts;
      const r = await post(api('mounting', 'which'), {}, alice);
      assert.equal(r.body.result, 'apiMount');
      assert.equal(probe.mounts, m);
      assert.equal(probe.apiMounts, am + 1);
    });

    test('slugs: OrderDetailView → order-detail, apiName honoured, handler name exactly as declared', async () => {
      assert.equal((await post(api('order-detail', 'hello'), {}, alice)).body.result, 'detail');
      assert.equal((await post(api('custom-slug', 'hello'), {}, alice)).body.result, 'custom');
      NOT_FOUND(await post(api('something-else', 'hello'), {}, alice));
      assert.equal((await post(api('order', 'camelCaseHandler'), {}, alice)).body.result, 'camel');
      NOT_FOUND(await post(api('order', 'camel_case_handler'), {}, alice));
      NOT_FOUND(await post(api('order', 'camelcasehandler'), {}, alice));
    });

    test('coercion: "42" → 42, "true"/"1" → true, "false"/"0" → false', async () => {
      const cases: Array<[unknown, boolean]> = [['true', true], ['1', true], ['false', false], ['0', false], [true, true], [false, false]];
      for (const [flag, expected] of cases) {
        const r = await post(api('order', 'flags'), { flag, amount: '4.5', count: '42' }, alice);
        assert.equal(r.status, 200, `${String(flag)}: ${r.text}`);
        assert.equal(r.body.result.flag, expected);
        assert.equal(r.body.result.amount, 4.5);
        assert.equal(r.body.result.count, 42);
        assert.deepEqual(r.body.result.types, ['boolean', 'number']);
      }
      const r = await post(api('order', 'update_status'), { order_id: '42', status: 'x' }, alice);
      assert.deepEqual(r.body.result, { order_id: 42, status: 'x' });
    });

    test('coercion failures are validation errors', async () => {
      for (const body of [
        { flag: 'yes', amount: 1 },
        { flag: 'TRUE ', amount: 1 },
        { flag: true, amount: 'abc' },
        { flag: true, amount: 1, count: '4.5' },
        { flag: true, amount: 1, count: 'x' },
      ]) {
        const r = await post(api('order', 'flags'), body, alice);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error, 'validation_error');
        assert.equal(typeof r.body.details, 'object');
      }
      const r = await post(api('order', 'update_status'), { order_id: 'abc', status: 's' }, alice);
      assert.equal(r.status, 400);
      assert.ok(Array.isArray(r.body.details.order_id));
      assert.ok(r.body.details.order_id.every((m: unknown) => typeof m === 'string'));
      assert.equal(r.body.details.status, undefined);
    });

    test('unknown keys are ignored (not passed to the handler)', async () => {
      const r = await post(api('order', 'flags'), { flag: true, amount: 1, extra: 'x', other: 1 }, alice);
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.body.result.keys.includes('extra'));
      assert.ok(!r.body.result.keys.includes('other'));
    });

    test('missing required field → "This field is required."', async () => {
      const r = await post(api('order', 'update_status'), { status: 'shipped' }, alice);
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.error, 'validation_error');
      assert.deepEqual(r.body.details, { order_id: ['This field is required.'] });
      const r2 = await post(api('order', 'update_status'), {}, alice);
      assert.deepEqual(r2.body.details, { order_id: ['This field is required.'], status: ['This field is required.'] });
    });

    test('body that is not a JSON object → details.non_field_errors', async () => {
      for (const raw of ['[1,2]', '"str"', '42', 'null', 'true']) {
        const r = await post(api('order', 'update_status'), raw, { ...alice, 'content-type': 'application/json' }, true);
        assert.equal(r.status, 400, `${raw}: ${r.text}`);
        assert.equal(r.body.error, 'validation_error');
        assert.ok(Array.isArray(r.body.details.non_field_errors), `${raw}: ${r.text}`);
      }
    });

    test('malformed JSON → 400 validation_error envelope', async () => {
      const r = await post(api('order', 'update_status'), '{"order_id": ', { ...alice, 'content-type': 'application/json' }, true);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.error, 'validation_error');
      assert.ok(Array.isArray(r.body.details.non_field_errors), r.text);
    });

    test('apiResponse status + assigns not diffed over HTTP', async () => {
      const r = await post(api('order', 'created'), {}, alice);
      assert.equal(r.status, 201);
      assert.deepEqual(r.body, { result: { id: 1 }, assigns: {} });
    });

    test('apiResponse serialize runs before serialization', async () => {
      const r = await post(api('order', 'serialized'), {}, alice);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { result: { a: 1 }, assigns: {} });
    });

    test('class-transformer: @Exclude honoured, Date → ISO string (result and assigns)', async () => {
      const r = await post(api('order', 'classy'), {}, alice);
      assert.equal(r.status, 200);
      assert.equal(r.body.result.id, 7);
      assert.equal(r.body.result.secret, undefined);
      assert.equal(r.body.result.issuedAt, '2024-01-02T03:04:05.000Z');
      assert.equal(r.body.assigns.invoice.secret, undefined);
      assert.equal(r.body.assigns.invoice.issuedAt, '2024-01-02T03:04:05.000Z');
    });

    test('handler error → 500 handler_error, message never leaks, no traceback without debug', async () => {
      const r = await post(api('order', 'boom'), {}, alice);
      assert.equal(r.status, 500);
      assert.equal(r.body.error, 'handler_error');
      assert.ok(!r.text.includes('secret-db-password-xyz'));
      assert.equal(r.body.details?.traceback, undefined);
    });

    test('not reachable over HTTP: identical 404 body for every non-exposed name', async () => {
      const names = ['ws_only', 'plain_method', '_private', 'constructor', 'mount', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'pushAssigns', 'nope', '_cache', 'status'];
      const reference = await post(api('order', 'definitely_missing'), {}, alice);
      NOT_FOUND(reference);
      for (const name of names) {
        const r = await post(api('order', name), {}, alice);
        assert.equal(r.status, 404, `${name}: ${r.text}`);
        assert.equal(r.text, reference.text, name);
      }
      NOT_FOUND(await post(api('nope-view', 'ping'), {}, alice));
    });

    test('405 method_not_allowed with Allow: POST', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const r = await request(api('order', 'update_status'), { method, headers: alice });
        assert.equal(r.status, 405, `${method}: ${r.text}`);
        assert.equal(r.body?.error, 'method_not_allowed');
        assert.ok(r.body && 'details' in r.body);
        assert.match(r.headers.get('allow') ?? '', /POST/);
      }
    });

    test('415 unsupported_media_type for non-JSON bodies', async () => {
      const r = await post(api('order', 'update_status'), 'order_id=42&status=s', { ...alice, 'content-type': 'application/x-www-form-urlencoded' }, true);
      assert.equal(r.status, 415, r.text);
      assert.equal(r.body.error, 'unsupported_media_type');
      const r2 = await post(api('order', 'update_status'), '{"order_id":42,"status":"s"}', { ...alice, 'content-type': 'text/plain' }, true);
      assert.equal(r2.status, 415, r2.text);
      assert.equal(r2.body.error, 'unsupported_media_type');
    });

    test('413 payload_too_large', async () => {
      const big = JSON.stringify({ order_id: 1, status: 'x'.repeat(5 * 1024 * 1024) });
      const r = await post(api('order', 'update_status'), big, { ...alice, 'content-type': 'application/json' }, true);
      assert.equal(r.status, 413);
      assert.equal(r.body.error, 'payload_too_large');
      assert.ok('details' in r.body);
    });

    test('401 unauthenticated when no auth class accepts (even for a public view)', async () => {
      for (const [slug, h] of [['order', 'ping'], ['public', 'greet']]) {
        const r = await post(api(slug, h), {}, bearer('nobody'));
        assert.equal(r.status, 401);
        assert.equal(r.body.error, 'unauthenticated');
        assert.ok('details' in r.body);
      }
    });

    test('permissions: view-level and handler-level (403), superuser and Set permissions pass', async () => {
      const c = await post(api('secure', 'look'), {}, bearer('carol'));
      assert.equal(c.status, 403);
      assert.equal(c.body.error, 'permission_denied');
      assert.equal((await post(api('secure', 'look'), {}, bearer('bob'))).status, 200);
      const b = await post(api('secure', 'refund'), { order_id: 1 }, bearer('bob'));
      assert.equal(b.status, 403);
      assert.equal(b.body.error, 'permission_denied');
      assert.equal((await post(api('secure', 'refund'), { order_id: 1 }, bearer('root'))).status, 200);
      assert.equal((await post(api('secure', 'refund'), { order_id: 1 }, bearer('sety'))).status, 200);
    });

    test('login required view: authenticated passes', async () => {
      const r = await post(api('member', 'whoami'), {}, bearer('carol'));
      assert.deepEqual(r.body, { result: 'carol', assigns: {} });
    });

    test('authClasses tried in order, first accepting wins', async () => {
      const both = await post(api('multi-auth', 'who'), {}, { ...bearer('alice'), 'x-api-key': 'key-k1' });
      assert.equal(both.body.result, 'apikey:k1');
      const token = await post(api('multi-auth', 'who'), {}, bearer('alice'));
      assert.equal(token.body.result, 'alice');
      assert.equal((await post(api('multi-auth', 'who'), {}, {})).status, 401);
    });

    test('rate limit: 429 rate_limited with Retry-After, per caller', async () => {
      const url = api('secure', 'refund');
      assert.equal((await post(url, { order_id: 1 }, alice)).status, 200);
      assert.equal((await post(url, { order_id: 1 }, alice)).status, 200);
      const r = await post(url, { order_id: 1 }, alice);
      assert.equal(r.status, 429);
      assert.equal(r.body.error, 'rate_limited');
      assert.ok(Number(r.headers.get('retry-after')) > 0, `Retry-After=${r.headers.get('retry-after')}`);
      // another caller has its own bucket (sety has been used once above)
      assert.equal((await post(url, { order_id: 1 }, bearer('sety'))).status, 200);
    });

    test('view-level @RateLimit: one bucket per handler', async () => {
      const carol = bearer('carol');
      assert.equal((await post(api('limited', 'first'), {}, carol)).status, 200);
      assert.equal((await post(api('limited', 'first'), {}, carol)).status, 429);
      assert.equal((await post(api('limited', 'second'), {}, carol)).status, 200);
      assert.equal((await post(api('limited', 'second'), {}, carol)).status, 429);
    });

    describe('order of checks', () => {
      test('unknown view beats auth: 404 before 401', async () => {
        NOT_FOUND(await post(api('no-such-view', 'x'), {}, {}));
      });
      test('unauthenticated + unknown handler → 401', async () => {
        const r = await post(api('order', 'no_such_handler'), {}, {});
        assert.equal(r.status, 401);
        const r2 = await post(api('order', 'ws_only'), {}, {});
        assert.equal(r2.status, 401);
      });
      test('unauthenticated + bad body → 401', async () => {
        assert.equal((await post(api('order', 'update_status'), { order_id: 'x' }, {})).status, 401);
        assert.equal((await post(api('order', 'update_status'), '[1]', { 'content-type': 'application/json' }, true)).status, 401);
      });
      test('view permission lacking + unknown handler → 403', async () => {
        assert.equal((await post(api('secure', 'no_such'), {}, bearer('carol'))).status, 403);
      });
      test('authorized but lacking handler permission + bad body → 403', async () => {
        const r = await post(api('secure', 'refund'), { order_id: 'not-int' }, bearer('bob'));
        assert.equal(r.status, 403);
      });
      test('rate-limited + bad body → 429', async () => {
        const dave = bearer('root');
        assert.equal((await post(api('limited', 'typed'), { order_id: 1 }, dave)).status, 200);
        const r = await post(api('limited', 'typed'), { order_id: 'bad' }, dave);
        assert.equal(r.status, 429);
      });
      test('nothing of the view runs when a check refuses the call', async () => {
        const mounts = probe.mounts;
        const runs = probe.handlerRuns;
        const size = probe.instances.size;
        await post(api('order', 'update_status'), { order_id: 1, status: 's' }, {});
        await post(api('order', 'update_status'), { status: 's' }, alice);
        await post(api('secure', 'look'), {}, bearer('carol'));
        assert.equal(probe.mounts, mounts);
        assert.equal(probe.handlerRuns, runs);
        assert.equal(probe.instances.size, size, 'no view instance constructed before checks pass');
      });
    });
  });
}
