import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import { SEED_ORDERS } from '../../sample/database/sample-schema.js';
import { csrfToken, fetchJson, login, postJson, startSample, type RunningSample } from './sample-support.js';

// Issue 12.11: the sample must not answer 500 to input its DTOs accept. An
// order id is a PostgreSQL `integer` (32-bit): the DTOs bound it, so anything
// beyond is a 400 that says so. And `null` in the optional `status` of
// list_orders is the field left out: every order.

const bearer = { authorization: `Bearer ${DEMO_API_TOKEN}` };
const OUT_OF_RANGE: readonly unknown[] = [2147483648, 1e300, '2147483648', -2147483649, 0];

describe('sample: order ids beyond the database integer range are 400, not 500', () => {
  let sample: RunningSample;
  let session: Record<string, string>;

  before(async () => {
    sample = await startSample();
    const admin = await login(sample.url, 'admin', 'admin');
    session = { cookie: admin.cookie, 'x-csrf-token': await csrfToken(sample.url, admin) };
  });
  after(() => sample?.close());

  const calls = [
    { path: '/djust/api/order/update_status/', body: { status: 'shipped' }, auth: () => session },
    { path: '/djust/api/order/refund/', body: {}, auth: () => session },
    { path: '/djust/api/fulfillment/ship/', body: {}, auth: () => bearer },
  ];

  for (const call of calls) {
    it(`${call.path}: ${OUT_OF_RANGE.map((v) => JSON.stringify(v)).join(', ')} → 400 naming the bound`, async () => {
      for (const orderId of OUT_OF_RANGE) {
        const res = await postJson(sample.url, call.path, { ...call.body, order_id: orderId }, call.auth());
        assert.equal(res.status, 400, `${JSON.stringify(orderId)} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error, 'validation_error');
        assert.deepEqual(Object.keys(res.body.details), ['order_id']);
        assert.match(res.body.details.order_id.join(' '), /order_id must not be (greater than 2147483647|less than 1)/);
      }
      // The largest id the column holds is valid input: the order just does not exist.
      const last = await postJson(sample.url, call.path, { ...call.body, order_id: 2147483647 }, call.auth());
      assert.equal(last.status, 404, JSON.stringify(last.body));
    });
  }

  it('the OpenAPI document states the bounds', async () => {
    const doc = await fetchJson(`${sample.url}/djust/api/openapi.json`);
    for (const name of ['UpdateStatusDto', 'RefundDto', 'ShipDto']) {
      const orderId = doc.body.components.schemas[name].properties.order_id;
      assert.equal(orderId.minimum, 1, name);
      assert.equal(orderId.maximum, 2147483647, name);
    }
  });

  it('list_orders: {"status": null} is the status left out (every order); a status filters', async () => {
    const all = await postJson(sample.url, '/djust/api/fulfillment/list_orders/', {}, bearer);
    assert.equal(all.status, 200);
    assert.equal(all.body.result.length, SEED_ORDERS.length);
    const withNull = await postJson(sample.url, '/djust/api/fulfillment/list_orders/', { status: null }, bearer);
    assert.equal(withNull.status, 200);
    assert.deepEqual(withNull.body.result, all.body.result);
    const paid = await postJson(sample.url, '/djust/api/fulfillment/list_orders/', { status: 'paid' }, bearer);
    assert.ok(paid.body.result.length > 0 && paid.body.result.length < SEED_ORDERS.length);
    assert.ok(paid.body.result.every((o: { status: string }) => o.status === 'paid'));
  });
});
