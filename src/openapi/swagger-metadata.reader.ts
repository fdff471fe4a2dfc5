/**
 * The one place that reads `@nestjs/swagger`'s decorator metadata. Swagger is
 * an optional peer, so it is never imported at run time: its metadata keys
 * (see `DECORATORS` in `@nestjs/swagger/dist/constants.js`) are read here with
 * `Reflect.getMetadata`. `swagger-metadata.reader.spec.ts` applies the real
 * decorators and fails if swagger ever stores them otherwise.
 */

/** `@ApiProperty()` options of one property, stored on the prototype under the property's name. */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
/** The names of the `@ApiProperty()` properties, each prefixed with `:`, stored on the prototype. */
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';
/** `@ApiSchema()` options, stored on the class. */
const API_SCHEMA = 'swagger/apiSchema';

/** What `@ApiProperty()` recorded for one property (its options, plus the design type as `type` when none was given). */
export type ApiPropertyMetadata = Readonly<Record<string, unknown>>;

/** What `@ApiSchema()` recorded for a class. */
export interface ApiSchemaMetadata {
  readonly name?: string;
  readonly description?: string;
}

/** The `@ApiProperty()` metadata of `property` on `dtoClass` (own or inherited), if any. */
export function readApiProperty(dtoClass: Function, property: string): ApiPropertyMetadata | undefined {
  return Reflect.getMetadata(API_MODEL_PROPERTIES, dtoClass.prototype, property) as ApiPropertyMetadata | undefined;
}

/** The names of the properties of `dtoClass` carrying `@ApiProperty()`, in declaration order. */
export function readApiPropertyNames(dtoClass: Function): string[] {
  const keys = (Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, dtoClass.prototype) as string[] | undefined) ?? [];
  return keys.map((k) => (k.startsWith(':') ? k.slice(1) : k));
}

/** The `@ApiSchema()` options of `dtoClass`, if any. */
export function readApiSchema(dtoClass: Function): ApiSchemaMetadata | undefined {
  return Reflect.getMetadata(API_SCHEMA, dtoClass) as ApiSchemaMetadata | undefined;
}
