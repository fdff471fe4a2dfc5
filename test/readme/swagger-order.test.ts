import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Module, UseGuards, type CanActivate, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DjustModule, EventHandler, LiveView, LiveViewBase, withDjust } from 'nestjs-djust';
import { ADAPTERS, post, request, type AdapterName } from '../support/app.js';
import { TestTokenAuth, bearer } from '../support/token-auth.js';
import { OrderRepository } from './order.repository.js';
import { OrderView } from './order.view.js';

// withDjust() in Nest's usual order: every guide's main.ts builds the Swagger
// document right after NestFactory.create(), before app.listen() and without
// app.init(), i.e. before any onModuleInit has run. It must list every exposed
// handler then too, exactly as after init, on both adapters.

/** Not a provider: the explorer instantiates it at init (asynchronously). It refuses everyone. */
class ClosedGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class Clock {
  now(): string {
    return 'noon';
  }
}

@LiveView({ apiName: 'guarded', authClasses: [TestTokenAuth], csrfExempt: true })
@UseGuards(ClosedGuard)
class GuardedView extends LiveViewBase {
  constructor(private readonly clock: Clock) {
    super();
  }

  @EventHandler({ exposeApi: true, summary: 'Behind a guard' })
  time() {
    return this.clock.now();
  }
}

@Module({ imports: [DjustModule.forRoot()], providers: [OrderRepository, OrderView, Clock, TestTokenAuth, GuardedView] })
class UsualOrderModule {}

interface BadParams {
  note: string;
}

@LiveView({ apiName: 'bad' })
class BadView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) save(params: BadParams) {
    return params.note;
  }
}

@Module({ imports: [DjustModule.forRoot()], providers: [BadView] })
class BadModule {}

const EXPOSED = ['/djust/api/order/update_status/', '/djust/api/order/refund/', '/djust/api/guarded/time/'];

const create = (module: Type, adapter: AdapterName): Promise<INestApplication> =>
  NestFactory.create(module, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });

const swaggerConfig = () => new DocumentBuilder().setTitle('Shop').setVersion('1.0').setOpenAPIVersion('3.1.0').build();

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${app.getHttpServer().address().port}`;
}

for (const adapter of ADAPTERS) {
  describe(`withDjust in Nest's usual order (${adapter})`, () => {
    for (const order of ['usual order: setup, then listen (no app.init())', 'app.init() first, then setup and listen'] as const) {
      it(`${order}: /docs-json lists every exposed handler, as the live document does`, async () => {
        const app = await create(UsualOrderModule, adapter);
        try {
          const initFirst = order.startsWith('app.init()');
          if (initFirst) await app.init();
          const document = withDjust(app, SwaggerModule.createDocument(app, swaggerConfig()));
          SwaggerModule.setup('docs', app, document);
          const url = await listen(app);

          const live = await request(`${url}/djust/api/openapi.json`);
          assert.equal(live.status, 200);
          const served: { label: string; doc: any }[] = [{ label: 'withDjust()', doc: document }];
          // Nest's express adapter installs its 404 handler at app.init(): routes added after it (Swagger's
          // included) are unreachable there. Everywhere else the served /docs-json is checked too.
          if (!(initFirst && adapter === 'express')) {
            const docs = await request(`${url}/docs-json`);
            assert.equal(docs.status, 200);
            served.push({ label: '/docs-json', doc: docs.body });
          }
          for (const { label, doc } of served) {
            for (const path of EXPOSED) assert.ok(doc.paths[path]?.post, `${path} missing from ${label}`);
            for (const [path, item] of Object.entries(live.body.paths)) assert.deepEqual(doc.paths[path], item, `${label}: ${path}`);
            assert.deepEqual(doc.components.securitySchemes, live.body.components.securitySchemes, label);
            assert.equal(doc.paths['/djust/api/guarded/time/'].post.summary, 'Behind a guard', label);
          }

          // The description before init did not stand in for the real thing: the guard instantiated at init refuses.
          const refused = await post(`${url}/djust/api/guarded/time/`, {}, bearer('token-alice'));
          assert.equal(refused.status, 403);
          assert.equal(refused.body.error, 'permission_denied');
        } finally {
          await app.close();
        }
      });
    }

    it('a view that fails at startup makes withDjust throw the startup error (never a document without it)', async () => {
      const app = await create(BadModule, adapter);
      try {
        assert.throws(
          () => withDjust(app, SwaggerModule.createDocument(app, swaggerConfig())),
          /BadView\.save: the parameter of an exposed handler must be a DTO class/,
        );
      } finally {
        await app.close();
      }
    });
  });
}
