/** The outcome of one {@link RateLimiter.consume} call. */
export interface RateLimitDecision {
  /** `true`: the call may proceed. */
  allowed: boolean;
  /** Calls allowed per window. */
  limit: number;
  /** Calls left in the current window (0 when refused). */
  remaining: number;
  /** Whole seconds until the window (or the block) ends. */
  resetSeconds: number;
  /** Whole seconds (≥ 1) the caller should wait; set when refused. */
  retryAfterSeconds?: number;
  /** `true` when the storage failed and the decision comes from the failure policy. */
  storageFailed?: boolean;
}
