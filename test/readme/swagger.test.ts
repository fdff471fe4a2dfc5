import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { DjustModule } from 'nestjs-djust';
import { ADAPTERS, bootApp, request, type RunningApp } from '../support/app.js';
import { OrderRepository } from './order.repository.js';
import { OrderView } from './order.view.js';
import { setupSwagger } from './swagger.main.js';

@Module({ imports: [DjustModule.forRoot()], providers: [OrderRepository, OrderView] })
class SwaggerAppModule {}

for (const adapter of ADAPTERS) {
  describe(`README Swagger setup (${adapter})`, () => {
    let running: RunningApp;
    before(async () => {
      running = await bootApp(SwaggerAppModule, adapter, (app) => setupSwagger(app));
    });
    after(() => running.close());

    it('lists the djust operations in the Swagger document and UI', async () => {
      const json = await request(`${running.url}/docs-json`);
      assert.equal(json.status, 200);
      assert.equal(json.body.openapi, '3.1.0');
      assert.ok(json.body.paths['/djust/api/order/update_status/'].post);
      assert.ok(json.body.components.securitySchemes.session);
      const ui = await request(`${running.url}/docs`);
      assert.equal(ui.status, 200);
      assert.match(ui.text, /swagger/i);
    });
  });
}
