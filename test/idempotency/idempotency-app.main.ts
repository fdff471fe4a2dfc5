/**
 * A standalone app process for the multi-process idempotency test: a `pay`
 * view whose `charge` counts its runs in Redis (`INCR runs:<order>`), with the
 * idempotency keys in the same Redis. Listens on 127.0.0.1:0 and prints
 * `LISTENING <port>`; exits on SIGTERM or when stdin closes.
 *
 * Environment: DJUST_IDEM_REDIS_URL (required), DJUST_IDEM_ADAPTER (`express` | `fastify`).
 */
import 'reflect-metadata';
import { Inject, Module } from '@nestjs/common';
import { IsString } from 'class-validator';
import type { Redis } from 'ioredis';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { WsTokenAuth } from '../gateway/gateway.fixture.js';
import { bootRateLimitApp } from '../rate-limit/rate-limit-app.js';
import { closeTestRedis, connectTestRedis } from '../support/redis-client.js';
import { serveUntilStopped } from '../support/serve-until-stopped.js';

const url = process.env.DJUST_IDEM_REDIS_URL;
const adapter = process.env.DJUST_IDEM_ADAPTER === 'fastify' ? 'fastify' : 'express';
if (!url) throw new Error('DJUST_IDEM_REDIS_URL is required');

/** Bound on one Redis command, ms: far longer than a busy machine's stall (only turns a hung Redis into an error). */
const REDIS_TIMEOUT_MS = 30_000;
const REDIS = Symbol('REDIS');

class ChargeDto {
  @IsString() order!: string;
}

@LiveView({ apiName: 'pay', authClasses: [WsTokenAuth] })
class PayView extends LiveViewBase {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    super();
  }

  /** Counts its runs across every process; the pause widens the window in which another process could run it too. */
  @EventHandler({ exposeApi: true, exposeMcp: true })
  async charge({ order }: ChargeDto) {
    const run = await this.redis.incr(`runs:${order}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { order, run, pid: process.pid };
  }
}

const redis = await connectTestRedis(url, { retryStrategy: () => 50, commandTimeout: REDIS_TIMEOUT_MS, connectTimeout: REDIS_TIMEOUT_MS });

@Module({
  imports: [DjustModule.forRoot({ authClasses: [WsTokenAuth], idempotency: { redis } })],
  providers: [WsTokenAuth, PayView, { provide: REDIS, useValue: redis }],
})
class IdempotencyAppModule {}

const running = await bootRateLimitApp(IdempotencyAppModule, adapter);
serveUntilStopped(running.url, async () => {
  await running.close();
  await closeTestRedis(redis);
});
