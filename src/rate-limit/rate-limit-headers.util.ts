import type { RateLimitDecision } from './rate-limit-decision.interface.js';

/**
 * HTTP headers for a decision, per the IETF RateLimit header fields draft:
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds), plus
 * `Retry-After` (integer seconds, ≥ 1) when the call is refused.
 *
 * After a storage failure nothing is known about the bucket: an allowed call
 * (`failure: 'open'`) gets no header, a refused one (`'closed'`) only `Retry-After`.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!decision.storageFailed) {
    headers['RateLimit-Limit'] = String(decision.limit);
    headers['RateLimit-Remaining'] = String(Math.max(0, Math.floor(decision.remaining)));
    headers['RateLimit-Reset'] = String(Math.max(0, Math.ceil(decision.resetSeconds)));
  }
  if (!decision.allowed) {
    const wait = decision.retryAfterSeconds ?? decision.resetSeconds;
    headers['Retry-After'] = String(Math.max(1, Math.ceil(Number.isFinite(wait) ? wait : 1)));
  }
  return headers;
}
