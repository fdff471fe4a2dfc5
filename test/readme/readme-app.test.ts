import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, bootApp, post, type RunningApp } from '../support/app.js';
import { AppModule } from './app.module.js';
import { Module } from '@nestjs/common';
import { DjustModule } from 'nestjs-djust';
import { ChartView } from './chart.view.js';
import { TestTokenAuth, bearer } from '../support/token-auth.js';

@Module({
  imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth] })],
  providers: [TestTokenAuth, ChartView],
})
class ChartModule {}

for (const adapter of ADAPTERS) {
  describe(`README examples run (${adapter})`, () => {
    let app: RunningApp;
    let chart: RunningApp;
    before(async () => {
      app = await bootApp(AppModule, adapter);
      chart = await bootApp(ChartModule, adapter);
    });
    after(async () => {
      await app.close();
      await chart.close();
    });

    it('the README OrderView (Marking handlers) serves update_status behind the default SessionAuth (401 without a session)', async () => {
      const res = await post(`${app.url}/djust/api/order/update_status/`, { order_id: 42, status: 'shipped' });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'unauthenticated');
    });

    it('apiResponse gives HTTP callers the raw data', async () => {
      const res = await post(`${chart.url}/djust/api/chart/get_chart_data/`, { metric: 'orders' }, bearer('token-alice'));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { result: [3, 1, 4, 1, 5], assigns: {} });
    });
  });
}
