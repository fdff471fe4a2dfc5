import type { DjustSuccess } from '../../core/dispatch.types.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import type { ErrorAck, EventAck, MountAck } from '../../protocol/ws-protocol.js';

/**
 * The one WS encoder: outcomes and wire errors as acks. The human `message`
 * stays server-side (`details` says why); the status of the kind travels as
 * `status`.
 */

/** A failed `mount`/`event`/`unmount` ack: exactly `{ error, details, status }`. */
export function toErrorAck(error: DjustException): ErrorAck {
  return { error: error.kind, details: error.details, status: error.status };
}

/** A successful `mount` ack: the view's reference and all its public assigns. */
export function toMountAck(ref: string, outcome: DjustSuccess): MountAck {
  return { ref, assigns: outcome.assigns };
}

/** A successful `event` ack: the handler's result and the assigns that changed. */
export function toEventAck(outcome: DjustSuccess): EventAck {
  return { result: outcome.result, assigns: outcome.assigns };
}

/** A `connect_error` for socket.io: `err.message` plus `err.data` = the error ack. */
export function connectError(error: DjustException): Error & { data: ErrorAck } {
  return Object.assign(new Error(error.message), { data: toErrorAck(error) });
}
