import { builtinSchema, isBuiltinType, isUserClass, resolveThunk } from './class-type.util.js';
import { hasType } from './json-schema.util.js';
import type { JsonSchema, JsonSchemaType } from './openapi.types.js';
import type { ApiPropertyMetadata } from './swagger-metadata.reader.js';
import { enumType } from './validation-schema.table.js';

/** `@ApiProperty` keys copied as-is (they mean the same in JSON Schema 2020-12). */
const API_PROPERTY_PASSTHROUGH = [
  'title', 'description', 'default', 'format', 'minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'readOnly', 'writeOnly', 'deprecated',
  'const', 'not', 'oneOf', 'anyOf', 'allOf', 'properties', 'additionalProperties', 'externalDocs', 'xml',
  'discriminator', 'contentMediaType', 'contentEncoding', 'patternProperties', 'prefixItems', 'contains',
] as const;

/** The JSON type names `@ApiProperty({ type: '...' })` may give. */
const TYPE_NAMES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** What the overlay needs from the DTO schema factory. */
export interface ApiPropertyContext {
  /** A `$ref` to a DTO class's component schema (registering it). */
  ref(dtoClass: Function): JsonSchema;
  /** A `$ref` to a named enum component (`enumName`), or the enum inlined when the name cannot be used. */
  enumRef(enumName: string, enumSchema: JsonSchema): JsonSchema;
}

/**
 * Overlays `@ApiProperty` metadata on the schema the validators produced:
 * explicit values (type, annotations, bounds, examples, enum, items) win over
 * the validators' (`required`/`nullable` are decided by the caller).
 */
export function applyApiProperty(base: JsonSchema, api: ApiPropertyMetadata, designType: unknown, context: ApiPropertyContext): JsonSchema {
  const schema = overlayType(base, api, designType, context);
  copyAnnotations(schema, api);
  applyExclusiveBounds(schema, api);
  const examples = collectExamples(api);
  if (examples.length) schema.examples = examples;
  if (Array.isArray(api.enum)) overlayEnum(schema, api, context);
  else if (api.items && typeof api.items === 'object') overlayItems(schema, api, context);
  return schema;
}

/** The schema an `@ApiProperty({ type })` names, or `undefined` when it carries no information. */
function apiTypeSchema(type: unknown, context: ApiPropertyContext): JsonSchema | undefined {
  const resolved = resolveThunk(type);
  if (typeof resolved === 'string') {
    if (resolved === 'file') return { type: 'string', contentMediaType: 'application/octet-stream' };
    return TYPE_NAMES.includes(resolved) ? { type: resolved as JsonSchemaType } : undefined;
  }
  if (isBuiltinType(resolved)) {
    const schema = builtinSchema(resolved);
    return schema ? { ...schema } : undefined;
  }
  if (isUserClass(resolved)) return context.ref(resolved);
  if (resolved && typeof resolved === 'object' && !Array.isArray(resolved)) {
    // A raw schema object given as `type` (swagger allows Record<string, any>).
    return { ...(resolved as JsonSchema) };
  }
  return undefined;
}

/** Replaces the type when `@ApiProperty` names one explicitly (or the validators gave none), keeping the constraints that still apply. */
function overlayType(base: JsonSchema, api: ApiPropertyMetadata, designType: unknown, context: ApiPropertyContext): JsonSchema {
  // swagger records the design type as `type` when none is given: only a different one is an explicit override.
  const explicitType = api.type !== undefined && api.type !== designType && !(api.type === Array && api.isArray);
  if (!explicitType && (api.type === undefined || hasType(base))) return { ...base };
  const typeSchema = apiTypeSchema(api.type, context);
  if (!typeSchema) return { ...base };
  const { $ref: _r, type: _t, items: baseItems, format: _f, oneOf: _o, discriminator: _d, ...constraints } = base;
  if (api.isArray && typeSchema.type !== 'array') return { ...constraints, type: 'array', items: { ...(baseItems ?? {}), ...typeSchema } };
  if (typeSchema.type === 'array') return { ...constraints, ...typeSchema, ...(baseItems ? { items: baseItems } : {}) };
  const { minItems: _a, maxItems: _b, uniqueItems: _c, ...scalar } = constraints;
  return { ...scalar, ...typeSchema };
}

/** Copies the pass-through keywords, `x-` extensions and a string `pattern`. */
function copyAnnotations(schema: JsonSchema, api: ApiPropertyMetadata): void {
  for (const key of API_PROPERTY_PASSTHROUGH) {
    if (api[key] !== undefined) (schema as Record<string, unknown>)[key] = api[key];
  }
  for (const [key, value] of Object.entries(api)) if (key.startsWith('x-')) schema[key] = value;
  if (typeof api.pattern === 'string') schema.pattern = api.pattern;
}

/** `exclusiveMinimum/Maximum`: a number as is; swagger's boolean form turns the inclusive bound into an exclusive one. */
function applyExclusiveBounds(schema: JsonSchema, api: ApiPropertyMetadata): void {
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    const value = api[flag];
    if (typeof value === 'number') schema[flag] = value;
    else if (value === true && typeof schema[bound] === 'number') {
      schema[flag] = schema[bound];
      delete schema[bound];
    }
  }
}

/** `example` and `examples` (an array, or swagger's named `{ value }` map) as one 2020-12 `examples` list. */
function collectExamples(api: ApiPropertyMetadata): unknown[] {
  const examples: unknown[] = [];
  if (api.example !== undefined) examples.push(api.example);
  if (Array.isArray(api.examples)) examples.push(...api.examples);
  else if (api.examples && typeof api.examples === 'object') {
    for (const ex of Object.values(api.examples as Record<string, unknown>)) {
      examples.push(ex && typeof ex === 'object' && 'value' in ex ? (ex as { value: unknown }).value : ex);
    }
  }
  return examples;
}

/** `@ApiProperty({ enum, enumName? })`: the enum (a named component with `enumName`) on the value, or on the items of an array. */
function overlayEnum(schema: JsonSchema, api: ApiPropertyMetadata, context: ApiPropertyContext): void {
  const values = [...(api.enum as unknown[])];
  const type = enumType(values);
  const enumSchema: JsonSchema = type ? { type, enum: values } : { enum: values };
  const target = typeof api.enumName === 'string' ? context.enumRef(api.enumName, enumSchema) : enumSchema;
  if (schema.type === 'array' || api.isArray) {
    const { type: _t, enum: _e, $ref: _r, ...itemRest } = schema.items ?? {};
    schema.items = { ...itemRest, ...target };
    return;
  }
  delete schema.type;
  delete schema.$ref;
  delete schema.enum;
  Object.assign(schema, target);
}

/** `@ApiProperty({ items })`: merged into the items (a named enum component with `enumName`). */
function overlayItems(schema: JsonSchema, api: ApiPropertyMetadata, context: ApiPropertyContext): void {
  const items = { ...(api.items as JsonSchema) };
  if (Array.isArray(items.enum) && typeof api.enumName === 'string') schema.items = context.enumRef(api.enumName, items);
  else schema.items = { ...(schema.items ?? {}), ...items };
}
