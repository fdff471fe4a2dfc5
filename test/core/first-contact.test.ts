import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Module, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { ADAPTERS, type AdapterName } from '../support/app.js';
import { TestTokenAuth } from '../support/token-auth.js';

// Issue 12 ("first contact"): what a newcomer's usual mistakes and usual
// requests must get. Each case is a real app on 127.0.0.1:0.

/** A logger that keeps what Nest and the library log. */
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  }
}

/** Creates and initialises `module`; resolves with the startup error (fails the test if there is none). */
async function startupError(module: Type): Promise<Error> {
  try {
    const app = await NestFactory.create(module, { logger: false, abortOnError: false });
    await app.init();
    await app.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('startup did not fail');
}

/** Boots `module` on 127.0.0.1:0 with a capturing logger. */
async function boot(module: Type, adapter: AdapterName, logger: LoggerService | false = false) {
  const app = await NestFactory.create(module, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, port, url: `http://127.0.0.1:${port}` };
}

/** A raw HTTP request: any method, the path sent byte for byte (no URL normalisation). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// ---- an exposed handler's parameter must be a DTO class

interface SaveParams {
  note: string;
}

@LiveView()
class InterfaceParamView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) save(params: SaveParams) {
    return params.note;
  }
}

@LiveView()
class InlineParamView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) save(params: { note: string }) {
    return params.note;
  }
}

@LiveView()
class PrimitiveParamView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) save(note: string) {
    return note;
  }
}

const moduleWith = (...providers: Type[]): Type => {
  @Module({ imports: [DjustModule.forRoot()], providers })
  class ParamModule {}
  return ParamModule;
};

describe('startup: the parameter of an exposed handler', () => {
  for (const [view, what] of [
    [InterfaceParamView, 'an interface'],
    [InlineParamView, 'an inline type'],
    [PrimitiveParamView, 'a primitive'],
  ] as const) {
    it(`is a startup error when it is ${what}, naming View.handler and the fix`, async () => {
      const err = await startupError(moduleWith(view));
      assert.match(err.message, new RegExp(`${view.name}\\.save: the parameter of an exposed handler must be a DTO class`));
      assert.match(err.message, /Declare a class with class-validator decorators, e\.g\. `save\(dto: SaveDto\)`, pass a Standard Schema \(`@EventHandler\(\{ params: schema \}\)`, Zod 4 or Valibot\), or remove the parameter/);
    });
  }
});

// ---- DjustModule.forRoot() imported twice

@Module({ imports: [DjustModule.forRoot({ prefix: 'feature' })] })
class OrdersFeatureModule {}

@Module({ imports: [OrdersFeatureModule, DjustModule.forRoot({ debug: true })] })
class TwiceAppModule {}

describe('startup: DjustModule.forRoot() imported twice', () => {
  it('is a startup error naming the importing modules', async () => {
    const err = await startupError(TwiceAppModule);
    assert.match(err.message, /DjustModule\.forRoot\(\)\/forRootAsync\(\) is imported 2 times/);
    assert.match(err.message, /OrdersFeatureModule/);
    assert.match(err.message, /TwiceAppModule/);
    assert.match(err.message, /Import it once, in the root module/);
  });
});

// ---- @EventHandler methods on a class without @LiveView

class StrayHandlers {
  @EventHandler({ exposeApi: true }) go() {
    return 1;
  }
}

@Module({ imports: [DjustModule.forRoot()], providers: [StrayHandlers] })
class StrayModule {}

describe('startup: @EventHandler methods without @LiveView', () => {
  it('logs a warning that names the class and the fix', async () => {
    const logger = new CapturingLogger();
    const app = await NestFactory.create(StrayModule, { logger });
    await app.init();
    await app.close();
    const warning = logger.warnings().find((w) => w.includes('StrayHandlers'));
    assert.ok(warning, `no warning among: ${JSON.stringify(logger.warnings())}`);
    assert.match(warning, /StrayHandlers has @EventHandler methods \(go\) but no @LiveView\(\)/);
    assert.match(warning, /Add @LiveView\(\) to the class/);
  });
});

// ---- HTTP: JSON scalars, other methods, malformed paths

class NoteDto {
  @IsString() note!: string;
}

@LiveView({ apiName: 'note' })
class NoteView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) save({ note }: NoteDto) {
    return note;
  }
}

@Module({ imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth] })], providers: [TestTokenAuth, NoteView] })
class NoteModule {}

const ALICE = { authorization: 'Bearer token-alice' };
const NOT_AN_OBJECT = { error: 'validation_error', details: { non_field_errors: ['Expected a JSON object.'] }, message: 'Invalid input.' };

for (const adapter of ADAPTERS) {
  describe(`HTTP first contact (${adapter})`, () => {
    let running: Awaited<ReturnType<typeof boot>>;
    before(async () => {
      running = await boot(NoteModule, adapter);
    });
    after(() => running.app.close());

    it('a JSON scalar as the body is 400 "Expected a JSON object." (well-formed JSON, not "Malformed JSON.")', async () => {
      for (const body of ['"x"', 'null', '1', 'true']) {
        const res = await raw(running.port, 'POST', '/djust/api/note/save/', { ...ALICE, 'content-type': 'application/json' }, body);
        assert.equal(res.status, 400, `${body} → ${res.status} ${res.text}`);
        assert.deepEqual(res.body, NOT_AN_OBJECT, body);
      }
    });

    it('OPTIONS, TRACE and PROPFIND on an operation are 405 with Allow: POST and the envelope', async () => {
      for (const method of ['OPTIONS', 'TRACE', 'PROPFIND']) {
        const res = await raw(running.port, method, '/djust/api/note/save/', ALICE);
        assert.equal(res.status, 405, `${method} → ${res.status} ${res.text}`);
        assert.equal(res.headers.allow, 'POST', method);
        assert.equal(res.body?.error, 'method_not_allowed', method);
        assert.deepEqual(Object.keys(res.body).sort(), ['details', 'error', 'message'], method);
      }
    });

    it('malformed operation paths are 404 with the envelope', async () => {
      const paths = [
        '/djust/api/note/save//',
        '/djust/api/note/save/extra/',
        '/djust/api/%2e%2e/save/',
        '/djust/api/note/%2e%2e/',
        '/djust/api/note/../',
        '/djust/api/../api/note/save/',
        '/djust/api/note/save/..',
      ];
      for (const path of paths) {
        const res = await raw(running.port, 'POST', path, { ...ALICE, 'content-type': 'application/json' }, '{"note":"x"}');
        assert.equal(res.status, 404, `${path} → ${res.status} ${res.text}`);
        assert.deepEqual(res.body, { error: 'not_found', details: {}, message: 'Not found.' }, path);
      }
    });
  });
}

// ---- SessionAuth without a session middleware

@LiveView({ apiName: 'session-note' })
class SessionNoteView extends LiveViewBase {
  @EventHandler({ exposeApi: true }) save() {
    return 'saved';
  }
}

@Module({ imports: [DjustModule.forRoot()], providers: [SessionNoteView] })
class NoSessionModule {}

for (const adapter of ADAPTERS) {
  describe(`SessionAuth without a session middleware (${adapter})`, () => {
    it('warns, once, at the first request that carries no session, saying what to register', async () => {
      const logger = new CapturingLogger();
      const running = await boot(NoSessionModule, adapter, logger);
      try {
        for (let i = 0; i < 2; i++) {
          const res = await raw(running.port, 'POST', '/djust/api/session-note/save/', { 'content-type': 'application/json' }, '{}');
          assert.equal(res.status, 401);
        }
        const hints = logger.warnings().filter((w) => w.includes('SessionAuth is in use but this request carries no session'));
        assert.equal(hints.length, 1, JSON.stringify(logger.warnings()));
        assert.match(hints[0], /express-session/);
        assert.match(hints[0], /@fastify\/session/);
      } finally {
        await running.app.close();
      }
    });
  });
}
