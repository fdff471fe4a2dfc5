import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DjustModule, RedisThrottlerStorage } from 'nestjs-djust';

// One bucket per (view, handler, caller), shared by every process on this Redis.
// Fail fast when Redis is down, so the rateLimitFailure policy applies at once.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
});

@Module({
  imports: [
    DjustModule.forRoot({
      throttlerStorage: new RedisThrottlerStorage(redis, { keyPrefix: 'shop:rl:' }),
      rateLimitFailure: 'closed', // Redis down → 503 service_unavailable; 'open' lets calls through
    }),
  ],
})
export class RateLimitedAppModule {}
