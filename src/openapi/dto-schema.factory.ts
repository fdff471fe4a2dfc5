import { componentName, jsonEqual, schemaRef } from './json-schema.util.js';
import { buildObjectSchema, type ObjectSchemaContext } from './object-schema.builder.js';
import { addSchemaWarning, type OpenApiWarning } from './openapi-warning.js';
import type { JsonSchema } from './openapi.types.js';
import type { PropertySchemaContext } from './property-schema.builder.js';
import { readApiSchema } from './swagger-metadata.reader.js';

/** Options of {@link DtoSchemaFactory}. */
export interface DtoSchemaFactoryOptions {
  /** Component names already taken (e.g. the envelope schemas): DTOs with these names get a suffix. */
  readonly reservedNames?: Iterable<string>;
}

/**
 * The registry of DTO component schemas: turns class-validator DTO classes
 * into JSON Schema 2020-12 components, each once, by name.
 *
 * - Types and constraints come from class-validator metadata through
 *   `VALIDATION_SCHEMA_TABLE`; nested DTOs (`@ValidateNested` + `@Type`)
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
    // A placeholder first, so a DTO referring to itself (directly or around a cycle) gets a `$ref`, not a loop.
    this.schemas.set(name, { type: 'object' });
    this.schemas.set(name, buildObjectSchema(dtoClass, this.objectContext(name)));
    return name;
  }

  /** Whether the DTO's schema has at least one `required` property. */
  hasRequiredProperties(dtoClass: Function): boolean {
    const schema = this.schemas.get(this.register(dtoClass));
    return (schema?.required?.length ?? 0) > 0;
  }

  private objectContext(schemaName: string): ObjectSchemaContext {
    return {
      warn: (reason) => addSchemaWarning(this.warnings, schemaName, undefined, reason),
      property: (property): PropertySchemaContext => ({
        ref: (cls) => this.ref(cls),
        enumRef: (enumName, enumSchema) => this.enumRef(enumName, enumSchema, schemaName, property),
        warn: (reason) => addSchemaWarning(this.warnings, schemaName, property, reason),
      }),
    };
  }

  private allocateName(dtoClass: Function): string {
    const base = componentName(readApiSchema(dtoClass)?.name || dtoClass.name || 'AnonymousDto');
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Registers a named enum component (`@ApiProperty({ enumName })`), inlining it when the name is taken by something else. */
  private enumRef(enumName: string, enumSchema: JsonSchema, schemaName: string, property: string): JsonSchema {
    const name = componentName(enumName);
    const existing = this.enumComponents.get(name);
    const warn = (reason: string) => addSchemaWarning(this.warnings, schemaName, property, reason);
    if (existing) {
      if (jsonEqual(existing, enumSchema)) return schemaRef(name);
      warn(`enumName "${enumName}" is used for different values; inlined here`);
      return enumSchema;
    }
    if (this.taken.has(name)) {
      warn(`enumName "${enumName}" collides with another component schema; inlined here`);
      return enumSchema;
    }
    this.taken.add(name);
    this.enumComponents.set(name, enumSchema);
    this.schemas.set(name, enumSchema);
    return schemaRef(name);
  }
}
