import type { DjustOutcome } from '../../core/dispatch.types.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import type { RateLimitDecision } from '../../rate-limit/rate-limit-decision.interface.js';
import { rateLimitHeaders } from '../../rate-limit/rate-limit-headers.util.js';

/** An HTTP answer, ready to write: status, headers, JSON text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Headers every djust JSON answer carries. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/**
 * The one HTTP encoder: status codes and headers live here and nowhere else.
 * A success is `{ result, assigns }` with 200 (or the `apiResponse` status);
 * a failure is `{ error, details, message }` with the status of its kind.
 * Every answer carries `X-Request-Id`; a rate-limited handler's answers carry
 * the `RateLimit-*` headers of its bucket; an answer kept for an
 * `Idempotency-Key` and replayed carries `Idempotency-Replayed: true`.
 */
export function encodeOutcome(outcome: DjustOutcome, requestId: string): HttpAnswer {
  const answer = outcome.ok
    ? {
        status: outcome.status ?? 200,
        headers: withRateLimit({ ...JSON_HEADERS, 'x-request-id': requestId }, outcome.rateLimit),
        body: JSON.stringify({ result: outcome.result, assigns: outcome.assigns }),
      }
    : encodeError(outcome.error, requestId, outcome.rateLimit);
  if (outcome.replayed) answer.headers['idempotency-replayed'] = 'true';
  return answer;
}

/** A wire error as an HTTP answer, with the headers its kind calls for. */
export function encodeError(error: DjustException, requestId: string, rateLimit?: RateLimitDecision): HttpAnswer & { headers: Record<string, string> } {
  const headers = withRateLimit({ ...JSON_HEADERS, 'x-request-id': requestId }, rateLimit);
  if (error.kind === 'method_not_allowed') headers.allow = 'POST';
  else if (error.kind === 'service_unavailable') headers['retry-after'] ??= '1';
  else if (error.kind === 'rate_limited' && headers['retry-after'] === undefined) headers['retry-after'] = retryAfter(error.details.retry_after);
  return { status: error.status, headers, body: JSON.stringify(error.toBody()) };
}

/** A JSON document answer (the CSRF token, the OpenAPI document) with extra headers. */
export function encodeJson(status: number, body: string, requestId: string, extra: Readonly<Record<string, string>> = {}): HttpAnswer {
  return { status, headers: { ...JSON_HEADERS, 'x-request-id': requestId, ...extra }, body };
}

function withRateLimit(headers: Record<string, string>, decision: RateLimitDecision | undefined): Record<string, string> {
  if (!decision) return headers;
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) headers[name.toLowerCase()] = value;
  return headers;
}

function retryAfter(seconds: unknown): string {
  return String(typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1);
}
