import { DjustException } from './djust.exception.js';

/** The longest idempotency key accepted (HTTP `Idempotency-Key`, WS event `id`, MCP `_meta.idempotencyKey`). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

/**
 * Every wire error the library answers with, built in this one place so the
 * same condition gives the same body on every transport. None of them names
 * a permission, an auth class, a stack or a handler's own message.
 */

/** 404 for an unknown view, an unknown handler and an unexposed one alike, so probing reveals nothing. */
export function notFound(): DjustException {
  return new DjustException('not_found', {}, 'Not found.');
}

/** 400 with `details` mapping each field to its messages. */
export function validationError(details: Record<string, string[]>): DjustException {
  return new DjustException('validation_error', details, 'Invalid input.');
}

/** 400: the params (a body, an event's params, a tool's arguments) are not a JSON object. */
export function notAnObject(): DjustException {
  return validationError({ non_field_errors: ['Expected a JSON object.'] });
}

/** 400: a WS message that is not an object (`{ view, params }`, `{ ref, handler, params }`). */
export function invalidMessage(): DjustException {
  return new DjustException('validation_error', { non_field_errors: ['Expected a JSON object.'] }, 'Invalid message.');
}

/** 400: a body that is not valid JSON. */
export function malformedJson(): DjustException {
  return validationError({ non_field_errors: ['Malformed JSON.'] });
}

/** 400: params nested deeper than `maxDepth`. */
export function nestingTooDeep(maxDepth: number): DjustException {
  return validationError({ non_field_errors: [`Nesting is deeper than ${maxDepth} levels.`] });
}

/** 400: an idempotency key (HTTP `Idempotency-Key`, WS event `id`, MCP `_meta.idempotencyKey`) that is not 1–128 characters. */
export function invalidIdempotencyKey(): DjustException {
  return validationError({ idempotency_key: [`Must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`] });
}

/** 401: no auth class accepted the caller, or the view requires a login. */
export function unauthenticated(): DjustException {
  return new DjustException('unauthenticated', { auth: ['Authentication credentials were not provided or are invalid.'] }, 'Authentication required.');
}

/** 401: the session a socket was authenticated with has ended (logout, expiry); the socket is then closed. */
export function sessionEnded(): DjustException {
  return new DjustException('unauthenticated', { auth: ['The session has ended; reconnect to authenticate again.'] }, 'Session ended.');
}

/** 403: the caller lacks a required permission, or one of the app's guards refused. */
export function permissionDenied(): DjustException {
  return new DjustException('permission_denied', { permission: ['You do not have permission to perform this action.'] }, 'Permission denied.');
}

/** 403: the CSRF check failed, with the reason in `details.csrf`. */
export function csrfFailed(reason: string): DjustException {
  return new DjustException('permission_denied', { csrf: [reason] }, 'CSRF check failed.');
}

/** 403 (connect_error): a cookie-carrying handshake from an Origin that is neither the Host's nor allowed. */
export function originRefused(): DjustException {
  return new DjustException(
    'permission_denied',
    { origin: ['Cross-origin connections with cookies are refused; add the origin to allowedOrigins to allow it.'] },
    'Origin not allowed.',
  );
}

/** 405: only POST is accepted (HTTP adds `Allow: POST`). */
export function methodNotAllowed(): DjustException {
  return new DjustException('method_not_allowed', {}, 'Method not allowed.');
}

/** 409: the first call with this idempotency key is still running; retry later. */
export function idempotencyKeyInUse(): DjustException {
  return new DjustException(
    'idempotency_key_in_use',
    { idempotency_key: ['A call with this key is still running; retry once it has finished.'] },
    'A call with this idempotency key is still running.',
  );
}

/** 422: the idempotency key was first used with other params (another body, other arguments). */
export function idempotencyKeyMismatch(): DjustException {
  return new DjustException(
    'idempotency_key_mismatch',
    { idempotency_key: ['This key was already used with other params; use a new key for a new call.'] },
    'This idempotency key was used with other params.',
  );
}

/** 413: a body over `bodyLimit`. */
export function payloadTooLarge(limit: number): DjustException {
  return new DjustException('payload_too_large', { limit }, `The body is larger than ${limit} bytes.`);
}

/** 413: a WS message over `ws.maxMessageSize`. */
export function messageTooLarge(max: number): DjustException {
  return new DjustException('payload_too_large', { limit: 'maxMessageSize', max, non_field_errors: [`Messages are limited to ${max} bytes.`] }, 'Message too large.');
}

/** 415: a non-empty body that is not JSON. */
export function unsupportedMediaType(): DjustException {
  return new DjustException('unsupported_media_type', { non_field_errors: ['The body must be application/json.'] }, 'Unsupported media type.');
}

/** 429: the handler's bucket is empty; `retry_after` in seconds (HTTP adds `Retry-After`). */
export function rateLimited(retryAfterSeconds: number): DjustException {
  return new DjustException('rate_limited', { retry_after: retryAfterSeconds }, 'Too many requests.');
}

/** 429: more mounted views than `ws.maxViewsPerSocket`. */
export function tooManyViews(max: number): DjustException {
  return new DjustException(
    'rate_limited',
    { limit: 'maxViewsPerSocket', max, non_field_errors: [`At most ${max} views may be mounted on one socket; unmount one first.`] },
    'Too many mounted views.',
  );
}

/** 429: more `mount`/`event` messages per second than `ws.eventsPerSecond`. */
export function tooManyMessages(max: number, retryAfterMs: number): DjustException {
  return new DjustException(
    'rate_limited',
    { limit: 'eventsPerSecond', max, retry_after: Math.max(1, Math.ceil(retryAfterMs / 1000)), non_field_errors: [`At most ${max} messages per second per socket.`] },
    'Too many messages.',
  );
}

/** 429 (connect_error): more sockets than `ws.maxSocketsPerCaller` for one caller. */
export function tooManySockets(max: number): DjustException {
  return new DjustException('rate_limited', { limit: 'maxSocketsPerCaller', max, non_field_errors: [`At most ${max} simultaneous connections per caller.`] }, 'Too many connections.');
}

/** 500: the handler (or `mount`, or serializing its result) failed; `details.traceback` only in debug mode. */
export function handlerError(details: Record<string, unknown> = {}): DjustException {
  return new DjustException('handler_error', details, 'The handler failed.');
}

/** 503: the rate-limit storage is unavailable and the module fails closed (HTTP adds `Retry-After: 1`). */
export function rateLimitUnavailable(): DjustException {
  return new DjustException('service_unavailable', {}, 'Rate limiting is unavailable; try again later.');
}

/** 503: the idempotency store is unavailable (e.g. Redis is down); nothing ran. */
export function idempotencyUnavailable(): DjustException {
  return new DjustException('service_unavailable', {}, 'Idempotency is unavailable; try again later.');
}

/** 503: a dependency outside djust failed before the call reached it (a session store, a proxy check). */
export function dependencyUnavailable(): DjustException {
  return new DjustException('service_unavailable', {}, 'A service this request depends on is unavailable; try again later.');
}

/** 504: the handler (or `mount`) did not finish within `handlerTimeout`. */
export function handlerTimeout(): DjustException {
  return new DjustException('handler_timeout', {}, 'The handler did not finish in time.');
}
