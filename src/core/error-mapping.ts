import { HttpException, type Logger } from '@nestjs/common';
import { DjustException, type DjustErrorKind } from '../errors/djust.exception.js';
import { describeValue, errorDetail } from '../logging/safe-format.util.js';

const KIND_BY_STATUS: Record<number, DjustErrorKind> = {
  400: 'validation_error',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
  504: 'handler_timeout',
};

/**
 * Turns whatever a view's `mount` or handler threw into a wire error.
 * `DjustException` passes through; a Nest `HttpException` keeps its status
 * class (its message is public by Nest convention); anything else is a 500
 * `handler_error` whose message is logged, never sent — unless `debug` is on,
 * when `details.traceback` carries the stack.
 */
export function toWireError(err: unknown, debug: boolean, logger: Logger, where: string): DjustException {
  if (err instanceof DjustException) return err;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const kind = KIND_BY_STATUS[status];
    if (kind) {
      const response = err.getResponse();
      const message =
        typeof response === 'string' ? response : typeof (response as { message?: unknown })?.message === 'string' ? (response as { message: string }).message : undefined;
      const details = kind === 'validation_error' && Array.isArray((response as { message?: unknown })?.message)
        ? { non_field_errors: (response as { message: unknown[] }).message.map((m) => (typeof m === 'string' ? m : describeValue(m))) }
        : {};
      return new DjustException(kind, details, message);
    }
  }
  const detail = errorDetail(err);
  logger.error(`${where} threw: ${detail}`);
  const details: Record<string, unknown> = {};
  if (debug) details.traceback = detail;
  return new DjustException('handler_error', details, 'The handler failed.');
}
