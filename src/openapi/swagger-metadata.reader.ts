/**
 * The one place that reads `@nestjs/swagger`'s decorator metadata. Swagger is
 * an optional peer, so it is never imported at run time: its metadata keys
 * (`DECORATORS` in `@nestjs/swagger`'s `constants.js`) are spelled out here
 * and read with `Reflect`. `swagger-metadata.reader.spec.ts` applies the real
 * decorators and fails if swagger ever renames the keys or stores them otherwise.
 */

/** Swagger's metadata keys, as its `DECORATORS` constant spells them. */
export const SWAGGER_METADATA_KEYS = Object.freeze({
  /** `@ApiProperty()` options of one property, on the prototype under the property's name (inherited). */
  API_MODEL_PROPERTIES: 'swagger/apiModelProperties',
  /** The `@ApiProperty()` property names, each prefixed with `:`, on the prototype (base classes' included). */
  API_MODEL_PROPERTIES_ARRAY: 'swagger/apiModelPropertiesArray',
  /** The `@ApiSchema()` options of a class: a list, own metadata, the last one wins (as swagger reads it). */
  API_SCHEMA: 'swagger/apiSchema',
} as const);

/** What `@ApiProperty()` recorded for one property (its options, plus the design type as `type` when none was given). */
export type ApiPropertyMetadata = Readonly<Record<string, unknown>>;

/** What `@ApiSchema()` recorded for a class. */
export interface ApiSchemaMetadata {
  readonly name?: string;
  readonly description?: string;
}

/** The `@ApiProperty()` metadata of `property` on `dtoClass` (own or inherited), if any. */
export function readApiProperty(dtoClass: Function, property: string): ApiPropertyMetadata | undefined {
  const metadata: unknown = Reflect.getMetadata(SWAGGER_METADATA_KEYS.API_MODEL_PROPERTIES, dtoClass.prototype, property);
  return isRecord(metadata) ? metadata : undefined;
}

/** The names of the properties of `dtoClass` carrying `@ApiProperty()` (base classes' first), in declaration order. */
export function readApiPropertyNames(dtoClass: Function): string[] {
  const keys: unknown = Reflect.getMetadata(SWAGGER_METADATA_KEYS.API_MODEL_PROPERTIES_ARRAY, dtoClass.prototype);
  if (!Array.isArray(keys)) return [];
  return keys.filter((k): k is string => typeof k === 'string').map((k) => (k.startsWith(':') ? k.slice(1) : k));
}

/**
 * The `@ApiSchema()` options of `dtoClass` itself (not inherited, as swagger
 * reads them): the last of the list swagger stores, if any.
 */
export function readApiSchema(dtoClass: Function): ApiSchemaMetadata | undefined {
  const stored: unknown = Reflect.getOwnMetadata(SWAGGER_METADATA_KEYS.API_SCHEMA, dtoClass);
  const last: unknown = Array.isArray(stored) ? stored[stored.length - 1] : undefined;
  if (!isRecord(last)) return undefined;
  return {
    ...(typeof last.name === 'string' ? { name: last.name } : {}),
    ...(typeof last.description === 'string' ? { description: last.description } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
