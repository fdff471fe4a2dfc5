import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import { SEED_ORDERS } from '../../sample/database/sample-schema.js';
import { csrfToken, fetchJson, login, postJson, startSample, type RunningSample, type SessionJar } from './sample-support.js';

const bearer = { authorization: `Bearer ${DEMO_API_TOKEN}` };

// The calls of sample/README.md's curl section, in the same order, with fetch.
describe('sample over HTTP: the README calls', () => {
  let sample: RunningSample;
  let admin: SessionJar;
  let token: string;

  before(async () => {
    sample = await startSample();
  });
  after(() => sample?.close());

  it('logs in with a session and returns the user', async () => {
    admin = await login(sample.url, 'admin', 'admin');
    assert.deepEqual(admin.user, { id: 1, username: 'admin', permissions: ['orders.view_order', 'orders.change_order'] });
    const me = await fetchJson(`${sample.url}/me`, { headers: { cookie: admin.cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.username, 'admin');
  });

  it('calls update_status with the session cookie and the CSRF token (the seed example)', async () => {
    token = await csrfToken(sample.url, admin);
    const res = await postJson(sample.url, '/djust/api/order/update_status/', { order_id: 42, status: 'shipped' }, { cookie: admin.cookie, 'x-csrf-token': token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { result: { order_id: 42, status: 'shipped' }, assigns: {} });
  });

  it('answers a missing field with the seed validation error', async () => {
    const res = await postJson(sample.url, '/djust/api/order/update_status/', { status: 'shipped' }, { cookie: admin.cookie, 'x-csrf-token': token });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'validation_error', details: { order_id: ['This field is required.'] }, message: 'Invalid input.' });
  });

  it('refuses a session call without the CSRF header (403)', async () => {
    const res = await postJson(sample.url, '/djust/api/order/update_status/', { order_id: 42, status: 'shipped' }, { cookie: admin.cookie });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      error: 'permission_denied',
      details: { csrf: ['CSRF token missing: send it in the X-CSRF-Token header.'] },
      message: 'CSRF check failed.',
    });
  });

  it('pings with the demo bearer token, no session and no CSRF', async () => {
    const res = await postJson(sample.url, '/djust/api/fulfillment/ping/', undefined, bearer);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { result: { pong: true, caller: 'fulfillment-bot' }, assigns: {} });
  });

  it('ships an order with the token', async () => {
    const res = await postJson(sample.url, '/djust/api/fulfillment/ship/', { order_id: 43 }, bearer);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { result: { order_id: 43, status: 'shipped' }, assigns: {} });
  });

  it('returns chart data as result over HTTP (apiResponse), by token and by session alike', async () => {
    const expected = {
      result: { metric: 'orders_by_status', labels: ['new', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled'], values: [1, 1, 3, 0, 0, 0] },
      assigns: {},
    };
    const byToken = await postJson(sample.url, '/djust/api/chart/get_chart_data/', { metric: 'orders_by_status' }, bearer);
    assert.equal(byToken.status, 200);
    assert.deepEqual(byToken.body, expected);
    const bySession = await postJson(sample.url, '/djust/api/chart/get_chart_data/', { metric: 'orders_by_status' }, { cookie: admin.cookie, 'x-csrf-token': token });
    assert.deepEqual(bySession.body, expected);
    const revenue = await postJson(sample.url, '/djust/api/chart/get_chart_data/', { metric: 'revenue_by_status' }, bearer);
    assert.deepEqual(revenue.body.result.values, [900, 12900, 2500 + 45000 + 1800, 0, 0, 0]);
  });

  it('answers an unknown token with 401', async () => {
    const res = await postJson(sample.url, '/djust/api/fulfillment/ping/', undefined, { authorization: 'Bearer not-a-token' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'unauthenticated',
      details: { auth: ['Authentication credentials were not provided or are invalid.'] },
      message: 'Authentication required.',
    });
  });

  it('refuses refund to viewer (403) and allows it to admin', async () => {
    const viewer = await login(sample.url, 'viewer', 'viewer');
    const viewerToken = await csrfToken(sample.url, viewer);
    let res = await postJson(sample.url, '/djust/api/order/refund/', { order_id: 42 }, { cookie: viewer.cookie, 'x-csrf-token': viewerToken });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      error: 'permission_denied',
      details: { permission: ['You do not have permission to perform this action.'] },
      message: 'Permission denied.',
    });
    res = await postJson(sample.url, '/djust/api/order/refund/', { order_id: 41, reason: 'damaged' }, { cookie: admin.cookie, 'x-csrf-token': token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { result: { order_id: 41, refunded: true }, assigns: {} });
    assert.equal(res.headers.get('ratelimit-limit'), '60');
    // One bucket per (view, handler, user): viewer's refused call never reached the limiter.
    assert.equal(res.headers.get('ratelimit-remaining'), '59');

  });

  it('answers an unknown order with 404 and the handler message', async () => {
    const res = await postJson(sample.url, '/djust/api/fulfillment/ship/', { order_id: 999 }, bearer);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: 'not_found', details: {}, message: 'Order 999 does not exist.' });
  });

  it('lists orders by status with the token', async () => {
    const res = await postJson(sample.url, '/djust/api/fulfillment/list_orders/', { status: 'shipped' }, bearer);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.result.map((o: { id: number }) => o.id),
      [42, 43, 44],
    );
    assert.deepEqual(res.body.result[0], { ...SEED_ORDERS[1], status: 'shipped' });
  });

  it('refuses the token on a session-only view and the session on the token-only view', async () => {
    let res = await postJson(sample.url, '/djust/api/order/update_status/', { order_id: 42, status: 'paid' }, bearer);
    assert.equal(res.status, 401);
    res = await postJson(sample.url, '/djust/api/fulfillment/ping/', undefined, { cookie: admin.cookie, 'x-csrf-token': token });
    assert.equal(res.status, 401);
  });

  it('rejects a wrong password and logs out', async () => {
    const bad = await postJson(sample.url, '/login', { username: 'admin', password: 'nope' });
    assert.equal(bad.status, 401);
    const gone = await login(sample.url, 'viewer', 'viewer');
    const out = await fetchJson(`${sample.url}/logout`, { method: 'POST', headers: { cookie: gone.cookie } });
    assert.equal(out.status, 204);
    const me = await fetchJson(`${sample.url}/me`, { headers: { cookie: gone.cookie } });
    assert.equal(me.status, 401);
  });
});

describe('sample: Swagger UI, OpenAPI and the page', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample();
  });
  after(() => sample?.close());

  it('lists the djust operations in the Swagger document (OpenAPI 3.1) next to the app routes', async () => {
    const res = await fetchJson(`${sample.url}/docs-json`);
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const paths = Object.keys(res.body.paths).sort();
    for (const path of [
      '/djust/api/order/update_status/',
      '/djust/api/order/refund/',
      '/djust/api/chart/get_chart_data/',
      '/djust/api/fulfillment/ping/',
      '/djust/api/fulfillment/list_orders/',
      '/djust/api/fulfillment/ship/',
      '/login',
      '/me',
    ]) {
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    }
    assert.deepEqual(res.body.components.securitySchemes.bearer, {
      type: 'http',
      scheme: 'bearer',
      description: 'An API token, e.g. the demo token printed at startup.',
    });
    assert.deepEqual(res.body.paths['/djust/api/fulfillment/ping/'].post.security, [{ bearer: [] }]);
    const refund = res.body.paths['/djust/api/order/refund/'].post;
    assert.ok(refund.parameters.some((p: { name: string; in: string }) => p.name === 'X-CSRF-Token' && p.in === 'header'));
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await fetch(`${sample.url}/docs`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger-ui/i);
  });

  it('serves the live djust document at /djust/api/openapi.json', async () => {
    const res = await fetchJson(`${sample.url}/djust/api/openapi.json`);
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.equal(Object.values<any>(res.body.paths).filter((item) => item.post).length, 6);
    assert.deepEqual(Object.keys(res.body.paths['/djust/api/csrf'] ?? {}), ['get'], 'the sample uses SessionAuth: its CSRF token endpoint is documented');
    assert.equal(Object.keys(res.body.paths).length, 7);
  });

  it('serves the page, its module script and socket.io’s browser build', async () => {
    const page = await fetch(`${sample.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/app.js"><\/script>/);
    assert.match(html, /\/socket.io\/socket.io.js/);
    const script = await fetch(`${sample.url}/app.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const sio = await fetch(`${sample.url}/socket.io/socket.io.js`);
    assert.equal(sio.status, 200);
    const client = await fetch(`${sample.url}/djust-client/index.js`);
    assert.equal(client.status, 200, 'the compiled nestjs-djust/client');
    assert.match(await client.text(), /connectDjust/);
  });
});
