import type { HandlerRecord } from '../discovery/view-record.interface.js';
import { errorResponseName, SUCCESS_COMPONENT, SUCCESS_RATE_LIMITED_COMPONENT } from './envelope-schemas.js';

const RESPONSE_REF_PREFIX = '#/components/responses/';

/** A `$ref` to a component response. */
export function responseRef(name: string): Record<string, string> {
  return { $ref: `${RESPONSE_REF_PREFIX}${name}` };
}

/**
 * The error statuses an operation documents, ascending: the contract's table
 * (429 on every operation), 413/415 of the body, 409/422 of an
 * `Idempotency-Key`, 503 (any call can meet a failing session store,
 * rate-limit storage or idempotency store), 504 only with a handler timeout.
 */
function errorStatusesOf(handlerTimeout: number): number[] {
  const statuses = [400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503];
  if (handlerTimeout > 0) statuses.push(504);
  return statuses;
}

/**
 * The operation's `responses`: `200` and `2XX` (an `apiResponse({ status })`
 * may pick another 2xx) with the success envelope, then one error envelope per
 * status, all as `$ref`s to component responses — their rate-limited variants
 * (with the `RateLimit-*` headers) for a rate-limited handler — whose names
 * are added to `used`.
 */
export function operationResponses(handler: HandlerRecord, handlerTimeout: number, used: Set<string>): Record<string, unknown> {
  const rateLimited = handler.rateLimit !== undefined;
  const success = rateLimited ? SUCCESS_RATE_LIMITED_COMPONENT : SUCCESS_COMPONENT;
  const responses: Record<string, unknown> = { '200': responseRef(success), '2XX': responseRef(success) };
  used.add(success);
  for (const status of errorStatusesOf(handlerTimeout)) {
    const name = errorResponseName(status, rateLimited);
    responses[String(status)] = responseRef(name);
    used.add(name);
  }
  return responses;
}
