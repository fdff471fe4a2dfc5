import { Logger } from '@nestjs/common';
import type { DjustThrottlerStorage, ThrottlerStorageRecord } from './throttler-storage.interface.js';
import type { RateLimitDecision } from './rate-limit-decision.interface.js';
import { errorMessage } from '../common/safe-format.util.js';

export type { RateLimitDecision } from './rate-limit-decision.interface.js';
export { rateLimitHeaders } from './rate-limit-headers.util.js';
export { callerKey } from './caller-key.util.js';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** When the storage fails: `'closed'` refuses the call, `'open'` lets it through. */
  failure: 'open' | 'closed';
  /** Where storage-failure warnings go (at most one per 10 s). Default: Nest `Logger('RateLimiter')`. */
  logger?: { warn(message: string): void };
  /** Clock in epoch ms, for the warning throttle. Default `Date.now`. */
  now?: () => number;
}

/** Throttler name passed to the storage (keys are already unique per bucket). */
export const RATE_LIMIT_THROTTLER_NAME = 'djust';

/** Minimum interval between two storage-failure warnings, ms. */
const WARN_INTERVAL_MS = 10_000;

/**
 * Applies `@RateLimit` buckets on top of a `@nestjs/throttler` storage. One bucket
 * per (view slug, handler, caller), shared by HTTP and WS: the storage key is
 * `<bucket>:<caller>` with `bucket = <viewSlug>:<handlerName>`. Fixed window of
 * `ttlMs`; the call past `limit` is refused until the window ends.
 */
export class RateLimiter {
  private readonly failure: 'open' | 'closed';
  private readonly logger: { warn(message: string): void };
  private readonly now: () => number;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private suppressedWarnings = 0;

  constructor(
    private readonly storage: DjustThrottlerStorage,
    options: RateLimiterOptions,
  ) {
    if (options?.failure !== 'open' && options?.failure !== 'closed') {
      throw new Error(`nestjs-djust: RateLimiter failure policy must be 'open' or 'closed', got ${JSON.stringify(options?.failure)}`);
    }
    this.failure = options.failure;
    this.logger = options.logger ?? new Logger(RateLimiter.name);
    this.now = options.now ?? Date.now;
  }

  /**
   * Counts one call of `caller` against `bucket`.
   *
   * @param bucket `<viewSlug>:<handlerName>`
   * @param caller the caller's identity, see `callerKey()`
   * @param limit calls allowed per window
   * @param ttlMs window length, ms
   */
  async consume(bucket: string, caller: string, limit: number, ttlMs: number): Promise<RateLimitDecision> {
    let record: ThrottlerStorageRecord;
    try {
      record = await this.storage.increment(`${bucket}:${caller}`, ttlMs, limit, 0, RATE_LIMIT_THROTTLER_NAME);
      if (record == null || !Number.isFinite(record.totalHits)) {
        throw new Error(`storage returned ${JSON.stringify(record)}`);
      }
    } catch (err) {
      return this.onStorageFailure(err, limit, ttlMs);
    }
    if (record.isBlocked) {
      const wait = Math.max(1, Math.ceil(record.timeToBlockExpire || record.timeToExpire || 0));
      return { allowed: false, limit, remaining: 0, resetSeconds: wait, retryAfterSeconds: wait };
    }
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, limit - record.totalHits),
      resetSeconds: Math.max(0, Math.ceil(record.timeToExpire)),
    };
  }

  private onStorageFailure(err: unknown, limit: number, ttlMs: number): RateLimitDecision {
    const now = this.now();
    if (now - this.lastWarnAt >= WARN_INTERVAL_MS) {
      const suppressed = this.suppressedWarnings > 0 ? ` (${this.suppressedWarnings} similar failures not logged)` : '';
      this.lastWarnAt = now;
      this.suppressedWarnings = 0;
      const policy = this.failure === 'closed' ? 'refusing rate-limited calls (failure: closed)' : 'letting rate-limited calls through (failure: open)';
      this.logger.warn(`nestjs-djust: rate-limit storage failed, ${policy}: ${errorMessage(err)}${suppressed}`);
    } else {
      this.suppressedWarnings += 1;
    }
    if (this.failure === 'open') {
      return { allowed: true, limit, remaining: limit, resetSeconds: Math.max(0, Math.ceil(ttlMs / 1000)), storageFailed: true };
    }
    return { allowed: false, limit, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1, storageFailed: true };
  }
}
