import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ViewRegistry, auditExposure, formatExposureReport } from '../../src/index.js';
import { validateOpenApi } from '../openapi/support/openapi-consumers.js';
import { matchSnapshot } from '../openapi/support/snapshot.js';
import { fetchJson, startSample, type RunningSample } from './sample-support.js';

// Two "Done when" items checked on the sample app itself: its OpenAPI document
// is a committed snapshot (the diff shows when it changes), and the exposure
// audit flags its deliberately unprotected handler.
describe('sample app: OpenAPI snapshot and exposure audit', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample();
  });
  after(() => sample?.close());

  it('serves the committed OpenAPI document (UPDATE_SNAPSHOTS=1 to accept a change)', async () => {
    const res = await fetchJson(`${sample.url}/djust/api/openapi.json`);
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const validation = await validateOpenApi(res.body);
    assert.ok(validation.valid, JSON.stringify(validation.errors));
    matchSnapshot('sample-document', res.body);
  });

  it('flags the unprotected fulfillment.ping, and only it', () => {
    const report = auditExposure(sample.app.get(ViewRegistry));
    assert.deepEqual(
      report.flagged.map((h) => h.url),
      ['/djust/api/fulfillment/ping/'],
    );
    assert.deepEqual(report.flagged[0].findings, ['no_permission', 'no_rate_limit']);
    assert.ok(report.exposed.some((h) => h.url === '/djust/api/order/refund/' && !h.flagged));
    assert.match(formatExposureReport(report), /fulfillment\/ping/);
  });
});
