/**
 * The HTTP headers of the djust API as OpenAPI Header and Parameter Objects.
 * Always inlined (never `components.headers`/`parameters`), so `withDjust`
 * carries them into the app's Swagger document with the responses.
 */

/** The request id header (request and response). */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a caller's own request id must look like to be echoed (`resolveRequestId`). */
export const REQUEST_ID_PATTERN = '^[A-Za-z0-9._-]{1,128}$';

/** `X-Request-Id` on a response: every answer carries it. */
export function requestIdHeader(): Record<string, unknown> {
  return {
    description: 'The id of this call: the caller\'s own `X-Request-Id` when it is 1–128 characters of `[A-Za-z0-9._-]`, else a new UUID.',
    required: true,
    schema: { type: 'string', pattern: REQUEST_ID_PATTERN },
  };
}

/** The optional `X-Request-Id` request header parameter. */
export function requestIdParameter(): Record<string, unknown> {
  return {
    name: REQUEST_ID_HEADER,
    in: 'header',
    required: false,
    description:
      'Your own id for this call, echoed in the `X-Request-Id` response header and the logs. ' +
      'A value that is not 1–128 characters of `[A-Za-z0-9._-]` is replaced by a new UUID (never refused).',
    schema: { type: 'string', pattern: REQUEST_ID_PATTERN },
  };
}

/** `Retry-After` in whole seconds (≥ 1). */
export function retryAfterHeader(): Record<string, unknown> {
  return { description: 'Seconds to wait before calling again.', required: true, schema: { type: 'integer', minimum: 1 } };
}

/**
 * The `RateLimit-*` headers (IETF draft) of a rate-limited handler's bucket:
 * on every answer once the call got past the rate-limit step (a success, a
 * validation error, a handler error...), absent when it was refused before
 * that step or the rate-limit storage failed.
 */
export function rateLimitHeaders(): Record<string, unknown> {
  return {
    'RateLimit-Limit': { description: 'Calls allowed per window.', schema: { type: 'integer', minimum: 0 } },
    'RateLimit-Remaining': { description: 'Calls left in the current window.', schema: { type: 'integer', minimum: 0 } },
    'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer', minimum: 0 } },
  };
}

/** The idempotency key request header (IETF httpapi draft). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The response header that marks a replayed answer. */
export const IDEMPOTENCY_REPLAYED_HEADER = 'Idempotency-Replayed';

/** The optional `Idempotency-Key` request header parameter. */
export function idempotencyKeyParameter(maxLength: number): Record<string, unknown> {
  return {
    name: IDEMPOTENCY_KEY_HEADER,
    in: 'header',
    required: false,
    description:
      'Makes a retry safe: the first call with this key runs the handler and its answer is kept (`idempotency.ttl`, default 24 h); ' +
      'the same key from the same caller for the same handler and body gets that answer again with `Idempotency-Replayed: true`, ' +
      'without running the handler. Another body → 422 `idempotency_key_mismatch`; while the first call runs → 409 `idempotency_key_in_use`. ' +
      'Only calls that reached the handler are kept: a call refused earlier (400/401/403/404/429) may be sent again with the same key.',
    schema: { type: 'string', minLength: 1, maxLength },
  };
}

/** `Idempotency-Replayed` on a response: present (`true`) when the answer is a stored one, replayed for an `Idempotency-Key`. */
export function idempotencyReplayedHeader(): Record<string, unknown> {
  return {
    description: 'Present, `true`, when this is the stored answer of an earlier call with the same `Idempotency-Key` (the handler did not run again).',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  };
}
