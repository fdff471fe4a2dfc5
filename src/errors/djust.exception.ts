/** Every error kind on the wire, with its HTTP status. */
export const ERROR_STATUS = {
  validation_error: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  handler_error: 500,
  service_unavailable: 503,
  handler_timeout: 504,
} as const;

/** A wire error kind (`error` field of the envelope). */
export type DjustErrorKind = keyof typeof ERROR_STATUS;

/** The wire error envelope: `{ error, details, message? }`. */
export interface DjustErrorBody {
  error: DjustErrorKind;
  details: Record<string, unknown>;
  message?: string;
}

/**
 * The one wire error type. The pipeline throws (or returns) it; each transport
 * has a single encoder that turns it into an HTTP response or a WS ack.
 * Its `message` is meant for the caller and never holds a handler's own error text.
 */
export class DjustException extends Error {
  readonly status: number;

  constructor(
    readonly kind: DjustErrorKind,
    readonly details: Record<string, unknown> = {},
    message?: string,
    /** Extra HTTP headers (e.g. `Retry-After`). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message ?? kind);
    this.name = 'DjustException';
    this.status = ERROR_STATUS[kind];
  }

  /** The envelope body. */
  toBody(): DjustErrorBody {
    const body: DjustErrorBody = { error: this.kind, details: this.details };
    if (this.message && this.message !== this.kind) body.message = this.message;
    return body;
  }
}

/** The single body used for every not-found case, so probing reveals nothing. */
export function notFound(): DjustException {
  return new DjustException('not_found', {}, 'Not found.');
}
