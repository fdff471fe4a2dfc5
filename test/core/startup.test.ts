import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';

@LiveView()
class OrderView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) a() {}
}

@LiveView({ apiName: 'order' })
class OtherOrderView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) b() {}
}

class TwoParamsDto {}
@LiveView()
class TwoParamsView extends LiveViewBase {
  @EventHandler() two(_a: TwoParamsDto, _b: TwoParamsDto) {}
}

@LiveView()
class NotAView {}

async function startupError(providers: unknown[]): Promise<Error> {
  @Module({ imports: [DjustModule.forRoot()], providers: providers as never[] })
  class M {}
  try {
    const app = await NestFactory.create(M, { logger: false, abortOnError: false });
    await app.init();
    await app.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('startup did not fail');
}

describe('startup errors', () => {
  it('fails on two views with one slug, naming both classes', async () => {
    const err = await startupError([OrderView, OtherOrderView]);
    assert.match(err.message, /OrderView and OtherOrderView both have the slug "order"/);
  });
  it('fails on a handler with two parameters', async () => {
    const err = await startupError([TwoParamsView]);
    assert.match(err.message, /TwoParamsView\.two declares 2 parameters/);
  });
  it('fails on a @LiveView that does not extend LiveViewBase', async () => {
    const err = await startupError([NotAView]);
    assert.match(err.message, /NotAView .* does not extend LiveViewBase/);
  });
});
