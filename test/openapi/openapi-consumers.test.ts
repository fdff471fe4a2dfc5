import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createOpenApiDocument } from '../../src/openapi/openapi-document.factory.js';
import type { OpenApiDocument } from '../../src/openapi/openapi.types.js';
import { fixtureViews } from './fixtures/djust-views.fixture.js';
import {
  generateTypes,
  removeDir,
  scratchDir,
  strictSchemaValidators,
  typeCheck,
  validateOpenApi,
  writeFiles,
} from './support/openapi-consumers.js';

/** A typed openapi-fetch client exercising every operation shape of the fixture. */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });

export async function run(): Promise<void> {
  const updated = await client.POST('/djust/api/order/update_status/', {
    params: { header: { 'X-CSRF-Token': 'token', 'Idempotency-Key': 'order-42-shipped' } },
    body: { order_id: 42, status: 'shipped' },
  });
  if (updated.data) {
    const assigns: Record<string, unknown> = updated.data.assigns;
    const result: unknown = updated.data.result;
    void assigns;
    void result;
  }
  if (updated.error) {
    const kind:
      | 'validation_error'
      | 'unauthenticated'
      | 'permission_denied'
      | 'not_found'
      | 'idempotency_key_in_use'
      | 'payload_too_large'
      | 'unsupported_media_type'
      | 'idempotency_key_mismatch'
      | 'rate_limited'
      | 'handler_error'
      | 'service_unavailable' =
      updated.error.error;
    void kind;
  }
  await client.POST('/djust/api/order/ping/', { params: { header: { 'X-CSRF-Token': 'token' } } });
  await client.POST('/djust/api/order/old/', { params: { header: { 'X-CSRF-Token': 'token' } }, body: { note: null } });
  await client.POST('/djust/api/token-api/whoami/');
  await client.POST('/djust/api/mixed/loose/', { body: { blob: { any: 'thing' }, shade: 'red' } });
  const refund = await client.POST('/djust/api/order/refund/', {
    params: { header: { 'X-CSRF-Token': 'token' } },
    body: { order_id: 1, status: 'refunded' },
  });
  if (refund.error && refund.error.error === 'rate_limited') {
    const retry: number | undefined = refund.error.details.retry_after;
    void retry;
  }
  const line: components['schemas']['LineDto'] = { sku: '00000000-0000-4000-8000-000000000000', qty: 2 };
  const everything: components['schemas']['EverythingDto'] = {
    int: 1, num: 1.5, flag: true, str: 'abc', id: line.sku, email: 'a@b.c', when: '2024-01-01T00:00:00Z',
    whenString: '2024-01-01T00:00:00Z', color: 'red', level: 1, letter: 'a', lines: [line],
    address: { street: 'Main', zip: null }, maybe: null, code: 'ABC', site: 'https://x.y', tags: ['t'],
    priority: 2, raw: 'bytes', confirm: 'yes',
  };
  await client.POST('/djust/api/order/everything/', { params: { header: { 'X-CSRF-Token': 'token' } }, body: everything });
  await client.POST('/djust/api/order/ping/', { params: { header: { 'X-CSRF-Token': 'token', 'X-Request-Id': 'my-call.1' } } });
  const csrf = await client.GET('/djust/api/csrf');
  if (csrf.data) {
    const token: string = csrf.data.csrfToken;
    void token;
  }
  if (csrf.error) {
    const kind: 'unauthenticated' | 'not_found' | 'service_unavailable' = csrf.error.error;
    void kind;
  }
}

/** Each error kind's details, as strict clients read them (a bare \`type: object\` would make them \`never\`). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Details<S extends keyof components['schemas']> = components['schemas'][S] extends { details: infer D } ? D : never;
export const typedDetails: [
  Equals<Details<'DjustError400'>['non_field_errors'], string[] | undefined>,
  Equals<Details<'DjustError400'>['order_id'], string[]>,
  Equals<Details<'DjustError401'>['auth'], string[] | undefined>,
  Equals<Details<'DjustError403'>['csrf'], string[] | undefined>,
  Equals<Details<'DjustError403'>['permission'], string[] | undefined>,
  Equals<Details<'DjustError413'>['limit'], number | undefined>,
  Equals<Details<'DjustError429'>['retry_after'], number | undefined>,
  Equals<Details<'DjustError500'>['traceback'], string | undefined>,
] = [true, true, true, true, true, true, true, true];
`;

/** Calls that must NOT type-check, one per file (each must yield at least one diagnostic). */
const WRONG_CALLS: Record<string, string> = {
  'missing-required-field': `await client.POST('/djust/api/order/update_status/', { params: { header: { 'X-CSRF-Token': 't' } }, body: { order_id: 42 } });`,
  'wrong-field-type': `await client.POST('/djust/api/order/update_status/', { params: { header: { 'X-CSRF-Token': 't' } }, body: { order_id: 'x', status: 's' } });`,
  'missing-csrf-header': `await client.POST('/djust/api/order/update_status/', { body: { order_id: 42, status: 's' } });`,
  'enum-out-of-range': `const c: components['schemas']['EverythingDto']['color'] = 'blue'; void c;`,
  'unknown-path': `await client.POST('/djust/api/order/nope/', {});`,
  'null-for-required': `const l: components['schemas']['LineDto'] = { sku: 'x', qty: null }; void l;`,
};

describe('OpenAPI document — real consumers', () => {
  let document: OpenApiDocument;
  let dir: string;

  before(() => {
    document = createOpenApiDocument(fixtureViews(), { prefix: 'djust', title: 'Fixture', version: '2.0.0' }).document;
    dir = scratchDir('openapi-consumer');
  });
  after(() => removeDir(dir));

  it('passes the strict OpenAPI 3.1 validator (@seriousme/openapi-schema-validator)', async () => {
    const result = await validateOpenApi(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  it('has JSON Schema 2020-12 schemas that compile in Ajv strict mode, and never uses nullable', () => {
    assert.doesNotThrow(() => strictSchemaValidators(document));
    assert.equal(JSON.stringify(document).includes('"nullable"'), false);
  });

  it('request body schemas accept what the server accepts and reject what it rejects', () => {
    const validators = strictSchemaValidators(document);
    const update = validators.get('/djust/api/order/update_status/')!;
    assert.equal(update({ order_id: 1, status: 'x' }), true);
    assert.equal(update({ order_id: 1, status: 'x', extra: true }), true, 'unknown keys are ignored by the server');
    assert.equal(update({ order_id: 1 }), false);
    assert.equal(update({ order_id: 1.5, status: 'x' }), false);
    assert.equal(update({ order_id: 1, status: '' }), false, '@IsNotEmpty');
    const old = validators.get('/djust/api/order/old/')!;
    assert.equal(old({}), true);
    assert.equal(old({ note: null }), true, '@IsOptional accepts null');
    const ping = validators.get('/djust/api/order/ping/')!;
    assert.equal(ping({}), true);
    assert.equal(ping({ anything: 1 }), true, 'other keys are ignored');
    assert.equal(ping([]), false, 'a parameterless handler answers 400 for an array');
    assert.equal(ping(42), false, 'and for a scalar');
    assert.equal(ping('x'), false);
  });

  it('documents every request body as application/json and application/*+json with one schema', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      if (!item.post) continue;
      const content = item.post.requestBody!.content as Record<string, { schema: unknown }>;
      assert.deepEqual(Object.keys(content), ['application/json', 'application/*+json'], path);
      assert.deepEqual(content['application/*+json'].schema, content['application/json'].schema, path);
    }
  });

  it('openapi-typescript generates types a typed openapi-fetch client type-checks against', async () => {
    const types = await generateTypes(document);
    writeFiles(dir, { 'schema.ts': types, 'client.ts': CLIENT });
    const diagnostics = typeCheck([join(dir, 'client.ts')]);
    assert.deepEqual(diagnostics, []);
  });

  it('wrong calls do not type-check', () => {
    const header = `import createClient from 'openapi-fetch';\nimport type { components, paths } from './schema.js';\nconst client = createClient<paths>({ baseUrl: 'http://x' });\nexport async function run(): Promise<void> {\n  void client;\n`;
    for (const [name, body] of Object.entries(WRONG_CALLS)) {
      writeFiles(dir, { [`${name}.ts`]: `${header}  ${body}\n}\nexport type _C = components;\n` });
      const diagnostics = typeCheck([join(dir, `${name}.ts`)]);
      assert.ok(diagnostics.length > 0, `${name} should not type-check`);
    }
  });
});
