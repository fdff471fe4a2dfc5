import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createHandlerInputSchemas } from '../../src/openapi/handler-input-schemas.factory.js';
import { inlineSchema } from '../../src/openapi/inline-schema.util.js';
import { createOpenApiDocument } from '../../src/openapi/openapi-document.factory.js';
import type { JsonSchema } from '../../src/openapi/openapi.types.js';
import { fixtureViews, recursiveView } from './fixtures/djust-views.fixture.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** A strict 2020-12 validator for a self-contained schema. */
function compile(schema: JsonSchema): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
  const validate = ajv.compile(schema);
  return (value) => validate(value) as boolean;
}

const refsOf = (schema: unknown): string[] => [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);

describe('handler input schemas (MCP tools): the requestBody schema, inlined', () => {
  const views = [...fixtureViews(), recursiveView()];
  const schemas = createHandlerInputSchemas(views);
  const { document } = createOpenApiDocument(views, { prefix: 'djust' });
  const components = document.components.schemas;

  it('is the OpenAPI requestBody schema of every exposed handler with a DTO, inlined, without a single $ref', () => {
    let compared = 0;
    for (const view of views) {
      for (const handler of view.handlers.values()) {
        const input = schemas.get(view.slug, handler.name)!;
        assert.ok(input, `${view.slug}.${handler.name}`);
        assert.equal(input.type, 'object', `${view.slug}.${handler.name}: an MCP inputSchema is an object at its root`);
        assert.ok(refsOf(input).every((ref) => ref.startsWith('#/$defs/')), `${view.slug}.${handler.name}: ${refsOf(input)}`);
        const body = document.paths[`/djust/api/${view.slug}/${handler.name}/`]?.post?.requestBody as any;
        if (!body || !handler.dtoType) continue;
        assert.deepEqual(input, inlineSchema(body.content['application/json'].schema, components), `${view.slug}.${handler.name}`);
        compared++;
      }
    }
    assert.equal(compared, 8);
    assert.deepEqual(refsOf(schemas.get('order', 'everything')), []);
  });

  it('inlines nested DTOs and arrays of nested DTOs', () => {
    const everything = schemas.get('order', 'everything')!;
    const properties = everything.properties!;
    assert.deepEqual(properties.address, components.AddressDto);
    assert.deepEqual(properties.lines, { type: 'array', maxItems: 3, minItems: 1, items: components.LineDto });
    assert.deepEqual(everything.required, components.EverythingDto.required);
    const validate = compile(everything);
    const line = { sku: '00000000-0000-4000-8000-000000000000', qty: 2 };
    const valid = {
      int: 1, num: 1.5, flag: true, str: 'abc', id: line.sku, email: 'a@b.c', when: '2024-01-01T00:00:00Z', whenString: '2024-01-01T00:00:00Z',
      color: 'red', level: 1, letter: 'a', lines: [line], address: { street: 'Main', zip: null }, code: 'ABC', site: 'https://x.y',
      tags: ['t'], priority: 2, raw: 'bytes', confirm: 'yes',
    };
    assert.equal(validate(valid), true);
    assert.equal(validate({ ...valid, lines: [{ ...line, qty: 0 }] }), false, 'a nested item is checked');
    assert.equal(validate({ ...valid, address: { zip: '1' } }), false, 'a nested required field is checked');
  });

  it('inlines an enum with enumName (a component in the document)', () => {
    const shade = schemas.get('mixed', 'loose')!.properties!.shade;
    assert.deepEqual(shade, { anyOf: [{ type: 'string', enum: ['red', 'green'] }, { type: 'null' }] });
    assert.deepEqual((components.LooseDto.properties!.shade as any).anyOf[0], { $ref: '#/components/schemas/Color' });
  });

  it('keeps a self-referencing DTO as $defs + a local $ref, expanded at the root', () => {
    const tree = schemas.get('graph', 'plant')!;
    assert.deepEqual(Object.keys(tree.$defs as object), ['TreeDto']);
    assert.deepEqual((tree.properties!.children as any).type, ['array', 'null']);
    assert.deepEqual((tree.properties!.children as any).items, { $ref: '#/$defs/TreeDto' });
    const { $defs, ...root } = tree;
    assert.deepEqual(root, ($defs as Record<string, JsonSchema>).TreeDto);
    const validate = compile(tree);
    assert.equal(validate({ label: 'a', children: [{ label: 'b', children: [{ label: 'c' }] }] }), true);
    assert.equal(validate({ label: 'a', children: [{ label: 'b', children: [{ label: 3 }] }] }), false, 'checked at any depth');
  });

  it('keeps a cycle between two DTOs under $defs, inlining what is not on it (an MCP-only handler too)', () => {
    const invite = schemas.get('graph', 'invite')!;
    assert.deepEqual(Object.keys(invite.$defs as object).sort(), ['FriendshipDto', 'PersonDto']);
    assert.deepEqual(invite.properties!.host, { $ref: '#/$defs/PersonDto' });
    assert.equal((invite.properties!.where as JsonSchema).type, 'object', 'AddressDto is on no cycle: inlined');
    const validate = compile(invite);
    const host = { name: 'Ann', best: { since: 2001, friend: { name: 'Bob', best: null } } };
    assert.equal(validate({ host, where: { street: 'Main' } }), true);
    assert.equal(validate({ host: { ...host, best: { since: 'x', friend: { name: 'Bob' } } }, where: { street: 'Main' } }), false);
  });

  it('is { "type": "object" } for a handler without a DTO parameter (parameterless, untyped, WS-only)', () => {
    assert.deepEqual(schemas.get('order', 'ping'), { type: 'object' });
    assert.deepEqual(schemas.get('keyed', 'untyped'), { type: 'object' });
    assert.deepEqual(schemas.get('order', 'ws_only'), { type: 'object' });
    assert.deepEqual(schemas.get('token-api', 'whoami'), { type: 'object' });
  });

  it('answers undefined for an unknown view or handler, and a fresh copy each time', () => {
    assert.equal(schemas.get('nope', 'ping'), undefined);
    assert.equal(schemas.get('order', 'nope'), undefined);
    const first = schemas.get('order', 'update_status')!;
    first.properties!.order_id = { type: 'string' };
    assert.deepEqual(schemas.get('order', 'update_status')!.properties!.order_id, { type: 'integer' });
  });

  it('reports the DTO warnings the document reports', () => {
    const docWarnings = createOpenApiDocument(fixtureViews(), { prefix: 'djust' }).warnings.filter((w) => w.schema !== undefined);
    const inputWarnings = createHandlerInputSchemas(fixtureViews()).warnings;
    assert.deepEqual([...inputWarnings].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), docWarnings.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });
});
