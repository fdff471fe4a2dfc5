import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import type { JsonSchema } from './openapi.types.js';
import { buildPropertySchema, type PropertySchemaContext } from './property-schema.builder.js';
import { readApiPropertyNames, readApiSchema } from './swagger-metadata.reader.js';

/** What building a DTO's object schema needs from the DTO schema factory. */
export interface ObjectSchemaContext {
  /** The property context for `property` of the schema being built. */
  property(property: string): PropertySchemaContext;
  /** Reports a problem with the DTO as a whole. */
  warn(reason: string): void;
}

/**
 * The object schema of a DTO class: one property per class-validator-decorated
 * property (base classes first, in declaration order), `required` from the
 * validators, `description` from `@ApiSchema`.
 */
export function buildObjectSchema(dtoClass: Function, context: ObjectSchemaContext): JsonSchema {
  const metadatas = getMetadataStorage()
    .getTargetValidationMetadatas(dtoClass, '', false, false)
    .filter((m) => typeof m.target === 'function');
  const order = propertyOrder(metadatas);
  warnUndocumented(dtoClass, order, context);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const property of order) {
    const own = metadatas.filter((m) => m.propertyName === property);
    const result = buildPropertySchema(dtoClass, property, own, context.property(property));
    properties[property] = result.schema;
    if (result.required) required.push(property);
  }
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length) schema.required = required;
  const description = readApiSchema(dtoClass)?.description;
  if (description) schema.description = description;
  return schema;
}

/** Property names in declaration order, base classes first. */
function propertyOrder(metadatas: readonly ValidationMetadata[]): string[] {
  const depth = (target: unknown): number => {
    let d = 0;
    for (let p = target as Function | null; p && p !== Function.prototype; p = Object.getPrototypeOf(p)) d++;
    return d;
  };
  const ordered = metadatas
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m.target) - depth(b.m.target) || a.i - b.i)
    .map(({ m }) => m.propertyName);
  return [...new Set(ordered)];
}

/** Warns about `@ApiProperty` properties the pipeline drops, and about a DTO without validators. */
function warnUndocumented(dtoClass: Function, validated: readonly string[], context: ObjectSchemaContext): void {
  for (const property of readApiPropertyNames(dtoClass).filter((k) => !validated.includes(k))) {
    context.property(property).warn(
      '@ApiProperty without any class-validator decorator: the property never reaches the handler (unknown keys are dropped), so it is not documented; add a validator (e.g. @IsString() or @Allow())',
    );
  }
  if (validated.length === 0) {
    context.warn('the DTO has no class-validator decorators: every key is dropped from the input, the body documents an empty object');
  }
}
