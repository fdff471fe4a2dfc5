import type { HandlerRecord } from '../discovery/view-record.interface.js';
import type { DtoSchemaFactory } from './dto-schema.factory.js';
import type { JsonSchema } from './openapi.types.js';
import { standardInputJsonSchema } from './standard-json-schema.util.js';

/** A handler's request body: its schema (a DTO `$ref`, else an object) and whether a body is required. */
export interface RequestBodySchema {
  readonly schema: JsonSchema;
  readonly required: boolean;
}

/** The body of a parameterless handler. */
const NO_PARAMETERS =
  'No parameters: the body may be absent or an empty object (other keys are ignored); a body that is not a JSON object (an array, a scalar) answers 400.';

/**
 * The media types a body is accepted in: `application/json` and any
 * `application/*+json` (e.g. `application/merge-patch+json`), as the HTTP
 * transport accepts them; both carry the same schema.
 */
export const REQUEST_MEDIA_TYPES = ['application/json', 'application/*+json'] as const;

/**
 * The request body schema of a handler: the DTO's component `$ref` (required
 * when the DTO has a required property); a parameterless handler takes an
 * optional object; an untyped parameter any object (reported through `warn`).
 */
export function requestBodySchema(handler: HandlerRecord, dtos: DtoSchemaFactory, warn: (reason: string) => void): RequestBodySchema {
  if (handler.paramsSchema) return standardSchemaBody(handler, warn);
  if (handler.dtoType) return { schema: dtos.ref(handler.dtoType), required: dtos.hasRequiredProperties(handler.dtoType) };
  const schema: JsonSchema = { type: 'object' };
  if (handler.arity > 0) warn('the handler parameter has no DTO class type: the body is documented as any object');
  else schema.description = NO_PARAMETERS;
  return { schema, required: false };
}

/** A Standard Schema's own JSON Schema (inline: it has no class name to be a component), or any object, reported. */
function standardSchemaBody(handler: HandlerRecord, warn: (reason: string) => void): RequestBodySchema {
  const vendor = handler.paramsSchema!['~standard'].vendor;
  const schema = standardInputJsonSchema(handler.paramsSchema!);
  if (!schema) {
    warn(`the ${vendor} schema of the parameters offers no JSON Schema (Standard JSON Schema: Zod 4 has it, Valibot through toStandardJsonSchema()); documented as any object`);
    return { schema: { type: 'object' }, required: false };
  }
  return { schema, required: Array.isArray(schema.required) && schema.required.length > 0 };
}

/** The operation's `requestBody` object for a body schema. */
export function requestBodyObject(body: RequestBodySchema): Record<string, unknown> {
  const content = Object.fromEntries(REQUEST_MEDIA_TYPES.map((type) => [type, { schema: structuredClone(body.schema) }]));
  return { required: body.required, content };
}
