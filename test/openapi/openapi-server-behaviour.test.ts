import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { Controller, HttpCode, Injectable, Module, Post, Req, type INestApplication } from '@nestjs/common';
import session from 'express-session';
import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
import { DjustModule, EventHandler, LiveView, LiveViewBase, RateLimit, SessionAuth } from '../../src/index.js';
import { cookieHeader, FlakySessionStore } from '../hardening/support/flaky-session.store.js';
import { ADAPTERS, bootApp, post, request, responsesValidated, type AdapterName, type JsonResponse, type RunningApp } from '../support/app.js';

/**
 * The document says what the server does (issue 12.9): every answer below is
 * validated against the live document by the response checker of
 * `bootApp`/`post`/`request` (body, header values, required headers, and no
 * contract header — `X-Request-Id`, `Retry-After`, `RateLimit-*` — sent
 * undocumented); each test also checks the checker saw every answer.
 */

@Injectable()
class BearerAuth {
  static readonly csrfExempt = true;
  static readonly openapi = { name: 'bearer', scheme: { type: 'http', scheme: 'bearer' } };
  authenticate(req: { headers: Record<string, string | undefined> }): unknown {
    return req.headers.authorization === 'Bearer good' ? { id: 1 } : null;
  }
}

class QtyDto {
  @IsInt() @Min(1) qty!: number;
  @IsOptional() @IsBoolean() fail?: boolean;
}

@LiveView({ apiName: 'meter', authClasses: [BearerAuth] })
class MeterView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: 100, ttl: 60_000 })
  add(dto: QtyDto) {
    if (dto.fail) throw new Error('the handler failed on purpose');
    return dto.qty;
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: 1, ttl: 60_000 })
  once() {
    return 'ok';
  }

  @EventHandler({ exposeApi: true })
  ping() {
    return 'pong';
  }
}

/** A view on the module's default auth (SessionAuth): the CSRF token endpoint is documented. */
@LiveView({ apiName: 'notes' })
class NotesView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  list() {
    return [];
  }
}

@Module({
  imports: [DjustModule.forRoot({ debug: true, authClasses: [SessionAuth] })],
  providers: [BearerAuth, MeterView, NotesView],
})
class BehaviourModule {}

const GOOD = { authorization: 'Bearer good' };
const RATE_LIMIT_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

/** Runs `calls` and asserts the response checker validated each of their answers. */
async function validated(count: number, calls: () => Promise<void>): Promise<void> {
  const before = responsesValidated();
  await calls();
  assert.equal(responsesValidated() - before, count, 'every answer was validated against the live document');
}

function assertRateLimitHeaders(res: JsonResponse, label: string): void {
  for (const name of RATE_LIMIT_HEADERS) assert.ok(res.headers.has(name), `${label}: ${name}`);
}

for (const adapter of ADAPTERS) {
  describe(`the document says what the server does (${adapter})`, () => {
    let running: RunningApp;
    let document: any;
    const url = (path: string) => `${running.url}/djust/api/${path}`;

    before(async () => {
      running = await bootApp(BehaviourModule, adapter);
      document = (await request(url('openapi.json'))).body;
    });
    after(() => running?.close());

    it('every answer carries X-Request-Id: the caller\'s own when it is safe, else a new UUID', async () => {
      await validated(4, async () => {
        const own = await post(url('meter/ping/'), {}, { ...GOOD, 'x-request-id': 'my-call.1' });
        assert.equal(own.headers.get('x-request-id'), 'my-call.1');
        const unsafe = await post(url('meter/ping/'), {}, { ...GOOD, 'x-request-id': 'not safe!' });
        assert.match(unsafe.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
        const anonymous = await post(url('meter/ping/'), {});
        assert.equal(anonymous.status, 401);
        assert.ok(anonymous.headers.has('x-request-id'));
        const missing = await post(url('meter/add/'), {}, GOOD);
        assert.equal(missing.status, 400);
      });
      const parameters = document.paths['/djust/api/meter/ping/'].post.parameters;
      assert.deepEqual(
        parameters.map((p: any) => [p.name, p.in, p.required]),
        [
          ['X-Request-Id', 'header', false],
          ['Idempotency-Key', 'header', false],
        ],
      );
    });

    it('Idempotency-Key: the replay (Idempotency-Replayed), the 422 of another body and the 400 of a bad key are as documented', async () => {
      const key = `k-${adapter}-${Date.now()}`;
      await validated(6, async () => {
        const first = await post(url('meter/add/'), { qty: 3 }, { ...GOOD, 'idempotency-key': key });
        assert.equal(first.status, 200);
        assert.equal(first.headers.get('idempotency-replayed'), null);
        const again = await post(url('meter/add/'), { qty: 3 }, { ...GOOD, 'idempotency-key': key });
        assert.equal(again.headers.get('idempotency-replayed'), 'true');
        assert.deepEqual(again.body, first.body);
        const other = await post(url('meter/add/'), { qty: 4 }, { ...GOOD, 'idempotency-key': key });
        assert.equal(other.status, 422);
        assert.equal(other.body.error, 'idempotency_key_mismatch');
        const failed = await post(url('meter/add/'), { qty: 1, fail: true }, { ...GOOD, 'idempotency-key': `${key}-f` });
        assert.equal(failed.status, 500);
        const failedAgain = await post(url('meter/add/'), { qty: 1, fail: true }, { ...GOOD, 'idempotency-key': `${key}-f` });
        assert.equal(failedAgain.status, 500);
        assert.equal(failedAgain.headers.get('idempotency-replayed'), 'true');
        const bad = await post(url('meter/add/'), { qty: 1 }, { ...GOOD, 'idempotency-key': 'x'.repeat(129) });
        assert.equal(bad.status, 400);
        assert.deepEqual(Object.keys(bad.body.details), ['idempotency_key']);
      });
    });

    it('a rate-limited handler sends RateLimit-* on every answer past the rate-limit step (200, 400, 500, 429)', async () => {
      await validated(5, async () => {
        const ok = await post(url('meter/add/'), { qty: 2 }, GOOD);
        assert.equal(ok.status, 200);
        assertRateLimitHeaders(ok, '200');
        const invalid = await post(url('meter/add/'), { qty: 0 }, GOOD);
        assert.equal(invalid.status, 400);
        assert.ok(Array.isArray(invalid.body.details.qty));
        assertRateLimitHeaders(invalid, '400');
        const failed = await post(url('meter/add/'), { qty: 1, fail: true }, GOOD);
        assert.equal(failed.status, 500);
        assert.equal(typeof failed.body.details.traceback, 'string', 'debug: true');
        assertRateLimitHeaders(failed, '500');
        assert.equal((await post(url('meter/once/'), {}, GOOD)).status, 200);
        const limited = await post(url('meter/once/'), {}, GOOD);
        assert.equal(limited.status, 429);
        assert.ok(Number(limited.headers.get('retry-after')) >= 1);
        assertRateLimitHeaders(limited, '429');
      });
    });

    it('a parameterless handler answers 400 for a body that is not an object, as its schema says', async () => {
      const schema = document.paths['/djust/api/meter/ping/'].post.requestBody.content['application/json'].schema;
      assert.equal(schema.type, 'object');
      assert.match(schema.description, /not a JSON object \(an array, a scalar\) answers 400/);
      await validated(2, async () => {
        const array = await post(url('meter/ping/'), [], GOOD);
        assert.deepEqual([array.status, array.body.details.non_field_errors], [400, ['Expected a JSON object.']]);
        const scalar = await post(url('meter/ping/'), '42', GOOD, true);
        assert.deepEqual([scalar.status, scalar.body.details.non_field_errors], [400, ['Expected a JSON object.']]);
      });
    });

    it('accepts application/*+json bodies, as documented', async () => {
      const content = document.paths['/djust/api/meter/add/'].post.requestBody.content;
      assert.deepEqual(Object.keys(content), ['application/json', 'application/*+json']);
      await validated(1, async () => {
        const res = await post(url('meter/add/'), { qty: 3 }, { ...GOOD, 'content-type': 'application/merge-patch+json' });
        assert.deepEqual([res.status, res.body.result], [200, 3]);
      });
    });

    it('documents GET /djust/api/csrf (a view uses SessionAuth) and its 404 without a session middleware', async () => {
      const operation = document.paths['/djust/api/csrf'].get;
      assert.deepEqual(Object.keys(operation.responses), ['200', '401', '404', '503']);
      assert.deepEqual(operation.security, [{ session: [] }]);
      await validated(1, async () => {
        const res = await request(url('csrf'));
        assert.deepEqual([res.status, res.body.error], [404, 'not_found']);
      });
    });
  });
}

/** Logs the caller in: the session holds a user (what SessionAuth reads), so it may have a CSRF token. */
@Controller()
class LoginController {
  @Post('login')
  @HttpCode(200)
  login(@Req() req: { session: Record<string, unknown> }) {
    req.session.user = { id: 1 };
    return { ok: true };
  }
}

@Module({
  imports: [DjustModule.forRoot({ authClasses: [SessionAuth] })],
  controllers: [LoginController],
  providers: [NotesView],
})
class SessionModule {}

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';

async function bootWithSessions(adapter: AdapterName, store: FlakySessionStore): Promise<RunningApp> {
  return bootApp(SessionModule, adapter, async (app: INestApplication) => {
    if (adapter === 'express') {
      app.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }));
    } else {
      const fastify = app as unknown as { register(plugin: unknown, options?: unknown): Promise<unknown> };
      await fastify.register(fastifyCookie);
      await fastify.register(fastifySession, { secret: SECRET, store, saveUninitialized: false, cookie: { secure: false } });
    }
  });
}

for (const adapter of ADAPTERS) {
  describe(`a failing session store, as documented (${adapter})`, () => {
    const store = new FlakySessionStore();
    let running: RunningApp;
    after(async () => {
      store.failing = false;
      await running?.close();
    });

    it('GET /djust/api/csrf: 401 when anonymous, { csrfToken } once logged in; with the store down it and every operation answer 503 with Retry-After', async () => {
      running = await bootWithSessions(adapter, store);
      await validated(4, async () => {
        const anonymous = await request(`${running.url}/djust/api/csrf`);
        assert.deepEqual([anonymous.status, anonymous.body.error], [401, 'unauthenticated']);
        const login = await fetch(`${running.url}/login`, { method: 'POST' });
        const cookie = cookieHeader(login.headers.getSetCookie());
        assert.ok(cookie, 'the login started a session');
        const csrf = await request(`${running.url}/djust/api/csrf`, { headers: { cookie } });
        assert.equal(csrf.status, 200);
        assert.equal(typeof csrf.body.csrfToken, 'string');
        store.failing = true;
        const call = await post(`${running.url}/djust/api/notes/list/`, {}, { cookie, 'x-csrf-token': csrf.body.csrfToken });
        assert.deepEqual([call.status, call.body.error, call.headers.get('retry-after')], [503, 'service_unavailable', '1']);
        const again = await request(`${running.url}/djust/api/csrf`, { headers: { cookie } });
        assert.deepEqual([again.status, again.body.error], [503, 'service_unavailable']);
      });
    });
  });
}
