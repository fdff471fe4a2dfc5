import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsInt, IsOptional, IsString } from 'class-validator';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import { createOpenApiDocument, operationIdFor, operationPath } from './openapi-document.factory.js';

class Session {
  static readonly csrf = true;
  static readonly openapi = { name: 'session', scheme: { type: 'apiKey', in: 'cookie', name: 'connect.sid' } };
}
class Token {
  static readonly csrfExempt = true;
  static readonly openapi = { name: 'token', scheme: { type: 'http', scheme: 'bearer' } };
}

class UpdateDto {
  @IsInt() id!: number;
  @IsString() status!: string;
}
class OptionalDto {
  @IsOptional() @IsString() note?: string;
}

type HandlerSpec = Partial<Omit<HandlerRecord, 'options'>> & { name: string; options?: Partial<HandlerRecord['options']> };

function view(slug: string, authClasses: DjustAuthClass[], handlers: HandlerSpec[], extra: Partial<ViewRecord> = {}): ViewRecord {
  return {
    slug,
    viewClass: class {} as any,
    authClasses,
    csrfExempt: false,
    loginRequired: false,
    permissions: [],
    guards: [],
    interceptors: [],
    handlers: new Map(
      handlers.map((h) => [
        h.name,
        {
          dtoType: undefined,
          paramsSchema: undefined,
          arity: h.dtoType ? 1 : 0,
          permissions: [],
          rateLimit: undefined,
          bucket: `${slug}:${h.name}`,
          guards: [],
          interceptors: [],
          method: function () {},
          ...h,
          options: { exposeApi: true, deprecated: false, ...h.options },
        } as HandlerRecord,
      ]),
    ),
    hasApiMount: false,
    dependencyKeys: new Set(),
    create: () => {
      throw new Error('never');
    },
    ...extra,
  };
}

const views = (): ViewRecord[] => [
  view('order-detail', [Session], [
    { name: 'update_status', dtoType: UpdateDto, options: { summary: 'Update', description: 'Marks it.', deprecated: true } },
    { name: 'ping' },
    { name: 'hidden', options: { exposeApi: false } },
    { name: 'limited', dtoType: OptionalDto, rateLimit: { limit: 5, ttl: 1000 }, permissions: ['orders.change'] },
  ]),
  view('api', [Token, Session], [{ name: 'call', dtoType: UpdateDto }]),
  view('exempt', [Session], [{ name: 'call' }], { csrfExempt: true }),
];

describe('createOpenApiDocument', () => {
  const { document, warnings } = createOpenApiDocument(views(), { prefix: '/djust/', title: 'T', version: '9', description: 'D' });
  const op = (path: string) => document.paths[path].post!;

  it('is an OpenAPI 3.1.0 document with info from the options', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.info, { title: 'T', version: '9', description: 'D' });
    assert.deepEqual(warnings, []);
  });

  it('has one sorted post per exposeApi handler at /<prefix>/api/<slug>/<handler>/, and the CSRF token endpoint', () => {
    assert.deepEqual(Object.keys(document.paths), [
      '/djust/api/api/call/',
      '/djust/api/csrf',
      '/djust/api/exempt/call/',
      '/djust/api/order-detail/limited/',
      '/djust/api/order-detail/ping/',
      '/djust/api/order-detail/update_status/',
    ]);
    for (const [path, item] of Object.entries(document.paths)) assert.deepEqual(Object.keys(item), [path === '/djust/api/csrf' ? 'get' : 'post'], path);
    assert.equal(operationPath('', 'a', 'b'), '/api/a/b/');
  });

  it('derives stable, unique operationIds and tags per view', () => {
    assert.equal(op('/djust/api/order-detail/update_status/').operationId, 'order_detail_update_status');
    assert.equal(operationIdFor('a-b', 'c'), 'a_b_c');
    const clash = createOpenApiDocument([view('a-b', [Token], [{ name: 'c' }]), view('a', [Token], [{ name: 'b_c' }])], { prefix: 'p' }).document;
    assert.deepEqual(
      Object.values(clash.paths).map((p) => p.post!.operationId),
      ['a_b_c', 'a_b_c_2'],
    );
    assert.deepEqual(op('/djust/api/api/call/').tags, ['api']);
    assert.deepEqual(document.tags.map((t) => t.name), ['api', 'exempt', 'order-detail']);
  });

  it('is deterministic whatever the registry order', () => {
    const again = createOpenApiDocument([...views()].reverse(), { prefix: 'djust', title: 'T', version: '9', description: 'D' });
    assert.equal(JSON.stringify(again.document), JSON.stringify(document));
  });

  it('copies summary, description and deprecated', () => {
    const o = op('/djust/api/order-detail/update_status/');
    assert.equal(o.summary, 'Update');
    assert.equal(o.description, 'Marks it.');
    assert.equal(o.deprecated, true);
    assert.equal('deprecated' in op('/djust/api/order-detail/ping/'), false);
  });

  it('request bodies: DTO $ref as application/json and application/*+json, required only with a required property; optional object without parameters', () => {
    assert.deepEqual(op('/djust/api/order-detail/update_status/').requestBody, {
      required: true,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/UpdateDto' } },
        'application/*+json': { schema: { $ref: '#/components/schemas/UpdateDto' } },
      },
    });
    assert.equal(op('/djust/api/order-detail/limited/').requestBody!.required, false);
    const ping = op('/djust/api/order-detail/ping/').requestBody as any;
    assert.equal(ping.required, false);
    assert.equal(ping.content['application/json'].schema.type, 'object');
    assert.match(ping.content['application/json'].schema.description, /not a JSON object \(an array, a scalar\) answers 400/);
  });

  it('responses: envelope and the error statuses (429 on every operation, as the contract lists it; 503 on every operation too)', () => {
    const plain = Object.keys(op('/djust/api/order-detail/ping/').responses);
    assert.deepEqual(plain, ['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503', '2XX']);
    const limited = op('/djust/api/order-detail/limited/').responses as any;
    assert.deepEqual(Object.keys(limited), ['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503', '2XX']);
    assert.deepEqual((document.components.schemas.DjustError409.properties as any).error.enum, ['idempotency_key_in_use']);
    assert.deepEqual((document.components.schemas.DjustError422.properties as any).error.enum, ['idempotency_key_mismatch']);
    const replayed = (name: string) => Object.keys((document.components.responses[name] as any).headers).includes('Idempotency-Replayed');
    assert.deepEqual(['DjustSuccess', 'DjustError500', 'DjustError409', 'DjustError422'].map(replayed), [true, true, false, false]);
    const r429 = document.components.responses.DjustError429 as any;
    assert.equal(r429.headers['Retry-After'].required, true);
    const r503 = document.components.responses.DjustError503 as any;
    assert.equal(r503.headers['Retry-After'].required, true);
    assert.deepEqual((document.components.schemas.DjustError429.properties as any).error.enum, ['rate_limited']);
    assert.deepEqual(document.components.schemas.DjustSuccess.required, ['result', 'assigns']);
    assert.deepEqual(op('/djust/api/order-detail/limited/')['x-djust-rate-limit'], { limit: 5, ttl: 1000 });
    assert.deepEqual(op('/djust/api/order-detail/limited/')['x-djust-permissions'], ['orders.change']);
  });

  it('every response of a rate-limited handler declares the RateLimit-* headers (not only 200/429); other handlers\' do not', () => {
    const headersOf = (ref: any) => Object.keys((document.components.responses[ref.$ref.split('/').pop()] as any).headers ?? {});
    for (const [status, ref] of Object.entries<any>(op('/djust/api/order-detail/limited/').responses)) {
      assert.ok(headersOf(ref).includes('RateLimit-Remaining'), `limited ${status}`);
    }
    for (const [status, ref] of Object.entries<any>(op('/djust/api/order-detail/ping/').responses)) {
      assert.equal(headersOf(ref).includes('RateLimit-Remaining'), status === '429', `ping ${status}`);
    }
    assert.equal((document.components.responses.DjustError400RateLimited as any).content['application/json'].schema.$ref, '#/components/schemas/DjustError400');
  });

  it('X-Request-Id: a required header on every response, an optional header parameter on every operation', () => {
    for (const [name, response] of Object.entries<any>(document.components.responses)) {
      assert.equal(response.headers?.['X-Request-Id']?.required, true, name);
    }
    for (const item of Object.values(document.paths)) {
      for (const operation of [item.get, item.post].filter((o) => o !== undefined)) {
        const param = operation.parameters?.find((p: any) => p.name === 'X-Request-Id') as any;
        assert.deepEqual([param?.in, param?.required], ['header', false], operation.operationId);
        const inline = Object.values<any>(operation.responses).filter((r) => r.$ref === undefined);
        for (const response of inline) assert.equal(response.headers['X-Request-Id'].required, true, operation.operationId);
      }
    }
  });

  it('GET /<prefix>/api/csrf: { csrfToken } to a logged-in session, 401 to anyone else, 404 without a session middleware, the session schemes', () => {
    const csrf = document.paths['/djust/api/csrf'].get! as any;
    assert.equal(csrf.operationId, 'djust_csrf_token');
    assert.deepEqual(Object.keys(csrf.responses), ['200', '401', '404', '503']);
    assert.deepEqual(csrf.responses['200'], { $ref: '#/components/responses/DjustCsrfToken' });
    assert.deepEqual(document.components.schemas.DjustCsrfToken.required, ['csrfToken']);
    assert.equal(csrf.responses['404'].content['application/json'].schema.$ref, '#/components/schemas/DjustError404');
    assert.deepEqual(csrf.security, [{ session: [] }]);
    assert.equal('requestBody' in csrf, false);
    const tokenOnly = createOpenApiDocument([view('api', [Token], [{ name: 'call' }]), view('exempt', [Session], [{ name: 'call' }], { csrfExempt: true })], { prefix: 'djust' });
    assert.equal(tokenOnly.document.paths['/djust/api/csrf'], undefined, 'only when an operation needs the CSRF header');
  });

  it('each error kind has its own details schema', () => {
    const details = (status: number) => (document.components.schemas[`DjustError${status}`].properties as any).details;
    assert.deepEqual(Object.keys(details(403).properties), ['permission', 'csrf']);
    assert.deepEqual(Object.keys(details(401).properties), ['auth']);
    assert.deepEqual(details(400).additionalProperties, { type: 'array', items: { type: 'string' }, description: 'The messages of one field.' });
    assert.ok(details(400).properties.non_field_errors);
    assert.equal(details(429).properties.retry_after.type, 'number');
    assert.equal(details(413).properties.limit.type, 'integer');
    assert.equal(details(500).properties.traceback.type, 'string');
  });

  it('documents 504 only with a handler timeout', () => {
    const doc = createOpenApiDocument(views(), { prefix: 'djust', handlerTimeout: 1000 }).document;
    assert.ok('504' in doc.paths['/djust/api/order-detail/ping/'].post!.responses);
  });

  it('security: one alternative per auth class, in order; schemes in components', () => {
    assert.deepEqual(op('/djust/api/api/call/').security, [{ token: [] }, { session: [] }]);
    assert.deepEqual(Object.keys(document.components.securitySchemes), ['session', 'token']);
  });

  it('CSRF header: required with session-only auth, optional when another class may win, absent when exempt', () => {
    const csrf = (path: string) => (op(path).parameters ?? []).find((p: any) => p.name === 'X-CSRF-Token') as any;
    assert.equal(csrf('/djust/api/order-detail/ping/').required, true);
    assert.equal(csrf('/djust/api/order-detail/ping/').in, 'header');
    assert.equal(csrf('/djust/api/api/call/').required, false);
    assert.equal(csrf('/djust/api/exempt/call/'), undefined);
  });

  it('warns about a view without auth classes and an untyped parameter', () => {
    const result = createOpenApiDocument([view('x', [], [{ name: 'y', arity: 1 }])], { prefix: 'djust' });
    assert.equal('security' in result.document.paths['/djust/api/x/y/'].post!, false);
    assert.deepEqual(result.warnings.map((w) => w.operation), ['x.y', 'x.y']);
  });
});
