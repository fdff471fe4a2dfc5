import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import * as djust from 'nestjs-djust';
import {
  apiResponse,
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  LoginRequired,
  PermissionRequired,
  RateLimit,
  SessionAuth,
  withDjust,
} from 'nestjs-djust';
import type { DjustAuth, DjustModuleOptions } from 'nestjs-djust';
import * as client from 'nestjs-djust/client';
import { ADAPTERS, post } from '../support/app.js';
import { bearer, boot, ContractTokenAuth, coreModule, emit, openSocket, UserDirectory } from './contract.fixture.js';

describe('public API', () => {
  test('all names exported from the package root', () => {
    for (const [name, value] of Object.entries({ DjustModule, LiveView, LiveViewBase, EventHandler, PermissionRequired, LoginRequired, RateLimit, apiResponse, SessionAuth, withDjust })) {
      assert.equal(typeof value, 'function', name);
      assert.equal((djust as Record<string, unknown>)[name], value, name);
    }
    const auth: DjustAuth = { authenticate: () => null };
    const options: DjustModuleOptions = { prefix: 'x', debug: false, authClasses: [SessionAuth], openapi: { title: 't', version: '1', public: true }, allowedOrigins: [] };
    assert.ok(auth && options);
  });
  test('client entry point resolves', () => {
    assert.equal(typeof client, 'object');
  });
});

@LiveView()
class DupAView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) a() {}
}
@LiveView({ apiName: 'dup-a' })
class OtherView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) b() {}
}

describe('startup', () => {
  test('two views with one slug fail at startup, naming both classes', async () => {
    @Module({ imports: [DjustModule.forRoot({ authClasses: [ContractTokenAuth] })], providers: [UserDirectory, ContractTokenAuth, DupAView, OtherView] })
    class DupModule {}
    let error: unknown;
    try {
      const app = await NestFactory.create(DupModule, { logger: false, abortOnError: false });
      await app.init();
      await app.close();
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof Error, 'startup must fail');
    assert.match(String(error.message), /DupAView/);
    assert.match(String(error.message), /OtherView/);
    assert.match(String(error.message), /dup-a/);
  });
});

/** A counting throttler storage (delegates to the throttler's own). */
@Injectable()
class CountingStorage implements ThrottlerStorage {
  calls = 0;
  private readonly inner = new ThrottlerStorageService();
  increment(...args: Parameters<ThrottlerStorage['increment']>) {
    this.calls++;
    return this.inner.increment(...args);
  }
  onApplicationShutdown() {
    this.inner.onApplicationShutdown();
  }
}

@LiveView()
@RateLimit({ limit: 5, ttl: 60_000 })
class KeyedView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  @PermissionRequired('secret.perm')
  guarded() {
    return 'ok';
  }
  @EventHandler({ exposeApi: true })
  boom(): never {
    throw new Error('hidden-message-123');
  }
}

@Injectable()
class Settings {
  readonly prefix = 'rpc';
}
@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

for (const adapter of ADAPTERS) {
  describe(`module options (${adapter})`, () => {
    test('custom prefix: HTTP under /<prefix>/api, namespace /<prefix>', async () => {
      const app = await boot(coreModule({ prefix: 'rpc' }), adapter);
      try {
        const r = await post(`${app.url}/rpc/api/order/bump/`, {}, bearer('alice'));
        assert.deepEqual(r.body, { result: 1, assigns: { count: 1 } });
        assert.equal((await post(`${app.url}/djust/api/order/bump/`, {}, bearer('alice'))).status, 404);
        const s = await app.socket('/rpc', { token: 'alice' });
        const m = await emit(s, 'mount', { view: 'order' });
        assert.equal(m.assigns.count, 0);
        await assert.rejects(openSocket(app.url, '/djust', { token: 'alice' }));
        const doc = await fetch(`${app.url}/rpc/api/openapi.json`).then((x) => x.json());
        assert.ok(Object.keys(doc.paths).every((p: string) => p.startsWith('/rpc/api/')));
      } finally {
        await app.close();
      }
    });

    test('forRootAsync({imports, inject, useFactory}) takes the same options', async () => {
      @Module({
        imports: [
          DjustModule.forRootAsync({
            imports: [SettingsModule],
            inject: [Settings],
            useFactory: (_s: Settings) => ({ authClasses: [ContractTokenAuth], debug: true, openapi: { title: 'Async API', version: '9.9.9' } }),
          }),
        ],
        providers: [UserDirectory, ContractTokenAuth, KeyedView],
      })
      class AsyncModule {}
      const app = await boot(AsyncModule, adapter);
      try {
        const r = await post(`${app.url}/djust/api/keyed/boom/`, {}, bearer('root'));
        assert.equal(r.status, 500);
        assert.ok(r.body.details.traceback, 'debug from the factory is honoured');
        assert.equal((await post(`${app.url}/djust/api/keyed/boom/`, {}, {})).status, 401, 'authClasses from the factory');
        const doc = await fetch(`${app.url}/djust/api/openapi.json`).then((x) => x.json());
        assert.equal(doc.info.title, 'Async API');
        assert.equal(doc.info.version, '9.9.9');
        const s = await app.socket('/djust', { token: 'root' });
        assert.ok((await emit(s, 'mount', { view: 'keyed' })).ref);
      } finally {
        await app.close();
      }
    });

    test('forRootAsync: prefix returned by useFactory is honoured', async () => {
      @Module({
        imports: [
          DjustModule.forRootAsync({
            imports: [SettingsModule],
            inject: [Settings],
            useFactory: (s: Settings) => ({ prefix: s.prefix, authClasses: [ContractTokenAuth] }),
          }),
        ],
        providers: [UserDirectory, ContractTokenAuth, KeyedView],
      })
      class AsyncPrefixModule {}
      const app = await boot(AsyncPrefixModule, adapter);
      try {
        assert.equal((await post(`${app.url}/rpc/api/keyed/guarded/`, {}, {})).status, 401);
        const s = await app.socket('/rpc', { token: 'root' });
        assert.ok((await emit(s, 'mount', { view: 'keyed' })).ref);
      } finally {
        await app.close();
      }
    });

    test('debug: 500 carries details.traceback (HTTP and WS)', async () => {
      @Module({ imports: [DjustModule.forRoot({ debug: true, authClasses: [ContractTokenAuth] })], providers: [UserDirectory, ContractTokenAuth, KeyedView] })
      class DebugModule {}
      const app = await boot(DebugModule, adapter);
      try {
        const r = await post(`${app.url}/djust/api/keyed/boom/`, {}, bearer('root'));
        assert.equal(r.status, 500);
        assert.equal(r.body.error, 'handler_error');
        assert.equal(typeof r.body.details.traceback, 'string');
        const s = await app.socket('/djust', { token: 'root' });
        const { ref } = await emit(s, 'mount', { view: 'keyed' });
        const e = await emit(s, 'event', { ref, handler: 'boom' });
        assert.equal(e.status, 500);
        assert.equal(typeof e.details.traceback, 'string');
      } finally {
        await app.close();
      }
    });

    test('hasPermission option replaces the default check; throttlerStorage option is used', async () => {
      const storage = new CountingStorage();
      const seen: Array<[string, string]> = [];
      @Module({
        imports: [
          DjustModule.forRoot({
            authClasses: [ContractTokenAuth],
            throttlerStorage: storage,
            hasPermission: async (user: { username: string }, perm: string) => {
              seen.push([user.username, perm]);
              return user.username === 'carol';
            },
          }),
        ],
        providers: [UserDirectory, ContractTokenAuth, KeyedView],
      })
      class PermModule {}
      const app = await boot(PermModule, adapter);
      try {
        assert.equal((await post(`${app.url}/djust/api/keyed/guarded/`, {}, bearer('carol'))).status, 200);
        assert.equal((await post(`${app.url}/djust/api/keyed/guarded/`, {}, bearer('root'))).status, 403);
        assert.deepEqual(seen, [['carol', 'secret.perm'], ['root', 'secret.perm']]);
        assert.ok(storage.calls >= 1, 'the configured throttler storage holds the buckets');
      } finally {
        await app.close();
      }
    });
  });
}
