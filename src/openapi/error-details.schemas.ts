import type { DjustErrorKind } from '../protocol/error-kinds.js';
import type { JsonSchema } from './openapi.types.js';

/** A list of human-readable messages. */
function messages(description: string): JsonSchema {
  return { type: 'array', items: { type: 'string' }, description };
}

/**
 * The `details` of each wire error kind as the HTTP API sends it, one schema
 * per kind so that strict generated clients can read `details.csrf`,
 * `details.retry_after`... The shapes are those the constructors of
 * `src/protocol/wire-errors.ts` (the catalogue of wire errors) build; the
 * test `test/openapi/error-details.test.ts` runs every one of them through
 * these schemas and fails on a field that is not declared here. No property
 * is `required`: an answer refused before djust's own checks (an app's
 * middleware, a Nest `HttpException`) carries empty `details`.
 */
export const ERROR_DETAILS_SCHEMAS: { readonly [K in DjustErrorKind]: JsonSchema } = {
  validation_error: {
    type: 'object',
    description:
      'Field name (a dotted path for a nested field) → its messages; a missing required field reads "This field is required.". ' +
      '`non_field_errors` holds the errors not tied to a field (a body that is not a JSON object, malformed JSON, nesting too deep).',
    properties: { non_field_errors: messages('Errors not tied to a field.') },
    additionalProperties: messages('The messages of one field.'),
  },
  unauthenticated: {
    type: 'object',
    properties: { auth: messages('Why no auth class accepted the caller.') },
  },
  permission_denied: {
    type: 'object',
    description: '`permission` when a required permission (or a guard) refused the caller, `csrf` when the CSRF check failed.',
    properties: {
      permission: messages('The caller lacks a required permission.'),
      csrf: messages('Why the CSRF check failed.'),
    },
  },
  idempotency_key_in_use: {
    type: 'object',
    properties: { idempotency_key: messages('Why the key cannot be used now.') },
  },
  idempotency_key_mismatch: {
    type: 'object',
    properties: { idempotency_key: messages('Why the key cannot be used with this body.') },
  },
  not_found: { type: 'object', description: 'An unknown view, an unknown handler and an unexposed one answer alike.' },
  method_not_allowed: { type: 'object' },
  payload_too_large: {
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 0, description: 'The body limit in bytes.' } },
  },
  unsupported_media_type: {
    type: 'object',
    properties: { non_field_errors: messages('What the body must be.') },
  },
  rate_limited: {
    type: 'object',
    properties: { retry_after: { type: 'number', minimum: 0, description: 'Seconds until the bucket has room again (as `Retry-After`).' } },
  },
  handler_error: {
    type: 'object',
    properties: { traceback: { type: 'string', description: 'Only when the module runs with `debug: true`.' } },
  },
  service_unavailable: { type: 'object' },
  handler_timeout: { type: 'object' },
};
