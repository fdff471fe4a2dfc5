import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { applyApiProperty, type ApiPropertyContext } from './api-property.overlay.js';
import { builtinSchema } from './class-type.util.js';
import { hasType, makeNullable } from './json-schema.util.js';
import type { JsonSchema } from './openapi.types.js';
import { isArrayProperty, readPropertyTypes, resolveElement, type PropertyTypes } from './property-type.resolver.js';
import { accumulate, combine } from './schema.accumulator.js';
import { readApiProperty, type ApiPropertyMetadata } from './swagger-metadata.reader.js';
import { collectValidators, type PropertyValidators } from './validator-metadata.collector.js';
import type { ValidationRuleContext } from './validation-schema.table.js';

/** What building one property's schema needs from the DTO schema factory, bound to that property. */
export interface PropertySchemaContext extends ApiPropertyContext, ValidationRuleContext {
  /** Reports a problem with this property. */
  warn(reason: string): void;
}

/** One property's schema, and whether the body must hold it. */
export interface PropertySchema {
  readonly schema: JsonSchema;
  readonly required: boolean;
}

/**
 * The schema of one DTO property: the class-validator metadata through the
 * table, the element type from `@Type` / the declared type, then the
 * `@ApiProperty` overlay. `@IsOptional()` makes it optional and nullable.
 */
export function buildPropertySchema(dtoClass: Function, property: string, metadatas: readonly ValidationMetadata[], context: PropertySchemaContext): PropertySchema {
  const validators = collectValidators(metadatas, context, context.warn);
  const types = readPropertyTypes(dtoClass, property);
  const isArray = isArrayProperty(validators, types);
  const element = resolveElement(types, isArray, context.ref);
  let schema = isArray ? arraySchema(element, validators, context) : scalarSchema(element, validators, types, context);
  const api = readApiProperty(dtoClass, property);
  if (api) schema = applyApiProperty(schema, api, types.designType, context);
  warnUntyped(schema, validators, element, api, context);
  const required = isRequired(validators, api, context);
  const nullable = api?.nullable === true || (validators.optional && api?.nullable !== false);
  return { schema: nullable ? makeNullable(schema) : schema, required };
}

/** An array: the validators' own keywords, with the element and the `each` keywords as `items`. */
function arraySchema(element: JsonSchema | undefined, validators: PropertyValidators, context: PropertySchemaContext): JsonSchema {
  const itemSchema = combine(element, validators.items);
  const schema = combine(undefined, validators.self);
  schema.type = 'array';
  schema.items = itemSchema;
  const untypedItems = itemSchema.$ref === undefined && itemSchema.type === undefined && itemSchema.enum === undefined && itemSchema.const === undefined;
  if (untypedItems && !itemSchema.oneOf && !itemSchema.anyOf && !validators.allowAny) {
    context.warn('array items have no mappable type (add e.g. @IsString({ each: true }) or @ValidateNested + @Type); items documented as any');
  }
  return schema;
}

/** A single value: the element (else the declared built-in type) merged with the validators' keywords. */
function scalarSchema(element: JsonSchema | undefined, validators: PropertyValidators, types: PropertyTypes, context: PropertySchemaContext): JsonSchema {
  const { self, items, allowAny } = validators;
  // `each` validators on a non-array value apply to the value itself (class-validator semantics).
  if (items.touched) accumulate(self, items.types, items.keywords, context.warn);
  const { designType } = types;
  const declared = self.types === undefined && !allowAny && designType !== Array ? builtinSchema(designType as Function) : undefined;
  return combine(element ?? declared, self);
}

/** Warns when the nested class or the whole type is unknown. */
function warnUntyped(schema: JsonSchema, validators: PropertyValidators, element: JsonSchema | undefined, api: ApiPropertyMetadata | undefined, context: PropertySchemaContext): void {
  if (validators.nested && !element && !(api && api.type)) {
    context.warn('@ValidateNested without @Type(() => Dto): the nested class is unknown; documented without its shape');
  }
  if (!hasType(schema) && !validators.allowAny) {
    context.warn('no mappable type (no type validator, @Type, @ApiProperty type or primitive declared type); documented as any ({})');
  }
}

/**
 * Required = neither `@IsOptional()` nor `@ValidateIf()`, whatever the other
 * decorators — the rule validation applies (a missing value, or `null`, is
 * "This field is required."). `@ApiProperty({ required: true })` forces it;
 * `required: false` cannot lift it.
 */
function isRequired(validators: PropertyValidators, api: ApiPropertyMetadata | undefined, context: PropertySchemaContext): boolean {
  const required = !validators.optional || api?.required === true;
  if (api?.required === false && required) {
    context.warn('@ApiProperty({ required: false }) but the property has no @IsOptional(): validation requires it; documented as required');
  }
  return required;
}
