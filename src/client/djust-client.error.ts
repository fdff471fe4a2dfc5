import type { DjustErrorKind } from '../protocol/error-kinds.js';
import type { ErrorAck } from '../protocol/ws-protocol.js';

/**
 * What a {@link DjustClientError} can say: a server error kind (the same as
 * the HTTP API's), or one of the client's own:
 * - `disconnected`: the socket went away before the answer came;
 * - `timeout`: no answer within the client's `timeout`;
 * - `closed`: the client was closed, or the view unmounted;
 * - `connect_error`: the connection failed for another reason than a server refusal.
 */
export type DjustClientErrorKind = DjustErrorKind | 'disconnected' | 'timeout' | 'closed' | 'connect_error';

/**
 * A failed `mount`, `call` or connection. `error`, `details` and `status` are
 * the server's (`status` 0 for the client's own kinds).
 *
 * @example
 * ```ts
 * try { await order.call('refund', { order_id: 42 }); }
 * catch (e) { if (e instanceof DjustClientError && e.status === 403) showForbidden(); }
 * ```
 */
export class DjustClientError extends Error {
  /** The server's request id of the failed call (as in its logs and traces), when it sent one. */
  requestId?: string;

  constructor(
    readonly error: DjustClientErrorKind,
    readonly details: Record<string, unknown> = {},
    readonly status = 0,
    message?: string,
  ) {
    super(message ?? describe(error, details, status));
    this.name = 'DjustClientError';
  }

  /** From an error ack or a `connect_error`'s `data`. */
  static fromAck(ack: ErrorAck): DjustClientError {
    const err = new DjustClientError(ack.error, ack.details ?? {}, ack.status);
    if (typeof ack.requestId === 'string') err.requestId = ack.requestId;
    return err;
  }
}

function describe(error: string, details: Record<string, unknown>, status: number): string {
  const reasons = Object.entries(details)
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]) => `${k}: ${(v as unknown[]).join(' ')}`);
  return `${status ? `${status} ` : ''}${error}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

/** Whether an ack is an {@link ErrorAck}. */
export function isErrorAck(ack: unknown): ack is ErrorAck {
  return ack !== null && typeof ack === 'object' && typeof (ack as ErrorAck).error === 'string' && typeof (ack as ErrorAck).status === 'number';
}
