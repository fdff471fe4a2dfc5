/**
 * What a rate-limit storage returns from `increment`: hits in the current
 * window, seconds until it ends, and the block state. The same shape as
 * `@nestjs/throttler`'s `ThrottlerStorageRecord`.
 */
export interface ThrottlerStorageRecord {
  totalHits: number;
  /** Seconds until the window ends. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until the block ends. */
  timeToBlockExpire: number;
}

/**
 * The rate-limit storage contract: `@nestjs/throttler`'s `ThrottlerStorage`,
 * declared here so that nothing in the library's types requires
 * `@nestjs/throttler` (an optional peer). Any throttler storage fits
 * (`ThrottlerStorageService`, `@nest-lab/throttler-storage-redis`...), as do
 * the library's `MemoryThrottlerStorage` and `RedisThrottlerStorage`.
 */
export interface DjustThrottlerStorage {
  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord>;
}
