import { intersectTypes, jsonEqual, typeList, typeValue } from './json-schema.util.js';
import type { JsonSchema, JsonSchemaType } from './openapi.types.js';

/** Keywords accumulated for one schema level (a property, or its array items) from the validators on it. */
export interface SchemaAccumulator {
  /** Intersection of the JSON types the validators allow (`undefined`: unconstrained). */
  types?: JsonSchemaType[];
  keywords: JsonSchema;
  /** At least one validator contributed. */
  touched: boolean;
}

/** An empty accumulator. */
export function newAccumulator(): SchemaAccumulator {
  return { keywords: {}, touched: false };
}

/**
 * Adds one validator's contribution to an accumulator: its types intersect the
 * ones so far (an empty intersection is reported through `warn` and the first
 * is kept); a keyword already present with another value goes to `allOf`.
 */
export function accumulate(acc: SchemaAccumulator, types: readonly JsonSchemaType[] | undefined, keywords: JsonSchema, warn: (reason: string) => void): void {
  acc.touched = true;
  const { type, ...rest } = keywords;
  for (const t of [types, typeList(type)]) {
    if (t !== undefined) intersectInto(acc, t, warn);
  }
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (acc.keywords[key] === undefined) acc.keywords[key] = value;
    else if (!jsonEqual(acc.keywords[key], value)) acc.keywords.allOf = [...(acc.keywords.allOf ?? []), { [key]: value }];
  }
}

function intersectInto(acc: SchemaAccumulator, types: readonly JsonSchemaType[], warn: (reason: string) => void): void {
  if (acc.types === undefined) {
    acc.types = [...types];
    return;
  }
  const next = intersectTypes(acc.types, types);
  if (next.length === 0) {
    warn(`validators require incompatible types (${acc.types.join('|')} and ${types.join('|')}); no value can pass, the first is documented`);
  } else {
    acc.types = next;
  }
}

/**
 * Merges an element schema (a `$ref`, a union or a built-in type) with the
 * accumulated validator keywords. The validators are what the server
 * enforces: their types win over the element's declared type.
 */
export function combine(element: JsonSchema | undefined, acc: SchemaAccumulator): JsonSchema {
  const out: JsonSchema = {};
  const isRef = element?.$ref !== undefined || element?.oneOf !== undefined;
  if (element) Object.assign(out, element);
  if (acc.types && !isRef) {
    const elementTypes = typeList(element?.type);
    if (elementTypes) {
      const meet = intersectTypes(acc.types, elementTypes);
      out.type = typeValue(meet.length ? meet : acc.types);
      if (!meet.length) delete out.format;
    } else {
      out.type = typeValue(acc.types);
    }
  }
  for (const [key, value] of Object.entries(acc.keywords)) {
    if (key === 'allOf') out.allOf = [...(out.allOf ?? []), ...(value as JsonSchema[])];
    else if (out[key] === undefined) out[key] = value;
    else if (!jsonEqual(out[key], value)) out.allOf = [...(out.allOf ?? []), { [key]: value }];
  }
  return out;
}
