import { randomUUID } from 'node:crypto';
import { isRedisScriptClient, RedisScript, type RedisScriptClient } from '../common/redis-script.js';
import type { DjustIdempotencyStore, IdempotencyClaim, StoredOutcome } from './idempotency-store.interface.js';

/** Options of {@link RedisIdempotencyStore}. */
export interface RedisIdempotencyStoreOptions {
  /** Prefix of every key written. Default `'djust:idem:'`. */
  keyPrefix?: string;
}

/** Default {@link RedisIdempotencyStoreOptions.keyPrefix}. */
export const DEFAULT_REDIS_IDEMPOTENCY_PREFIX = 'djust:idem:';

/** KEYS[1] the key; ARGV the running value, the hold in ms. Returns nil when claimed, else the value found. */
const CLAIM = new RedisScript(`
local found = redis.call('GET', KEYS[1])
if found then return found end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`);

/** KEYS[1] the key; ARGV the done value, its ttl in ms, the claim's running value. Keeps the answer unless another call holds the key. */
const COMPLETE = new RedisScript(`
local found = redis.call('GET', KEYS[1])
if found and found ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/** KEYS[1] the key; ARGV the claim's running value. Deletes the key if the claim still holds it. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`);

/**
 * Idempotency keys in Redis (ioredis), shared by every process of the app:
 * `forRoot({ idempotency: { redis } })`. Each operation is one atomic Lua
 * script, so of two processes that claim a free key at once exactly one runs
 * the handler. A key holds `R|<token>|<fingerprint>` while its call runs
 * (expiring after `lockTtl`, so a process that died frees it) and
 * `D|<fingerprint>|<answer JSON>` once done (expiring after `ttl`).
 *
 * The client is the app's: give it fail-fast options (`maxRetriesPerRequest: 1`,
 * `commandTimeout`), so an outage answers 503 quickly instead of hanging.
 */
export class RedisIdempotencyStore implements DjustIdempotencyStore {
  private readonly keyPrefix: string;

  /**
   * @param client an ioredis `Redis`/`Cluster` (or anything with `evalsha`/`eval`)
   * @param options key prefix
   */
  constructor(
    private readonly client: RedisScriptClient,
    options: RedisIdempotencyStoreOptions = {},
  ) {
    if (!isRedisScriptClient(client)) throw new Error('nestjs-djust: RedisIdempotencyStore needs an ioredis client (an object with evalsha() and eval())');
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_IDEMPOTENCY_PREFIX;
  }

  /** The Redis key that holds `key` (for inspection and tests). */
  redisKey(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  /** The claim's token is `<uuid>|<fingerprint>`: the running value is `R|<token>`, so complete and release compare it whole. */
  async claim(key: string, fingerprint: string, lockTtl: number): Promise<IdempotencyClaim> {
    const token = `${randomUUID()}|${fingerprint}`;
    const found = await CLAIM.run(this.client, [this.redisKey(key)], [`R|${token}`, Math.max(1, Math.ceil(lockTtl))]);
    if (found === null || found === undefined) return { status: 'claimed', token };
    return parse(String(found));
  }

  async complete(key: string, token: string, fingerprint: string, outcome: StoredOutcome, ttl: number): Promise<void> {
    const done = `D|${fingerprint}|${JSON.stringify(outcome)}`;
    await COMPLETE.run(this.client, [this.redisKey(key)], [done, Math.max(1, Math.ceil(ttl)), `R|${token}`]);
  }

  async release(key: string, token: string): Promise<void> {
    await RELEASE.run(this.client, [this.redisKey(key)], [`R|${token}`]);
  }
}

/** A value found at claim time: a running call's fingerprint, or a done one's answer. */
function parse(value: string): IdempotencyClaim {
  const [state, second, third] = splitValue(value);
  if (state === 'R') return { status: 'running', fingerprint: third };
  if (state === 'D') return { status: 'done', fingerprint: second, outcome: JSON.parse(third) as StoredOutcome };
  throw new Error(`nestjs-djust: unexpected idempotency value in Redis (${value.slice(0, 20)}…)`);
}

/** `X|a|rest` → `['X', 'a', 'rest']` (the rest may hold `|`). */
function splitValue(value: string): [string, string, string] {
  const first = value.indexOf('|');
  const second = value.indexOf('|', first + 1);
  return [value.slice(0, first), value.slice(first + 1, second), value.slice(second + 1)];
}
