import { ERROR_KINDS, type DjustErrorKind } from './error-kinds.js';

/** The wire error envelope: `{ error, details, message? }`. */
export interface DjustErrorBody {
  error: DjustErrorKind;
  details: Record<string, unknown>;
  message?: string;
}

/**
 * The one wire error type. The dispatch core throws it (or maps what a view
 * threw to it); each transport has a single encoder that turns it into an
 * HTTP response, a WS ack or an MCP tool result. Its `status` comes from the
 * kind catalogue. Its `message` is meant for the caller and never holds a
 * handler's own error text.
 *
 * @example
 * ```ts
 * throw new DjustException('validation_error', { order_id: ['Unknown order.'] });
 * ```
 */
export class DjustException extends Error {
  /** The status of the kind (HTTP status code, WS/MCP `status`). */
  readonly status: number;

  constructor(
    readonly kind: DjustErrorKind,
    readonly details: Record<string, unknown> = {},
    message?: string,
  ) {
    super(message ?? ERROR_KINDS[kind].message);
    this.name = 'DjustException';
    this.status = ERROR_KINDS[kind].status;
  }

  /** The envelope body `{ error, details, message }`. */
  toBody(): DjustErrorBody {
    return { error: this.kind, details: this.details, message: this.message };
  }
}
