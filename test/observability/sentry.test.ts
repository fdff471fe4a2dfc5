/**
 * The README's Sentry example, for real: Sentry's own SDK, initialised with a
 * `beforeSend` that keeps the event here (no network), receives the original
 * error of a failing handler with the call's tags — and nothing for a 4xx.
 * Its own process: Sentry sets up OpenTelemetry of its own.
 */
import * as Sentry from '@sentry/node';
import type { ErrorEvent } from '@sentry/node';
import { Module } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DjustModule, EventHandler, LiveView, LiveViewBase, PermissionRequired } from '../../src/index.js';
import { bootApp, post, type RunningApp } from '../support/app.js';
import { bearer, TestTokenAuth } from '../support/token-auth.js';
import { reportToSentry } from './readme/report-to-sentry.js';

const events: ErrorEvent[] = [];

@LiveView({ apiName: 'billing', authClasses: [TestTokenAuth] })
class BillingView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  charge(): never {
    throw new TypeError('card processor exploded');
  }

  @EventHandler({ exposeApi: true })
  @PermissionRequired('billing.admin')
  refund() {
    return 'ok';
  }
}

@Module({ imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth], onError: reportToSentry })], providers: [TestTokenAuth, BillingView] })
class BillingModule {}

describe('README: onError → Sentry', () => {
  let running: RunningApp;
  before(async () => {
    Sentry.init({
      dsn: 'https://public@o0.ingest.sentry.io/0',
      defaultIntegrations: false,
      beforeSend: (event) => {
        events.push(event);
        return null; // keep it here: nothing is sent
      },
    });
    running = await bootApp(BillingModule, 'express');
  });
  after(async () => {
    await running?.close();
    await Sentry.close();
  });

  it('a 5xx reaches Sentry with the original error, the call’s tags and the user; a 4xx does not', async () => {
    const res = await post(`${running.url}/djust/api/billing/charge/`, {}, { ...bearer('token-carol'), 'x-request-id': 'charge-1' });
    assert.equal(res.status, 500);
    assert.equal((await post(`${running.url}/djust/api/billing/refund/`, {}, bearer('token-carol'))).status, 403);
    await Sentry.flush(2000);
    assert.equal(events.length, 1);
    const [event] = events;
    assert.deepEqual(event.exception?.values?.map((v) => [v.type, v.value]), [['TypeError', 'card processor exploded']]);
    assert.deepEqual(event.tags, { 'djust.view': 'billing', 'djust.handler': 'charge', 'djust.transport': 'http', request_id: 'charge-1' });
    assert.deepEqual(event.user, { id: '3' });
  });
});
