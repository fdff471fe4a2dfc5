/** Options of `@RateLimit`: at most `limit` calls per `ttl` milliseconds. */
export interface RateLimitOptions {
  /** Calls allowed per window. */
  limit: number;
  /** Window length in milliseconds. */
  ttl: number;
}
