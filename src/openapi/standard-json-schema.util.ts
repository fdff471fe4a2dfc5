import type { StandardSchemaV1 } from '../validation/standard-schema.interface.js';
import type { JsonSchema } from './openapi.types.js';

/**
 * The JSON Schema 2020-12 of a Standard Schema's *input*, through the
 * Standard JSON Schema interface (`~standard.jsonSchema.input`): Zod 4
 * implements it, Valibot through `toStandardJsonSchema()` from
 * `@valibot/to-json-schema`, ArkType natively. `undefined` when the schema
 * offers none (or its converter fails). The `$schema` keyword is dropped: the
 * schema is embedded in an OpenAPI 3.1 document or an MCP tool.
 */
export function standardInputJsonSchema(schema: StandardSchemaV1): JsonSchema | undefined {
  const converter = schema['~standard'].jsonSchema;
  if (!converter || typeof converter.input !== 'function') return undefined;
  try {
    const { $schema: _dialect, ...rest } = converter.input({ target: 'draft-2020-12' });
    return rest as JsonSchema;
  } catch {
    return undefined;
  }
}
