import { Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis options that make a dead server surface as an immediate command error
 * (no offline queue, no per-request retries, one quick reconnect attempt policy),
 * which is what a rate limiter's failure policy needs to act on.
 */
export const FAIL_FAST_REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  retryStrategy: () => null,
  connectTimeout: 1000,
  commandTimeout: 1000,
};

/** Connects an ioredis client to `url` with {@link FAIL_FAST_REDIS_OPTIONS} and waits until it is ready. */
export async function connectTestRedis(url: string, overrides: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(url, { ...FAIL_FAST_REDIS_OPTIONS, lazyConnect: true, ...overrides });
  client.on('error', () => undefined); // errors surface on commands; avoid unhandled 'error' events
  await client.connect();
  return client;
}

/** Closes a client whatever its state (QUIT when connected, else disconnect). */
export async function closeTestRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
