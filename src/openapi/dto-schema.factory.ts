import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { findTransformerType } from '../validation/class-transformer.metadata.js';
import type { OpenApiWarning } from './openapi-warning.js';
import type { JsonSchema, JsonSchemaType } from './openapi.types.js';
import { enumType, VALIDATION_SCHEMA_TABLE, type ValidationRuleContext, type ValidationSchemaRule } from './validation-schema.table.js';

/** `@nestjs/swagger` metadata keys (see `@nestjs/swagger/dist/constants.js`); read without importing swagger at runtime. */
const SWAGGER_MODEL_PROPERTIES = 'swagger/apiModelProperties';
const SWAGGER_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';
const SWAGGER_SCHEMA = 'swagger/apiSchema';

/** Prefix of a component schema reference. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** A `$ref` to a component schema. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
}

/** Built-in constructors: never component schemas. `undefined` = no type information (e.g. `Object` for `any`/unions). */
const BUILTIN_SCHEMAS = new Map<Function, JsonSchema | undefined>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Date, { type: 'string', format: 'date-time' }],
  [Array, { type: 'array' }],
  [Set, { type: 'array' }],
  [Map, { type: 'object' }],
  [Object, undefined],
  [Function, undefined],
  [Promise, undefined],
  [Symbol, undefined],
  [BigInt, undefined],
]);

/** `@ApiProperty` keys copied as-is (they mean the same in JSON Schema 2020-12). */
const API_PROPERTY_PASSTHROUGH = [
  'title', 'description', 'default', 'format', 'minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'readOnly', 'writeOnly', 'deprecated',
  'const', 'not', 'oneOf', 'anyOf', 'allOf', 'properties', 'additionalProperties', 'externalDocs', 'xml',
  'discriminator', 'contentMediaType', 'contentEncoding', 'patternProperties', 'prefixItems', 'contains',
] as const;

/** Validation metadata kinds that are not value checks. */
const CONDITIONAL = 'conditionalValidation';
const NESTED = 'nestedValidation';
const WHITELIST = 'whitelistValidation';
const PROMISE = 'promiseValidation';
const CUSTOM = 'customValidation';

/** Accumulated keywords for one schema level (the property, or its array items). */
interface SchemaAccumulator {
  /** Intersection of the JSON types the validators allow (`undefined`: unconstrained). */
  types?: JsonSchemaType[];
  keywords: JsonSchema;
  /** At least one validator contributed. */
  touched: boolean;
}

function newAccumulator(): SchemaAccumulator {
  return { keywords: {}, touched: false };
}

/** Structural equality for JSON-like values. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as any)[k], (b as any)[k]));
}

/** `a ∩ b` over JSON types, where `integer ⊂ number`. */
function intersectTypes(a: readonly JsonSchemaType[], b: readonly JsonSchemaType[]): JsonSchemaType[] {
  const out = new Set<JsonSchemaType>();
  for (const t of a) {
    if (b.includes(t)) out.add(t);
    else if (t === 'number' && b.includes('integer')) out.add('integer');
    else if (t === 'integer' && b.includes('number')) out.add('integer');
  }
  return [...out];
}

function typeList(type: JsonSchema['type']): JsonSchemaType[] | undefined {
  if (type === undefined) return undefined;
  return Array.isArray(type) ? [...type] : [type];
}

function typeValue(types: readonly JsonSchemaType[]): JsonSchemaType | JsonSchemaType[] {
  return types.length === 1 ? types[0] : [...types];
}

/** Is `fn` a user class (a DTO), as opposed to a built-in constructor or an arrow function? */
function isUserClass(fn: unknown): fn is Function {
  return typeof fn === 'function' && !BUILTIN_SCHEMAS.has(fn) && fn.prototype !== undefined && fn !== Buffer && fn !== Uint8Array;
}

/** Resolves a swagger `type: () => Foo` thunk (an arrow function has no prototype); classes are returned as-is. */
function resolveThunk(type: unknown): unknown {
  if (typeof type === 'function' && type.prototype === undefined) {
    try {
      return (type as () => unknown)();
    } catch {
      return undefined;
    }
  }
  return type;
}

/**
 * Makes a schema accept `null` in the JSON Schema 2020-12 way: `type` gains
 * `"null"` (`["integer", "null"]`), an `enum` gains `null`, a `$ref`/`const`
 * becomes an `anyOf` with `{ type: "null" }`. Never `nullable: true`.
 */
export function makeNullable(schema: JsonSchema): JsonSchema {
  if (schema.$ref !== undefined || schema.const !== undefined || schema.oneOf || schema.anyOf) {
    const { description, title, default: dflt, examples, deprecated, readOnly, writeOnly, ...rest } = schema;
    const annotations = Object.fromEntries(
      Object.entries({ description, title, default: dflt, examples, deprecated, readOnly, writeOnly }).filter(([, v]) => v !== undefined),
    );
    return { ...annotations, anyOf: [rest, { type: 'null' }] };
  }
  const out: JsonSchema = { ...schema };
  const types = typeList(out.type);
  if (types) {
    if (!types.includes('null')) out.type = [...types, 'null'];
  }
  if (out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/** Options of {@link DtoSchemaFactory}. */
export interface DtoSchemaFactoryOptions {
  /** Component names already taken (e.g. the envelope schemas): DTOs with these names get a suffix. */
  readonly reservedNames?: Iterable<string>;
}

/**
 * Turns class-validator DTO classes into JSON Schema 2020-12 component schemas.
 *
 * - Types and constraints come from class-validator metadata through
 *   {@link VALIDATION_SCHEMA_TABLE}; nested DTOs (`@ValidateNested` + `@Type`)
 *   and `@IsInstance` become `$ref`s to their own components.
 * - `@ApiProperty` metadata, when present, overrides and annotates
 *   (description, examples, explicit type, enum, required, nullable...).
 * - `@IsOptional()` properties are not `required` and accept `null`, exactly as
 *   class-validator does (`type: [T, "null"]`).
 * - Whatever cannot be mapped exactly is reported in {@link warnings}; a
 *   property without any type information is `{}` (any), never `string`.
 * - Component names are the class names (or `@ApiSchema({ name })`); two
 *   different classes with one name get `_2`, `_3`... in first-encounter order.
 */
export class DtoSchemaFactory {
  /** Component schemas built so far, by name. */
  readonly schemas = new Map<string, JsonSchema>();
  /** Problems found while mapping, one per (schema, property, reason). */
  readonly warnings: OpenApiWarning[] = [];

  private readonly names = new Map<Function, string>();
  private readonly taken = new Set<string>();
  private readonly enumComponents = new Map<string, JsonSchema>();
  private readonly context: ValidationRuleContext = { ref: (cls) => this.ref(cls) };

  constructor(options: DtoSchemaFactoryOptions = {}) {
    for (const name of options.reservedNames ?? []) this.taken.add(name);
  }

  /** A `$ref` to the component schema of `dtoClass`, building it (and its nested DTOs) on first use. */
  ref(dtoClass: Function): JsonSchema {
    return schemaRef(this.register(dtoClass));
  }

  /** The component name of `dtoClass`, building its schema on first use. */
  register(dtoClass: Function): string {
    const known = this.names.get(dtoClass);
    if (known !== undefined) return known;
    const name = this.allocateName(dtoClass);
    this.names.set(dtoClass, name);
    const placeholder: JsonSchema = { type: 'object' };
    this.schemas.set(name, placeholder);
    this.schemas.set(name, this.buildObjectSchema(dtoClass, name));
    return name;
  }

  /** Whether the DTO's schema has at least one `required` property. */
  hasRequiredProperties(dtoClass: Function): boolean {
    const schema = this.schemas.get(this.register(dtoClass));
    return (schema?.required?.length ?? 0) > 0;
  }

  private warn(schema: string, property: string | undefined, reason: string): void {
    if (this.warnings.some((w) => w.schema === schema && w.property === property && w.reason === reason)) return;
    this.warnings.push(property === undefined ? { schema, reason } : { schema, property, reason });
  }

  private allocateName(dtoClass: Function): string {
    const declared = (Reflect.getMetadata(SWAGGER_SCHEMA, dtoClass) as { name?: string } | undefined)?.name;
    const base = (declared || dtoClass.name || 'AnonymousDto').replace(/[^A-Za-z0-9._-]/g, '_');
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Property names in declaration order, base classes first. */
  private propertyOrder(metadatas: readonly ValidationMetadata[]): string[] {
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

  /** `@ApiProperty` properties without any class-validator decorator: the pipeline drops them from the input. */
  private swaggerOnlyProperties(dtoClass: Function, validated: readonly string[]): string[] {
    const keys = ((Reflect.getMetadata(SWAGGER_MODEL_PROPERTIES_ARRAY, dtoClass.prototype) as string[] | undefined) ?? []).map((k) =>
      k.startsWith(':') ? k.slice(1) : k,
    );
    return keys.filter((k) => !validated.includes(k));
  }

  private buildObjectSchema(dtoClass: Function, name: string): JsonSchema {
    const metadatas = getMetadataStorage()
      .getTargetValidationMetadatas(dtoClass, '', false, false)
      .filter((m) => typeof m.target === 'function');
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    const order = this.propertyOrder(metadatas);
    for (const property of this.swaggerOnlyProperties(dtoClass, order)) {
      this.warn(name, property, '@ApiProperty without any class-validator decorator: the property never reaches the handler (unknown keys are dropped), so it is not documented; add a validator (e.g. @IsString() or @Allow())');
    }
    if (order.length === 0) {
      this.warn(name, undefined, 'the DTO has no class-validator decorators: every key is dropped from the input, the body documents an empty object');
    }
    for (const property of order) {
      const result = this.buildProperty(
        dtoClass,
        name,
        property,
        metadatas.filter((m) => m.propertyName === property),
      );
      properties[property] = result.schema;
      if (result.required) required.push(property);
    }
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length) schema.required = required;
    const description = (Reflect.getMetadata(SWAGGER_SCHEMA, dtoClass) as { description?: string } | undefined)?.description;
    if (description) schema.description = description;
    return schema;
  }

  /** Adds one rule's contribution to an accumulator (intersecting types, `allOf` for conflicting keywords). */
  private accumulate(acc: SchemaAccumulator, types: readonly JsonSchemaType[] | undefined, keywords: JsonSchema, where: [string, string]): void {
    acc.touched = true;
    const { type, ...rest } = keywords;
    const all = [types, typeList(type)].filter((t): t is JsonSchemaType[] => t !== undefined);
    for (const t of all) {
      if (acc.types === undefined) {
        acc.types = [...t];
        continue;
      }
      const next = intersectTypes(acc.types, t);
      if (next.length === 0) {
        this.warn(where[0], where[1], `validators require incompatible types (${acc.types.join('|')} and ${t.join('|')}); no value can pass, the first is documented`);
      } else {
        acc.types = next;
      }
    }
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined) continue;
      if (acc.keywords[key] === undefined) acc.keywords[key] = value;
      else if (!jsonEqual(acc.keywords[key], value)) acc.keywords.allOf = [...(acc.keywords.allOf ?? []), { [key]: value }];
    }
  }

  private buildProperty(
    dtoClass: Function,
    schemaName: string,
    property: string,
    metadatas: readonly ValidationMetadata[],
  ): { schema: JsonSchema; required: boolean } {
    const where: [string, string] = [schemaName, property];
    const self = newAccumulator();
    const items = newAccumulator();
    let optional = false;
    let nested = false;
    let allowAny = false;
    let rejectsUndefined = false;

    for (const meta of metadatas) {
      if (meta.type === CONDITIONAL) {
        optional = true;
        if (meta.name !== 'isOptional') {
          this.warn(schemaName, property, '@ValidateIf: conditional validation cannot be expressed; documented as optional with its validators');
        }
        continue;
      }
      if (meta.type === NESTED) {
        nested = true;
        continue;
      }
      if (meta.type === WHITELIST) {
        allowAny = true;
        continue;
      }
      if (meta.type === PROMISE) continue;
      const ruleName = meta.type === CUSTOM ? meta.name : meta.type;
      const rule: ValidationSchemaRule | undefined = ruleName ? VALIDATION_SCHEMA_TABLE[ruleName] : undefined;
      if (!rule) {
        rejectsUndefined = true;
        this.warn(schemaName, property, `validator ${ruleName ? `"${ruleName}"` : '(custom constraint class)'} has no JSON Schema mapping; it is not reflected in the schema`);
        continue;
      }
      if (!rule.acceptsUndefined) rejectsUndefined = true;
      if ((meta as { validateIf?: unknown }).validateIf) {
        this.warn(schemaName, property, `validator "${ruleName}" has a validateIf condition; it is not reflected in the schema`);
        continue;
      }
      const constraints = meta.constraints ?? [];
      const lossy = rule.lossy?.(constraints);
      if (lossy) this.warn(schemaName, property, lossy);
      const keywords = lossy ? {} : (rule.keywords?.(constraints, this.context) ?? {});
      this.accumulate(meta.each ? items : self, rule.types, keywords, where);
    }

    const designType = Reflect.getMetadata('design:type', dtoClass.prototype, property) as unknown;
    const transformer = findTransformerType(dtoClass, property);
    let transformerType: unknown;
    if (transformer) {
      try {
        transformerType = transformer.typeFunction();
      } catch {
        transformerType = undefined;
      }
    }

    // Array-ness: the validators decide when they constrain the type; else the declared type.
    const isArray = self.types ? self.types.includes('array') && self.types.length === 1 : designType === Array || designType === Set || (items.touched && designType !== Object && !isUserClass(designType));

    // The element schema: a nested DTO, a polymorphic union, or a built-in from @Type / the declared type.
    let element: JsonSchema | undefined;
    const discriminator = transformer?.options?.discriminator;
    if (discriminator && discriminator.subTypes?.length) {
      const mapping: Record<string, string> = {};
      const oneOf = discriminator.subTypes.map((sub) => {
        const ref = this.ref(sub.value);
        mapping[sub.name] = ref.$ref as string;
        return ref;
      });
      element = { oneOf, discriminator: { propertyName: discriminator.property, mapping } };
    } else if (isUserClass(transformerType)) {
      element = this.ref(transformerType);
    } else if (transformerType !== undefined && BUILTIN_SCHEMAS.has(transformerType as Function) && transformerType !== Array) {
      element = BUILTIN_SCHEMAS.get(transformerType as Function);
    } else if (!isArray && isUserClass(designType)) {
      element = this.ref(designType);
    }

    let schema: JsonSchema;
    if (isArray) {
      const itemSchema = this.combine(element, items);
      schema = this.combine(undefined, self);
      schema.type = 'array';
      schema.items = itemSchema;
      if (itemSchema.$ref === undefined && itemSchema.type === undefined && itemSchema.enum === undefined && itemSchema.const === undefined && !itemSchema.oneOf && !itemSchema.anyOf && !allowAny) {
        this.warn(schemaName, property, 'array items have no mappable type (add e.g. @IsString({ each: true }) or @ValidateNested + @Type); items documented as any');
      }
    } else {
      // `each` validators on a non-array value apply to the value itself (class-validator semantics).
      if (items.touched) this.accumulate(self, items.types, items.keywords, where);
      const fallback = element ?? (self.types === undefined && !allowAny && designType !== Array ? BUILTIN_SCHEMAS.get(designType as Function) : undefined);
      schema = this.combine(fallback, self);
    }

    const api = Reflect.getMetadata(SWAGGER_MODEL_PROPERTIES, dtoClass.prototype, property) as Record<string, unknown> | undefined;
    if (api) schema = this.applyApiProperty(schema, api, designType, schemaName, property);

    if (nested && !element && !(api && api.type)) {
      this.warn(schemaName, property, '@ValidateNested without @Type(() => Dto): the nested class is unknown; documented without its shape');
    }
    if (!this.hasType(schema) && !allowAny) {
      this.warn(schemaName, property, 'no mappable type (no type validator, @Type, @ApiProperty type or primitive declared type); documented as any ({})');
    }

    let required = !optional && rejectsUndefined;
    if (api?.required === true) required = true;
    if (api?.required === false && required) {
      this.warn(schemaName, property, '@ApiProperty({ required: false }) but the validators reject a missing value (no @IsOptional); documented as required');
    }
    const nullable = api?.nullable === true || (optional && api?.nullable !== false);
    if (nullable) schema = makeNullable(schema);
    return { schema, required };
  }

  /** Does the schema say anything about the value's type? */
  private hasType(schema: JsonSchema): boolean {
    if (schema.type !== undefined || schema.$ref !== undefined || schema.enum !== undefined || schema.const !== undefined) return true;
    if (schema.oneOf || schema.anyOf) return true;
    return (schema.allOf ?? []).some((s) => this.hasType(s));
  }

  /** Merges an element schema (ref/builtin) with accumulated validator keywords. */
  private combine(element: JsonSchema | undefined, acc: SchemaAccumulator): JsonSchema {
    const out: JsonSchema = {};
    const isRef = element?.$ref !== undefined || element?.oneOf !== undefined;
    if (element) Object.assign(out, element);
    if (acc.types && !isRef) {
      const elementTypes = typeList(element?.type);
      if (elementTypes && acc.types) {
        const meet = intersectTypes(acc.types, elementTypes);
        // The validators are what the server enforces: they win over the declared type.
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

  /** The schema an `@ApiProperty({ type })` names, or `undefined` when it carries no information. */
  private apiTypeSchema(type: unknown): JsonSchema | undefined {
    const resolved = resolveThunk(type);
    if (typeof resolved === 'string') {
      if (resolved === 'file') return { type: 'string', contentMediaType: 'application/octet-stream' };
      if (['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'].includes(resolved)) return { type: resolved as JsonSchemaType };
      return undefined;
    }
    if (typeof resolved === 'function') {
      if (BUILTIN_SCHEMAS.has(resolved)) {
        const schema = BUILTIN_SCHEMAS.get(resolved);
        return schema ? { ...schema } : undefined;
      }
      if (isUserClass(resolved)) return this.ref(resolved);
    }
    if (resolved && typeof resolved === 'object' && !Array.isArray(resolved)) {
      // A raw schema object given as `type` (swagger allows Record<string, any>).
      return { ...(resolved as JsonSchema) };
    }
    return undefined;
  }

  /** Overlays `@ApiProperty` metadata (explicit values win over the validators, except `required: false`). */
  private applyApiProperty(base: JsonSchema, api: Record<string, unknown>, designType: unknown, schemaName: string, property: string): JsonSchema {
    let schema: JsonSchema = { ...base };
    // swagger records the design type as `type` when none is given: only a different one is an explicit override.
    const explicitType = api.type !== undefined && api.type !== designType && !(api.type === Array && api.isArray);
    if (explicitType || (api.type !== undefined && !this.hasType(base))) {
      const typeSchema = this.apiTypeSchema(api.type);
      if (typeSchema) {
        const { $ref: _r, type: _t, items: baseItems, format: _f, oneOf: _o, discriminator: _d, ...constraints } = schema;
        if (api.isArray && typeSchema.type !== 'array') {
          schema = { ...constraints, type: 'array', items: { ...(baseItems ?? {}), ...typeSchema } };
        } else if (typeSchema.type === 'array') {
          schema = { ...constraints, ...typeSchema, ...(baseItems ? { items: baseItems } : {}) };
        } else {
          const { minItems: _a, maxItems: _b, uniqueItems: _c, ...scalar } = constraints;
          schema = { ...scalar, ...typeSchema };
        }
      }
    }
    for (const key of API_PROPERTY_PASSTHROUGH) {
      if (api[key] !== undefined) (schema as Record<string, unknown>)[key] = api[key];
    }
    for (const [key, value] of Object.entries(api)) if (key.startsWith('x-')) schema[key] = value;
    if (typeof api.pattern === 'string') schema.pattern = api.pattern;
    for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      const value = api[flag];
      if (typeof value === 'number') schema[flag] = value;
      else if (value === true && typeof schema[bound] === 'number') {
        schema[flag] = schema[bound];
        delete schema[bound];
      }
    }
    const examples: unknown[] = [];
    if (api.example !== undefined) examples.push(api.example);
    if (Array.isArray(api.examples)) examples.push(...api.examples);
    else if (api.examples && typeof api.examples === 'object') {
      for (const ex of Object.values(api.examples as Record<string, unknown>)) {
        examples.push(ex && typeof ex === 'object' && 'value' in ex ? (ex as { value: unknown }).value : ex);
      }
    }
    if (examples.length) schema.examples = examples;

    if (Array.isArray(api.enum)) {
      const values = [...api.enum];
      const type = enumType(values);
      const enumSchema: JsonSchema = type ? { type, enum: values } : { enum: values };
      const target = typeof api.enumName === 'string' ? this.enumRef(api.enumName, enumSchema, schemaName, property) : enumSchema;
      if (schema.type === 'array' || api.isArray) {
        const { type: _t, enum: _e, $ref: _r, ...itemRest } = schema.items ?? {};
        schema.items = { ...itemRest, ...target };
      }
      else {
        delete schema.type;
        delete schema.$ref;
        delete schema.enum;
        Object.assign(schema, target);
      }
    } else if (api.items && typeof api.items === 'object') {
      const items = { ...(api.items as JsonSchema) };
      if (Array.isArray(items.enum) && typeof api.enumName === 'string') {
        schema.items = this.enumRef(api.enumName, items, schemaName, property);
      } else {
        schema.items = { ...(schema.items ?? {}), ...items };
      }
    }
    return schema;
  }

  /** Registers a named enum component (`@ApiProperty({ enumName })`), inlining it when the name is taken by something else. */
  private enumRef(enumName: string, enumSchema: JsonSchema, schemaName: string, property: string): JsonSchema {
    const name = enumName.replace(/[^A-Za-z0-9._-]/g, '_');
    const existing = this.enumComponents.get(name);
    if (existing) {
      if (jsonEqual(existing, enumSchema)) return schemaRef(name);
      this.warn(schemaName, property, `enumName "${enumName}" is used for different values; inlined here`);
      return enumSchema;
    }
    if (this.taken.has(name)) {
      this.warn(schemaName, property, `enumName "${enumName}" collides with another component schema; inlined here`);
      return enumSchema;
    }
    this.taken.add(name);
    this.enumComponents.set(name, enumSchema);
    this.schemas.set(name, enumSchema);
    return schemaRef(name);
  }
}
