import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inlineSchema } from './inline-schema.util.js';
import type { JsonSchema } from './openapi.types.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('inlineSchema', () => {
  const components = deepFreeze({
    Child: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
    Parent: { type: 'object', properties: { child: ref('Child'), children: { type: 'array', items: ref('Child') } } },
    Color: { type: 'string', enum: ['red', 'blue'] },
    Node: { type: 'object', properties: { next: { anyOf: [ref('Node'), { type: 'null' }] }, color: ref('Color') } },
    Cat: { type: 'object', properties: { kind: { const: 'cat' } } },
    Dog: { type: 'object', properties: { kind: { const: 'dog' } } },
  } as Record<string, JsonSchema>);

  it('replaces component references by copies of the components, recursively, without touching its inputs', () => {
    const schema = deepFreeze(ref('Parent'));
    assert.deepEqual(inlineSchema(schema, components), {
      type: 'object',
      properties: { child: components.Child, children: { type: 'array', items: components.Child } },
    });
  });

  it('inlines a schema that is not a bare reference, keeping its own keywords', () => {
    assert.deepEqual(inlineSchema({ type: 'array', items: ref('Color'), minItems: 1 }, components), { type: 'array', items: { type: 'string', enum: ['red', 'blue'] }, minItems: 1 });
  });

  it('merges the keywords beside a $ref; allOf when the component has the same keyword', () => {
    assert.deepEqual(inlineSchema({ type: 'object', properties: { c: { ...ref('Color'), description: 'd' } } }, components).properties!.c, { type: 'string', enum: ['red', 'blue'], description: 'd' });
    assert.deepEqual(inlineSchema({ type: 'object', properties: { c: { ...ref('Color'), type: 'string' } } }, components).properties!.c, { type: 'string', allOf: [components.Color] });
  });

  it('keeps a recursive component under $defs with a local $ref, and expands a bare root reference', () => {
    const out = inlineSchema(ref('Node'), components);
    const body = { type: 'object', properties: { next: { anyOf: [{ $ref: '#/$defs/Node' }, { type: 'null' }] }, color: components.Color } };
    assert.deepEqual(out, { ...body, $defs: { Node: body } });
    assert.deepEqual(inlineSchema({ type: 'object', properties: { head: ref('Node') } }, components), { type: 'object', properties: { head: { $ref: '#/$defs/Node' } }, $defs: { Node: body } });
  });

  it('keeps only the propertyName of an OpenAPI discriminator (its mapping names components)', () => {
    const pet = { oneOf: [ref('Cat'), ref('Dog')], discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } } };
    assert.deepEqual(inlineSchema({ type: 'object', properties: { pet } }, components).properties!.pet, { oneOf: [components.Cat, components.Dog], discriminator: { propertyName: 'kind' } });
  });

  it('leaves other references alone and fails on an unknown component', () => {
    assert.deepEqual(inlineSchema({ $ref: 'https://example.com/x.json' }, components), { $ref: 'https://example.com/x.json' });
    assert.throws(() => inlineSchema(ref('Missing'), components), /component "Missing"/);
  });
});
