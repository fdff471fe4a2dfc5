/**
 * The catalogue of wire error kinds: the `error` field of every failed answer
 * on every transport, with its status (the HTTP status code, the WS ack's
 * `status`, the MCP result's `status`) and the human message sent with it.
 * Transports read the status from here; nothing else maps kinds to numbers.
 */
export const ERROR_KINDS = {
  validation_error: { status: 400, message: 'Invalid input.' },
  unauthenticated: { status: 401, message: 'Authentication required.' },
  permission_denied: { status: 403, message: 'Permission denied.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  payload_too_large: { status: 413, message: 'Payload too large.' },
  idempotency_key_in_use: { status: 409, message: 'A call with this idempotency key is still running.' },
  unsupported_media_type: { status: 415, message: 'Unsupported media type.' },
  idempotency_key_mismatch: { status: 422, message: 'This idempotency key was used with other params.' },
  rate_limited: { status: 429, message: 'Too many requests.' },
  handler_error: { status: 500, message: 'The handler failed.' },
  service_unavailable: { status: 503, message: 'A service this call depends on is unavailable; try again later.' },
  handler_timeout: { status: 504, message: 'The handler did not finish in time.' },
} as const;

/** A wire error kind (`error` field of the envelope). */
export type DjustErrorKind = keyof typeof ERROR_KINDS;

/** Every error kind with its status (`ERROR_STATUS.not_found === 404`). */
export const ERROR_STATUS: { readonly [K in DjustErrorKind]: (typeof ERROR_KINDS)[K]['status'] } = Object.freeze(
  Object.fromEntries(Object.entries(ERROR_KINDS).map(([kind, { status }]) => [kind, status])),
) as { readonly [K in DjustErrorKind]: (typeof ERROR_KINDS)[K]['status'] };

/** Whether a value is a known error kind (an own key of the catalogue). */
export function isErrorKind(value: unknown): value is DjustErrorKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_KINDS, value);
}

/**
 * Kinds only the library itself raises, never the translation of a status
 * someone else chose: a Nest `HttpException(409)` thrown by a handler is not an
 * idempotency conflict, nor is a 500 from a middleware a handler error.
 */
const LIBRARY_ONLY_KINDS: ReadonlySet<DjustErrorKind> = new Set(['handler_error', 'idempotency_key_in_use', 'idempotency_key_mismatch']);

/** Status → the kind that status translates to (statuses of the catalogue, library-only kinds excepted). */
const KIND_BY_STATUS: ReadonlyMap<number, DjustErrorKind> = new Map(
  (Object.keys(ERROR_KINDS) as DjustErrorKind[]).filter((kind) => !LIBRARY_ONLY_KINDS.has(kind)).map((kind) => [ERROR_KINDS[kind].status as number, kind]),
);

/**
 * The kind an HTTP status from outside the library (a Nest `HttpException`, a
 * middleware's error) translates to, or `undefined` when the catalogue has
 * none for it.
 */
export function kindOfStatus(status: number): DjustErrorKind | undefined {
  return KIND_BY_STATUS.get(status);
}
