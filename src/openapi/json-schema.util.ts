import type { JsonSchema, JsonSchemaType } from './openapi.types.js';

/** Prefix of a component schema reference. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** A `$ref` to a component schema. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
}

/** Replaces every character a component name may not hold (outside `[A-Za-z0-9._-]`) with `_`. */
export function componentName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Structural equality for JSON-like values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as any)[k], (b as any)[k]));
}

/** `a ∩ b` over JSON types, where `integer ⊂ number`. */
export function intersectTypes(a: readonly JsonSchemaType[], b: readonly JsonSchemaType[]): JsonSchemaType[] {
  const out = new Set<JsonSchemaType>();
  for (const t of a) {
    if (b.includes(t)) out.add(t);
    else if (t === 'number' && b.includes('integer')) out.add('integer');
    else if (t === 'integer' && b.includes('number')) out.add('integer');
  }
  return [...out];
}

/** A schema's `type` as a list (`undefined` when the schema has none). */
export function typeList(type: JsonSchema['type']): JsonSchemaType[] | undefined {
  if (type === undefined) return undefined;
  return Array.isArray(type) ? [...type] : [type];
}

/** A list of types as a `type` value: the bare name when there is one. */
export function typeValue(types: readonly JsonSchemaType[]): JsonSchemaType | JsonSchemaType[] {
  return types.length === 1 ? types[0] : [...types];
}

/** Does the schema say anything about the value's type? */
export function hasType(schema: JsonSchema): boolean {
  if (schema.type !== undefined || schema.$ref !== undefined || schema.enum !== undefined || schema.const !== undefined) return true;
  if (schema.oneOf || schema.anyOf) return true;
  return (schema.allOf ?? []).some((s) => hasType(s));
}

/** Annotation keywords that stay on the outer schema when {@link makeNullable} wraps it in an `anyOf`. */
const ANNOTATIONS = ['description', 'title', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'] as const;

/**
 * Makes a schema accept `null` in the JSON Schema 2020-12 way: `type` gains
 * `"null"` (`["integer", "null"]`), an `enum` gains `null`, a `$ref`/`const`
 * becomes an `anyOf` with `{ type: "null" }`. Never `nullable: true`.
 */
export function makeNullable(schema: JsonSchema): JsonSchema {
  if (schema.$ref !== undefined || schema.const !== undefined || schema.oneOf || schema.anyOf) {
    const annotations: JsonSchema = {};
    const rest: JsonSchema = { ...schema };
    for (const key of ANNOTATIONS) {
      if (schema[key] !== undefined) (annotations as Record<string, unknown>)[key] = schema[key];
      delete rest[key];
    }
    return { ...annotations, anyOf: [rest, { type: 'null' }] };
  }
  const out: JsonSchema = { ...schema };
  const types = typeList(out.type);
  if (types && !types.includes('null')) out.type = [...types, 'null'];
  if (out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
