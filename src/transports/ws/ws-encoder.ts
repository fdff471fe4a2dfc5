import type { DjustSuccess } from '../../core/dispatch.types.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import type { ErrorAck, EventAck, MountAck, UnmountAck } from '../../protocol/ws-protocol.js';

/**
 * The one WS encoder: outcomes and wire errors as acks, each with the call's
 * `requestId`. The human `message` stays server-side (`details` says why);
 * the status of the kind travels as `status`.
 */

/** A failed `mount`/`event`/`unmount` ack: `{ error, details, status, requestId }`. */
export function toErrorAck(error: DjustException, requestId: string): ErrorAck {
  return { error: error.kind, details: error.details, status: error.status, requestId };
}

/** A successful `mount` ack: the view's reference and all its public assigns. */
export function toMountAck(ref: string, outcome: DjustSuccess, requestId: string): MountAck {
  return { ref, assigns: outcome.assigns, requestId };
}

/** A successful `event` ack: the handler's result and the assigns that changed. */
export function toEventAck(outcome: DjustSuccess, requestId: string): EventAck {
  return { result: outcome.result, assigns: outcome.assigns, requestId };
}

/** A successful `unmount` ack. */
export function toUnmountAck(requestId: string): UnmountAck {
  return { ok: true, requestId };
}

/** A `connect_error` for socket.io: `err.message` plus `err.data` = `{ error, details, status }`. */
export function connectError(error: DjustException): Error & { data: ErrorAck } {
  return Object.assign(new Error(error.message), { data: { error: error.kind, details: error.details, status: error.status } });
}
