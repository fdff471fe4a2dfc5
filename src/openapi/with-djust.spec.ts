import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OpenApiDocument } from './openapi.types.js';
import { mergeDjustDocument, toOpenApi30Schema } from './with-djust.js';

function djustDoc(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'djust', version: '1' },
    tags: [{ name: 'order' }],
    paths: {
      '/djust/api/order/go/': {
        post: {
          operationId: 'order_go',
          tags: ['order'],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/GoDto' } } } },
          responses: { '200': { $ref: '#/components/responses/DjustSuccess' } },
          security: [{ session: [] }],
        },
      },
    },
    components: {
      schemas: {
        GoDto: { type: 'object', properties: { n: { type: ['integer', 'null'] }, c: { $ref: '#/components/schemas/Shared' } } },
        Shared: { type: 'object', properties: { x: { type: 'string' } } },
        DjustSuccess: { type: 'object' },
      },
      responses: { DjustSuccess: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/DjustSuccess' } } } } },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } },
    },
  };
}

function appDoc(openapi = '3.1.0'): OpenAPIObject {
  return {
    openapi,
    info: { title: 'App', version: '2' },
    tags: [{ name: 'cats' }, { name: 'order', description: 'app-defined' }],
    paths: { '/cats': { get: { responses: { '200': { description: 'ok' } } } } },
    components: {
      schemas: { Shared: { type: 'object', properties: { y: { type: 'number' } } } },
      securitySchemes: { session: { type: 'http', scheme: 'basic' } },
    },
  } as OpenAPIObject;
}

describe('mergeDjustDocument', () => {
  it('adds paths, schemas, responses, schemes and tags without touching the input', () => {
    const base = appDoc();
    const before = JSON.stringify(base);
    const { document } = mergeDjustDocument(base, djustDoc());
    assert.equal(JSON.stringify(base), before);
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.info, { title: 'App', version: '2' });
    assert.deepEqual(Object.keys(document.paths), ['/cats', '/djust/api/order/go/']);
    assert.deepEqual(document.tags!.map((t) => t.name), ['cats', 'order']);
    assert.equal(document.tags![1].description, 'app-defined');
    assert.ok(document.components!.schemas!.GoDto);
    assert.ok(document.components!.responses!.DjustSuccess);
  });

  it('renames clashing components and follows them in $refs and security requirements', () => {
    const { document, notes } = mergeDjustDocument(appDoc(), djustDoc());
    const schemas = document.components!.schemas as any;
    assert.deepEqual(schemas.Shared.properties, { y: { type: 'number' } });
    assert.deepEqual(schemas.Shared_djust.properties, { x: { type: 'string' } });
    assert.equal(schemas.GoDto.properties.c.$ref, '#/components/schemas/Shared_djust');
    assert.deepEqual((document.components!.securitySchemes as any).session_djust, { type: 'apiKey', in: 'cookie', name: 'sid' });
    assert.deepEqual((document.paths['/djust/api/order/go/'] as any).post.security, [{ session_djust: [] }]);
    assert.equal(notes.length, 2);
  });

  it('leaves an operation the app already documents to the app', () => {
    const base = appDoc();
    base.paths['/djust/api/order/go/'] = { post: { responses: { '204': { description: 'app' } } } } as any;
    const { document, notes } = mergeDjustDocument(base, djustDoc());
    assert.deepEqual((document.paths['/djust/api/order/go/'] as any).post.responses, { '204': { description: 'app' } });
    assert.ok(notes.some((n) => n.includes('already documented')));
  });

  it('keeps a 3.0 document 3.0, converting the djust part to the 3.0 dialect', () => {
    const { document, notes } = mergeDjustDocument(appDoc('3.0.0'), djustDoc());
    assert.equal(document.openapi, '3.0.0');
    assert.deepEqual((document.components!.schemas as any).GoDto.properties.n, { type: 'integer', nullable: true });
    assert.ok(notes.some((n) => n.includes("setOpenAPIVersion('3.1.0')")));
  });
});

describe('toOpenApi30Schema', () => {
  it('converts 2020-12 forms', () => {
    assert.deepEqual(toOpenApi30Schema({ type: ['string', 'null'], enum: ['a', null] }), { type: 'string', enum: ['a', null], nullable: true });
    assert.deepEqual(toOpenApi30Schema({ anyOf: [{ $ref: '#/a' }, { type: 'null' }], description: 'd' }), {
      description: 'd',
      nullable: true,
      allOf: [{ $ref: '#/a' }],
    });
    assert.deepEqual(toOpenApi30Schema({ const: 'yes' }), { enum: ['yes'] });
    assert.deepEqual(toOpenApi30Schema({ type: 'number', exclusiveMinimum: 0 }), { type: 'number', minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(toOpenApi30Schema({ type: 'integer', examples: [3] }), { type: 'integer', example: 3 });
    assert.deepEqual(toOpenApi30Schema({ $ref: '#/a', description: 'd' }), { description: 'd', allOf: [{ $ref: '#/a' }] });
    assert.deepEqual(toOpenApi30Schema({ type: ['number', 'string'] }), { anyOf: [{ type: 'number' }, { type: 'string' }] });
  });
});
