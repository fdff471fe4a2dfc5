import type { ThrottlerStorage } from '@nestjs/throttler';

/**
 * The record a `@nestjs/throttler` storage returns from `increment` (the package
 * does not export this interface from its entry point, so it is derived here):
 * `totalHits`, `timeToExpire` (seconds), `isBlocked`, `timeToBlockExpire` (seconds).
 */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
