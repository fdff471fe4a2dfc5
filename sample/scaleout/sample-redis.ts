import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { RedisStore } from 'connect-redis';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisIdempotencyStore, RedisThrottlerStorage } from '../../src/index.js';

/**
 * Bound on one Redis command and on connecting, ms. A dead Redis is seen at
 * once (no offline queue: the connection is closed or refused), so this only
 * bounds a Redis that hangs. It is far above any stall of a busy machine: a
 * rate-limit command that timed out may still have counted (see the README's
 * Rate limiting section).
 */
const REDIS_TIMEOUT_MS = 10_000;

/**
 * Every client fails fast while Redis is away instead of queueing: a session
 * read fails (the request gets a 500), a rate-limit check applies
 * `rateLimitFailure`, a publication to the other processes is dropped (the
 * adapter catches and logs it; this process's own views still get it). Each
 * client reconnects by itself, forever, and the adapter's subscriber
 * subscribes again.
 */
const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: REDIS_TIMEOUT_MS,
  connectTimeout: REDIS_TIMEOUT_MS,
  retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
};

/** Key and channel prefix of everything the sample writes to Redis. */
export const SAMPLE_REDIS_PREFIX = 'djust-sample:';

/**
 * The sample's Redis connections when `REDIS_URL` is set: one for commands
 * (sessions, rate-limit buckets, idempotency keys) and two for the socket.io adapter
 * (publish, subscribe). `close()` ends all three; the app calls it when it
 * shuts down, after socket.io and the HTTP server closed.
 */
export class SampleRedis implements OnApplicationShutdown {
  private readonly logger = new Logger('SampleRedis');
  private closed = false;

  private constructor(
    /** Sessions (connect-redis), rate-limit buckets (RedisThrottlerStorage) and idempotency keys (RedisIdempotencyStore). */
    readonly commands: Redis,
    /** The socket.io adapter's publisher. */
    readonly pub: Redis,
    /** The socket.io adapter's subscriber. */
    readonly sub: Redis,
  ) {
    for (const [name, client] of Object.entries({ commands, pub, sub })) this.logOutages(name, client);
  }

  /** Connects the three clients; rejects (and closes what it opened) when Redis does not answer. */
  static async connect(url: string): Promise<SampleRedis> {
    const clients = [0, 1, 2].map(() => new Redis(url, CLIENT_OPTIONS));
    const redis = new SampleRedis(clients[0], clients[1], clients[2]);
    try {
      await Promise.all(clients.map((c) => c.connect()));
    } catch (err) {
      await redis.close();
      throw new Error(`could not connect to Redis at ${describeUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return redis;
  }

  /** express-session's store: every process reads and writes the same sessions. */
  sessionStore(): RedisStore {
    return new RedisStore({ client: this.commands, prefix: `${SAMPLE_REDIS_PREFIX}sess:` });
  }

  /** One rate-limit bucket per (view, handler, caller) across every process. */
  throttlerStorage(): RedisThrottlerStorage {
    return new RedisThrottlerStorage(this.commands, { keyPrefix: `${SAMPLE_REDIS_PREFIX}rl:` });
  }

  /** Idempotency keys (event ids, `Idempotency-Key`) for every process: an event the client resends after a failover runs once. */
  idempotencyStore(): RedisIdempotencyStore {
    return new RedisIdempotencyStore(this.commands, { keyPrefix: `${SAMPLE_REDIS_PREFIX}idem:` });
  }

  /**
   * The socket.io adapter: `@socket.io/redis-adapter`'s sharded adapter
   * (Redis ≥ 7, SPUBLISH/SSUBSCRIBE). It catches a failed publish, where the
   * classic `createAdapter` lets the rejection go unhandled and the process
   * dies while Redis is down. `static` subscribes to its two channels once,
   * when the namespace is created, never per room.
   */
  ioAdapter(): ReturnType<typeof createShardedAdapter> {
    return createShardedAdapter(this.pub, this.sub, { channelPrefix: `${SAMPLE_REDIS_PREFIX}io`, subscriptionMode: 'static' });
  }

  /** Closes the three clients: QUIT, and the connection ended, when connected; else stops reconnecting. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [this.commands, this.pub, this.sub].map(async (client) => {
        if (client.status !== 'ready') return client.disconnect(); // also stops its reconnection attempts
        const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
        try {
          await client.quit(); // Redis answered OK: the connection ends next
        } catch {
          return client.disconnect();
        }
        await ended;
      }),
    );
  }

  /** Nest calls it on `app.close()`, after socket.io and the HTTP server closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** One warning when a client loses Redis and one line when it is back (not one per reconnect attempt). */
  private logOutages(name: string, client: Redis): void {
    let down = false;
    client.on('error', (err: Error) => {
      if (down || this.closed) return;
      down = true;
      this.logger.warn(`Redis (${name}) is unreachable, retrying: ${err.message}`);
    });
    client.on('ready', () => {
      if (!down) return;
      down = false;
      this.logger.log(`Redis (${name}) is back`);
    });
  }
}

/** `host:port` of a Redis URL, without credentials. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return '(REDIS_URL)';
  }
}
