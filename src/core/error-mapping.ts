import { HttpException, type Logger } from '@nestjs/common';
import { describeValue, errorDetail } from '../common/safe-format.util.js';
import { DjustException } from '../protocol/djust.exception.js';
import { ERROR_KINDS, type DjustErrorKind } from '../protocol/error-kinds.js';
import { handlerError } from '../protocol/wire-errors.js';

/** The kind a Nest `HttpException` status maps to (4xx/503/504 of the catalogue; anything else is a 500). */
const KIND_BY_STATUS: ReadonlyMap<number, DjustErrorKind> = new Map(
  (Object.keys(ERROR_KINDS) as DjustErrorKind[]).filter((k) => k !== 'handler_error').map((k) => [ERROR_KINDS[k].status as number, k]),
);

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
    const kind = KIND_BY_STATUS.get(err.getStatus());
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
