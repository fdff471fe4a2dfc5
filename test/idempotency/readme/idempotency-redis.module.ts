import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DjustModule } from 'nestjs-djust';

// Fail fast: a Redis outage answers 503 at once instead of holding the call.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, commandTimeout: 1000, lazyConnect: true });

@Module({
  imports: [
    DjustModule.forRoot({
      // Every process of the app shares the keys: a retry that lands on another process gets the kept answer.
      idempotency: { redis, ttl: 24 * 60 * 60 * 1000 },
    }),
  ],
})
export class AppModule {}
