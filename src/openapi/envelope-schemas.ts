import { ERROR_STATUS, type DjustErrorKind } from '../protocol/error-kinds.js';
import { ERROR_DETAILS_SCHEMAS } from './error-details.schemas.js';
import {
  IDEMPOTENCY_REPLAYED_HEADER,
  idempotencyReplayedHeader,
  rateLimitHeaders,
  REQUEST_ID_HEADER,
  requestIdHeader,
  retryAfterHeader,
} from './http-headers.schemas.js';
import { SCHEMA_REF_PREFIX } from './json-schema.util.js';
import type { JsonSchema } from './openapi.types.js';

/** Component name of the success envelope schema and response. */
export const SUCCESS_COMPONENT = 'DjustSuccess';

/** Component name of the `GET /<prefix>/api/csrf` body schema and response. */
export const CSRF_TOKEN_COMPONENT = 'DjustCsrfToken';

/** Component name of the error schema and response for one status (`DjustError400`). */
export function errorComponentName(status: number): string {
  return `DjustError${status}`;
}

/** The response of a rate-limited handler: the same, with the `RateLimit-*` headers (`DjustError400RateLimited`). */
export function rateLimitedComponentName(name: string): string {
  return `${name}RateLimited`;
}

/** Component name of the success response of a rate-limited handler (with the `RateLimit-*` headers). */
export const SUCCESS_RATE_LIMITED_COMPONENT = rateLimitedComponentName(SUCCESS_COMPONENT);

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
  409: 'Idempotency key in use: the first call with this `Idempotency-Key` is still running; retry once it has finished.',
  413: 'Payload too large: the body exceeds the configured limit.',
  415: 'Unsupported media type: the body must be `application/json` (or `application/*+json`).',
  422: 'Idempotency key mismatch: this `Idempotency-Key` was first used with another body; use a new key for a new call.',
  429: 'Rate limited: the handler\'s bucket is empty; retry after `Retry-After` seconds.',
  500: 'Handler error: the handler threw. `details.traceback` is present only in debug mode.',
  503: 'Service unavailable: something the call depends on failed before the handler ran (the app\'s session store or another middleware before the route, or the rate-limit storage, which fails closed); retry after `Retry-After` seconds.',
  504: 'Handler timeout: the handler did not finish within the configured timeout.',
};

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

/** The error envelope schema for one status: `{ error, details, message? }`, `error` an enum of that status's kinds, `details` typed per kind. */
export function errorSchema(status: number): JsonSchema {
  const kinds = errorKindsFor(status);
  const details = kinds.length === 1 ? ERROR_DETAILS_SCHEMAS[kinds[0]] : { anyOf: kinds.map((kind) => ERROR_DETAILS_SCHEMAS[kind]) };
  return {
    type: 'object',
    required: ['error', 'details'],
    properties: {
      error: { type: 'string', enum: kinds },
      details: structuredClone(details),
      message: { type: 'string', description: 'A human-readable message.' },
    },
  };
}

/** The `GET /<prefix>/api/csrf` body: `{ csrfToken }`. */
export function csrfTokenSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['csrfToken'],
    properties: { csrfToken: { type: 'string', description: 'Send it back in the `X-CSRF-Token` header of the calls made with this session.' } },
  };
}

/** `components.schemas` entries for the envelope. */
export function envelopeSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = { [SUCCESS_COMPONENT]: successSchema(), [CSRF_TOKEN_COMPONENT]: csrfTokenSchema() };
  for (const status of errorStatuses()) schemas[errorComponentName(status)] = errorSchema(status);
  return schemas;
}

/** A component response, and the component schema its JSON body refers to. */
export interface EnvelopeResponse {
  readonly schema: string;
  readonly response: Record<string, unknown>;
}

function jsonResponse(description: string, schema: string, headers: Record<string, unknown>): EnvelopeResponse {
  return { schema, response: { description, headers, content: { 'application/json': { schema: { $ref: `${SCHEMA_REF_PREFIX}${schema}` } } } } };
}

/** The headers every answer of a call may carry: `X-Request-Id` always, `Idempotency-Replayed` on a replay. */
function callHeaders(): Record<string, unknown> {
  return { [REQUEST_ID_HEADER]: requestIdHeader(), [IDEMPOTENCY_REPLAYED_HEADER]: idempotencyReplayedHeader() };
}

/**
 * Response headers per error status: those of {@link callHeaders} (an answer
 * kept for an idempotency key may be replayed, whatever its status, except
 * the 409/422 of the key itself), `Retry-After` on 429/503, the bucket's
 * state on 429.
 */
function errorHeaders(status: number): Record<string, unknown> {
  const headers: Record<string, unknown> = status === 409 || status === 422 ? { [REQUEST_ID_HEADER]: requestIdHeader() } : callHeaders();
  if (status === 429 || status === 503) headers['Retry-After'] = retryAfterHeader();
  if (status === 429) Object.assign(headers, rateLimitHeaders());
  return headers;
}

/** The rate-limited variant of a response: the same with the `RateLimit-*` headers. */
function withRateLimitHeaders(base: EnvelopeResponse, note: string): EnvelopeResponse {
  const headers = { ...(base.response.headers as Record<string, unknown>), ...rateLimitHeaders() };
  return { schema: base.schema, response: { ...base.response, description: `${base.response.description as string} ${note}`, headers } };
}

const RATE_LIMIT_NOTE = 'With the `RateLimit-*` headers of the bucket once the call got past the rate-limit step.';

/**
 * Every envelope response by component name: the success response, the CSRF
 * token response, one error response per status, and the rate-limited variant
 * of each (429 carries the bucket's headers already).
 */
export function envelopeResponses(): Record<string, EnvelopeResponse> {
  const success = jsonResponse('Success: the handler\'s result and the changed assigns.', SUCCESS_COMPONENT, callHeaders());
  const responses: Record<string, EnvelopeResponse> = {
    [SUCCESS_COMPONENT]: success,
    [SUCCESS_RATE_LIMITED_COMPONENT]: withRateLimitHeaders(success, RATE_LIMIT_NOTE),
    [CSRF_TOKEN_COMPONENT]: jsonResponse('The CSRF token of the session.', CSRF_TOKEN_COMPONENT, { [REQUEST_ID_HEADER]: requestIdHeader() }),
  };
  for (const status of errorStatuses()) {
    const name = errorComponentName(status);
    responses[name] = jsonResponse(ERROR_DESCRIPTIONS[status] ?? `Error ${status}.`, name, errorHeaders(status));
    if (status !== 429) responses[rateLimitedComponentName(name)] = withRateLimitHeaders(responses[name], RATE_LIMIT_NOTE);
  }
  return responses;
}

/** The component response for an error status of an operation (the rate-limited variant for a rate-limited handler). */
export function errorResponseName(status: number, rateLimited: boolean): string {
  const name = errorComponentName(status);
  return rateLimited && status !== 429 ? rateLimitedComponentName(name) : name;
}

/** Every component name the envelope uses (DTO schemas with these names are renamed). */
export function envelopeComponentNames(): string[] {
  return [...new Set([...Object.keys(envelopeSchemas()), ...Object.keys(envelopeResponses())])];
}
