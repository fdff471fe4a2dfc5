import { ERROR_STATUS, type DjustErrorKind } from '../protocol/error-kinds.js';
import type { JsonSchema } from './openapi.types.js';

/** Component name of the success envelope schema and response. */
export const SUCCESS_COMPONENT = 'DjustSuccess';

/** Component name of the success response of a rate-limited handler (with the `RateLimit-*` headers). */
export const SUCCESS_RATE_LIMITED_COMPONENT = 'DjustSuccessRateLimited';

/** Component name of the error schema and response for one status (`DjustError400`). */
export function errorComponentName(status: number): string {
  return `DjustError${status}`;
}

/** Every component name the envelope uses (DTO schemas with these names are renamed). */
export function envelopeComponentNames(): string[] {
  return [SUCCESS_COMPONENT, SUCCESS_RATE_LIMITED_COMPONENT, ...errorStatuses().map(errorComponentName)];
}

/** The statuses that carry a wire error kind, ascending. */
export function errorStatuses(): number[] {
  return [...new Set(Object.values(ERROR_STATUS))].sort((a, b) => a - b);
}

/** The error kinds a status can carry (from `ERROR_STATUS`, so the document follows the wire). */
export function errorKindsFor(status: number): DjustErrorKind[] {
  return (Object.keys(ERROR_STATUS) as DjustErrorKind[]).filter((kind) => ERROR_STATUS[kind] === status).sort();
}

/** Human description of each error status in the document. */
const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Validation error: `details` maps each field to a list of messages (a missing required field reads "This field is required."); a body that is not a JSON object → `details.non_field_errors`.',
  401: 'Unauthenticated: no auth class accepted the caller, or the view requires login.',
  403: 'Permission denied: the caller lacks a required permission, or the CSRF check failed.',
  404: 'Not found: unknown view or handler, or the handler is not exposed over HTTP.',
  405: 'Method not allowed: only POST is accepted (`Allow: POST`).',
  413: 'Payload too large: the body exceeds the configured limit.',
  415: 'Unsupported media type: the body must be `application/json`.',
  429: 'Rate limited: the handler\'s bucket is empty; retry after `Retry-After` seconds.',
  500: 'Handler error: the handler threw. `details.traceback` is present only in debug mode.',
  503: 'Service unavailable: the rate-limit storage is unavailable and the module fails closed.',
  504: 'Handler timeout: the handler did not finish within the configured timeout.',
};

/** The `details` schema per status (object for all; typed where the contract fixes its shape). */
function detailsSchema(status: number): JsonSchema {
  if (status === 400) {
    return {
      type: 'object',
      description: 'Field name → list of messages; `non_field_errors` for errors not tied to a field.',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    };
  }
  if (status === 429) {
    return {
      type: 'object',
      properties: { retry_after: { type: 'number', minimum: 0, description: 'Seconds until the bucket has room again (as `Retry-After`).' } },
    };
  }
  if (status === 500) {
    return {
      type: 'object',
      properties: { traceback: { type: 'string', description: 'Only when the module runs with `debug: true`.' } },
    };
  }
  return { type: 'object' };
}

/** The success envelope schema: `{ result, assigns }`. */
export function successSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['result', 'assigns'],
    properties: {
      result: { description: 'The handler\'s return value (`null` when it returns nothing).' },
      assigns: {
        type: 'object',
        description: 'The public assigns whose values changed during the handler run (`{}` when the handler returns `apiResponse(...)`).',
      },
    },
  };
}

/** The error envelope schema for one status: `{ error, details, message? }`, `error` an enum of that status's kinds. */
export function errorSchema(status: number): JsonSchema {
  return {
    type: 'object',
    required: ['error', 'details'],
    properties: {
      error: { type: 'string', enum: errorKindsFor(status) },
      details: detailsSchema(status),
      message: { type: 'string', description: 'A human-readable message.' },
    },
  };
}

/** The `RateLimit-*` headers (IETF draft) a rate-limited handler's answers carry — absent after a storage failure. */
function rateLimitStateHeaders(): Record<string, unknown> {
  return {
    'RateLimit-Limit': { description: 'Calls allowed per window.', schema: { type: 'integer', minimum: 0 } },
    'RateLimit-Remaining': { description: 'Calls left in the current window.', schema: { type: 'integer', minimum: 0 } },
    'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer', minimum: 0 } },
  };
}

/** Response headers per error status (only statuses that carry some). */
function errorHeaders(status: number): Record<string, unknown> | undefined {
  if (status === 429) {
    return {
      'Retry-After': { description: 'Seconds to wait before calling again.', required: true, schema: { type: 'integer', minimum: 1 } },
      ...rateLimitStateHeaders(),
    };
  }
  if (status === 503) {
    return { 'Retry-After': { description: 'Seconds to wait before calling again (sent when the rate-limit storage is down).', schema: { type: 'integer', minimum: 1 } } };
  }
  return undefined;
}

/** `components.responses` entries for the envelope: the success response and one per error status. */
export function envelopeResponses(schemaRefPrefix: string): Record<string, Record<string, unknown>> {
  const responses: Record<string, Record<string, unknown>> = {
    [SUCCESS_COMPONENT]: {
      description: 'Success: the handler\'s result and the changed assigns.',
      content: { 'application/json': { schema: { $ref: `${schemaRefPrefix}${SUCCESS_COMPONENT}` } } },
    },
    [SUCCESS_RATE_LIMITED_COMPONENT]: {
      description: 'Success: the handler\'s result and the changed assigns, with the rate-limit bucket\'s state.',
      headers: rateLimitStateHeaders(),
      content: { 'application/json': { schema: { $ref: `${schemaRefPrefix}${SUCCESS_COMPONENT}` } } },
    },
  };
  for (const status of errorStatuses()) {
    const name = errorComponentName(status);
    const headers = errorHeaders(status);
    responses[name] = {
      description: ERROR_DESCRIPTIONS[status] ?? `Error ${status}.`,
      ...(headers ? { headers } : {}),
      content: { 'application/json': { schema: { $ref: `${schemaRefPrefix}${name}` } } },
    };
  }
  return responses;
}

/** `components.schemas` entries for the envelope. */
export function envelopeSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = { [SUCCESS_COMPONENT]: successSchema() };
  for (const status of errorStatuses()) schemas[errorComponentName(status)] = errorSchema(status);
  return schemas;
}
