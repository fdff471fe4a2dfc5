import type { DjustThrottlerStorage, ThrottlerStorageRecord } from './throttler-storage.interface.js';
import { packageRequire } from '../common/package-require.js';
import { isRedisScriptClient, RedisScript, type RedisScriptClient } from '../common/redis-script.js';

export type { RedisScriptClient } from '../common/redis-script.js';

/** Options of {@link RedisThrottlerStorage}. */
export interface RedisThrottlerStorageOptions {
  /** Prefix of every key written. Default `'djust:rl:'`. */
  keyPrefix?: string;
}

/** Options of {@link RedisThrottlerStorage.fromUrl}. */
export interface RedisThrottlerStorageUrlOptions extends RedisThrottlerStorageOptions {
  /**
   * Extra ioredis options, merged over fail-fast defaults
   * (`maxRetriesPerRequest: 1`, `commandTimeout: 1000`).
   */
  redisOptions?: Record<string, unknown>;
}

/** The Redis keys used for one bucket. */
export interface RedisThrottlerKeys {
  /** The window's hit counter (a string holding an integer, with a PTTL = rest of the window). */
  hits: string;
  /** Present while blocked (PTTL = rest of the block). */
  block: string;
}

/** Default {@link RedisThrottlerStorageOptions.keyPrefix}. */
export const DEFAULT_REDIS_THROTTLER_PREFIX = 'djust:rl:';

/**
 * KEYS[1] hits counter, KEYS[2] block marker; ARGV ttl ms, limit, blockDuration ms.
 * Returns { totalHits, ms to expire, blocked (0/1), ms to block expire }.
 * Atomic: concurrent callers on any number of processes see exact counts.
 */
const INCREMENT_SCRIPT = new RedisScript(`
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockDuration = tonumber(ARGV[3])
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  local frozen = tonumber(redis.call('GET', KEYS[2])) or (limit + 1)
  return { frozen, blockLeft, 1, blockLeft }
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if hits == 1 or left < 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  left = ttl
end
if hits > limit then
  local blockMs = blockDuration
  if blockMs <= 0 then blockMs = left end
  if blockMs < 1 then blockMs = 1 end
  redis.call('SET', KEYS[2], hits, 'PX', blockMs)
  redis.call('DEL', KEYS[1])
  return { hits, blockMs, 1, blockMs }
end
return { hits, left, 0, 0 }
`);

/**
 * `@nestjs/throttler` storage over Redis (ioredis), so that several processes share
 * the same buckets.
 *
 * Each `increment` is one atomic Lua script (EVALSHA, falling back to EVAL when the
 * script cache is empty): INCR the window counter, PEXPIRE it on the first hit, and
 * on the hit past `limit` set a block marker for `blockDuration` ms (or the rest of
 * the window when `blockDuration <= 0`) and drop the counter, so a fresh window
 * starts when the block ends. Blocked calls are not counted. Semantics match
 * {@link MemoryThrottlerStorage}; times come from Redis expiries (no clock skew
 * between processes).
 *
 * Keys are `<prefix>{<key>}` and `<prefix>{<key>}:block` — the hash tag keeps both
 * in one Redis Cluster slot. The throttler name is not part of the key.
 *
 * The client is the caller's: create it with fail-fast options (e.g.
 * `maxRetriesPerRequest: 1`, `commandTimeout`) so a Redis outage surfaces as an
 * error the rate limiter's failure policy can act on instead of a hung request.
 * ioredis is an optional peer dependency, only loaded by {@link fromUrl}.
 */
export class RedisThrottlerStorage implements DjustThrottlerStorage {
  private readonly keyPrefix: string;
  private ownsClient = false;

  /**
   * @param client an ioredis `Redis`/`Cluster` (or anything with `evalsha`/`eval`)
   * @param options key prefix
   */
  constructor(
    private readonly client: RedisScriptClient,
    options: RedisThrottlerStorageOptions = {},
  ) {
    if (!isRedisScriptClient(client)) {
      throw new Error('nestjs-djust: RedisThrottlerStorage needs an ioredis client (an object with evalsha() and eval())');
    }
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_THROTTLER_PREFIX;
  }

  /**
   * Creates a storage with its own ioredis client (dynamically imported; throws a
   * clear error when `ioredis` is not installed). The client is closed by
   * {@link close} / `onApplicationShutdown`.
   */
  static async fromUrl(url: string, options: RedisThrottlerStorageUrlOptions = {}): Promise<RedisThrottlerStorage> {
    let Redis: typeof import('ioredis').Redis;
    try {
      // require, not import(): ioredis is CommonJS, and Jest's CommonJS runtime has no import().
      ({ Redis } = packageRequire('ioredis') as typeof import('ioredis'));
    } catch (err) {
      throw new Error('nestjs-djust: RedisThrottlerStorage.fromUrl() needs the optional peer dependency "ioredis" (npm install ioredis)', { cause: err });
    }
    const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, ...options.redisOptions });
    const storage = new RedisThrottlerStorage(client as unknown as RedisScriptClient, { keyPrefix: options.keyPrefix });
    storage.ownsClient = true;
    return storage;
  }

  /** The Redis keys that hold `key`'s bucket (for inspection and tests). */
  keysFor(key: string): RedisThrottlerKeys {
    const hits = `${this.keyPrefix}{${key}}`;
    return { hits, block: `${hits}:block` };
  }

  /**
   * Records one hit for `key` and reports the window state.
   *
   * @param key bucket key
   * @param ttl window length, ms
   * @param limit hits allowed per window
   * @param blockDuration block length once over the limit, ms; `<= 0`: until the window ends
   * @param _throttlerName ignored (keys are unique per throttler)
   * @returns `timeToExpire` / `timeToBlockExpire` in whole seconds (rounded up), like the stock storage
   */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, _throttlerName?: string): Promise<ThrottlerStorageRecord> {
    const { hits, block } = this.keysFor(key);
    const reply = await INCREMENT_SCRIPT.run(this.client, [hits, block], [Math.max(1, Math.ceil(ttl)), Math.floor(limit), Math.max(0, Math.ceil(blockDuration))]);
    return toRecord(reply);
  }

  /** Closes the client if this storage created it ({@link fromUrl}); a client passed in is left to its owner. */
  async close(): Promise<void> {
    if (this.ownsClient && typeof this.client.quit === 'function') {
      this.ownsClient = false;
      await this.client.quit().catch(() => undefined);
    }
  }

  /** Nest lifecycle hook: {@link close}. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

function toRecord(reply: unknown): ThrottlerStorageRecord {
  if (!Array.isArray(reply) || reply.length !== 4) {
    throw new Error(`nestjs-djust: unexpected rate-limit script reply ${JSON.stringify(reply)}`);
  }
  const [totalHits, msToExpire, blocked, msToBlockExpire] = reply.map(Number);
  return {
    totalHits,
    timeToExpire: toSeconds(msToExpire),
    isBlocked: blocked === 1,
    timeToBlockExpire: toSeconds(msToBlockExpire),
  };
}

function toSeconds(ms: number): number {
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}
