import { DjustException } from '../errors/djust.exception.js';

/** A failed `mount`/`event`/`unmount` ack: exactly `{ error, details, status }`. */
export interface WsErrorAck {
  readonly error: DjustException['kind'];
  readonly details: Record<string, unknown>;
  readonly status: number;
}

/** The one WS encoder of a wire error (the human `message` stays server-side; `details` says why). */
export function toErrorAck(wire: DjustException): WsErrorAck {
  return { error: wire.kind, details: wire.details, status: wire.status };
}

/** A `connect_error` for socket.io: `err.message` plus `err.data` = the error ack. */
export function connectError(wire: DjustException): Error & { data: WsErrorAck } {
  return Object.assign(new Error(wire.message), { data: toErrorAck(wire) });
}

/** 400: the message is not an object (`{ view, params }`, `{ ref, handler, params }`). */
export function invalidMessageError(): DjustException {
  return new DjustException('validation_error', { non_field_errors: ['Expected a JSON object.'] }, 'Invalid message.');
}

/** 413: a `mount`/`event` payload over `ws.maxMessageSize`. */
export function messageTooLargeError(max: number): DjustException {
  return new DjustException(
    'payload_too_large',
    { limit: 'maxMessageSize', max, non_field_errors: [`Messages are limited to ${max} bytes.`] },
    'Message too large.',
  );
}

/** 429: more mounted views than `ws.maxViewsPerSocket`. */
export function tooManyViewsError(max: number): DjustException {
  return new DjustException(
    'rate_limited',
    { limit: 'maxViewsPerSocket', max, non_field_errors: [`At most ${max} views may be mounted on one socket; unmount one first.`] },
    'Too many mounted views.',
  );
}

/** 429: more `mount`/`event` messages per second than `ws.eventsPerSecond`. */
export function tooManyMessagesError(max: number, retryAfterMs: number): DjustException {
  return new DjustException(
    'rate_limited',
    {
      limit: 'eventsPerSecond',
      max,
      retry_after: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      non_field_errors: [`At most ${max} messages per second per socket.`],
    },
    'Too many messages.',
  );
}

/** 429 (connect_error): more sockets than `ws.maxSocketsPerCaller` for one caller. */
export function tooManySocketsError(max: number): DjustException {
  return new DjustException(
    'rate_limited',
    { limit: 'maxSocketsPerCaller', max, non_field_errors: [`At most ${max} simultaneous connections per caller.`] },
    'Too many connections.',
  );
}

/** 403 (connect_error): a cookie-carrying handshake from an Origin that is neither the Host's nor allowed. */
export function originRefusedError(): DjustException {
  return new DjustException(
    'permission_denied',
    { origin: ['Cross-origin connections with cookies are refused; add the origin to allowedOrigins to allow it.'] },
    'Origin not allowed.',
  );
}

/** 401: the session the socket was authenticated with has ended (logout, expiry); the socket is then closed. */
export function sessionEndedError(): DjustException {
  return new DjustException(
    'unauthenticated',
    { auth: ['The session has ended; reconnect to authenticate again.'] },
    'Session ended.',
  );
}
