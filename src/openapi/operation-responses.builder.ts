import type { HandlerRecord } from '../discovery/view-record.interface.js';
import { errorComponentName, SUCCESS_COMPONENT, SUCCESS_RATE_LIMITED_COMPONENT } from './envelope-schemas.js';

const RESPONSE_REF_PREFIX = '#/components/responses/';

/** A `$ref` to a component response. */
export function responseRef(name: string): Record<string, string> {
  return { $ref: `${RESPONSE_REF_PREFIX}${name}` };
}

/** The error statuses an operation documents, ascending. */
function errorStatusesOf(handler: HandlerRecord, handlerTimeout: number): number[] {
  // 429 is listed on every operation (the contract's error table); 503 only where a rate-limit store is consulted.
  const statuses = [400, 401, 403, 404, 413, 415, 429, 500];
  if (handler.rateLimit) statuses.push(503);
  if (handlerTimeout > 0) statuses.push(504);
  return statuses.sort((a, b) => a - b);
}

/**
 * The operation's `responses`: `200` and `2XX` (an `apiResponse({ status })`
 * may pick another 2xx) with the success envelope, then one error envelope per
 * status, all as `$ref`s to component responses, whose names are added to `used`.
 */
export function operationResponses(handler: HandlerRecord, handlerTimeout: number, used: Set<string>): Record<string, unknown> {
  const success = handler.rateLimit ? SUCCESS_RATE_LIMITED_COMPONENT : SUCCESS_COMPONENT;
  const responses: Record<string, unknown> = { '200': responseRef(success), '2XX': responseRef(success) };
  used.add(success);
  for (const status of errorStatusesOf(handler, handlerTimeout)) {
    const name = errorComponentName(status);
    responses[String(status)] = responseRef(name);
    used.add(name);
  }
  return responses;
}
