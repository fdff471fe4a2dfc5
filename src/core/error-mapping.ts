import { HttpException, type Logger } from '@nestjs/common';
import { describeValue, errorDetail } from '../common/safe-format.util.js';
import { DjustException } from '../protocol/djust.exception.js';
import { kindOfStatus } from '../protocol/error-kinds.js';
import { handlerError } from '../protocol/wire-errors.js';

/**
 * Turns whatever a view's `mount` or handler threw into a wire error.
 * `DjustException` passes through; a Nest `HttpException` keeps its status
 * class (its message is public by Nest convention); anything else is a 500
 * `handler_error` whose message is logged, never sent — unless `debug` is on,
 * when `details.traceback` carries the stack.
 */
export function toWireError(err: unknown, debug: boolean, logger: Pick<Logger, 'error'>, where: string): DjustException {
  if (err instanceof DjustException) return err;
  if (err instanceof HttpException) {
    const kind = kindOfStatus(err.getStatus());
    if (kind) {
      const response = err.getResponse() as unknown;
      const text = (response as { message?: unknown } | null)?.message;
      const message = typeof response === 'string' ? response : typeof text === 'string' ? text : undefined;
      const details =
        kind === 'validation_error' && Array.isArray(text) ? { non_field_errors: text.map((m: unknown) => (typeof m === 'string' ? m : describeValue(m))) } : {};
      return new DjustException(kind, details, message);
    }
  }
  const detail = errorDetail(err);
  logger.error(`${where} threw: ${detail}`);
  return handlerError(debug ? { traceback: detail } : {});
}
