/**
 * A standalone app process for the multi-process rate-limit test: the rate-limit
 * fixture over a RedisThrottlerStorage. Listens on 127.0.0.1:0 and prints
 * `LISTENING <port>` on stdout. Exits cleanly on SIGTERM or when stdin closes
 * (so it never outlives the test process).
 *
 * Environment: DJUST_RL_REDIS_URL (required), DJUST_RL_ADAPTER (`express` | `fastify`),
 * DJUST_RL_FAILURE (`open` | `closed`).
 */
import 'reflect-metadata';
import { RedisThrottlerStorage, type RedisScriptClient } from '../../src/rate-limit/redis-throttler.storage.js';
import { closeTestRedis, connectTestRedis } from '../support/redis-client.js';
import { serveUntilStopped } from '../support/serve-until-stopped.js';
import { bootRateLimitApp } from './rate-limit-app.js';
import { rateLimitModule } from './rate-limit.fixture.js';

const url = process.env.DJUST_RL_REDIS_URL;
const adapter = process.env.DJUST_RL_ADAPTER === 'fastify' ? 'fastify' : 'express';
const failure = process.env.DJUST_RL_FAILURE === 'open' ? 'open' : 'closed';
if (!url) throw new Error('DJUST_RL_REDIS_URL is required');

/**
 * Bound on one Redis command, and on connecting, ms. A dead Redis is seen at
 * once (connection closed or refused, no offline queue), so this only bounds a
 * Redis that hangs. It must be far longer than any stall of a busy machine: a
 * command that times out after Redis counted it turns into a storage failure,
 * so `'closed'` answers 503 for a hit the bucket did count (fewer than `limit`
 * allowed) and `'open'` lets through a call Redis refused (more). With the 1 s
 * of FAIL_FAST_REDIS_OPTIONS this made the exact-count tests flaky on a loaded
 * machine (issue 12.16).
 */
const REDIS_TIMEOUT_MS = 30_000;

// Fail fast while Redis is down (no offline queue), reconnect every 50 ms.
const client = await connectTestRedis(url, { retryStrategy: () => 50, commandTimeout: REDIS_TIMEOUT_MS, connectTimeout: REDIS_TIMEOUT_MS });
const running = await bootRateLimitApp(rateLimitModule({ storage: new RedisThrottlerStorage(client as unknown as RedisScriptClient), failure }), adapter);
serveUntilStopped(running.url, async () => {
  await running.close();
  await closeTestRedis(client);
});
