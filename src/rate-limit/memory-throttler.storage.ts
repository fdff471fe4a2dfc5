import { BoundedMap } from '../common/bounded-map.js';
import type { DjustThrottlerStorage, ThrottlerStorageRecord } from './throttler-storage.interface.js';

/** Options of {@link MemoryThrottlerStorage}. */
export interface MemoryThrottlerStorageOptions {
  /**
   * Hard cap on the number of keys held. Inserting a new key at the cap evicts the
   * oldest one (oldest window start), so rotating caller identities cannot exhaust
   * memory. Default 100 000.
   */
  maxKeys?: number;
  /** Clock in epoch milliseconds; injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * One key's fixed-window counter. Constant size whatever the window length or the
 * number of hits: a count and two instants, never a list of hit timestamps.
 */
export interface MemoryWindowEntry {
  /** Hits counted in the current window (frozen while blocked). */
  count: number;
  /** End of the current window, epoch ms. */
  expiresAt: number;
  /** End of the current block, epoch ms; `0` when not blocked. */
  blockedUntil: number;
}

/** Default {@link MemoryThrottlerStorageOptions.maxKeys}. */
export const DEFAULT_MEMORY_THROTTLER_MAX_KEYS = 100_000;

/** Entries the sweeping hand inspects per `increment` call. */
const SWEEP_STEPS = 2;

/**
 * In-process `@nestjs/throttler` storage with O(1) cost per call and bounded memory.
 *
 * - Fixed-window counter per key (`{ count, expiresAt, blockedUntil }`): the cost of
 *   `increment` does not depend on the window length nor on the number of hits.
 * - Expired keys are swept incrementally: every call advances a persistent
 *   "clock hand" over the map by a couple of entries and drops the dead ones.
 *   No timers, nothing keeps the process alive.
 * - At most `maxKeys` keys: a new key at the cap evicts the oldest one.
 *
 * Semantics follow what `ThrottlerGuard` expects from its storage: the call that
 * takes `totalHits` past `limit` is blocked, and the key stays blocked for
 * `blockDuration` ms, or until the end of the window when `blockDuration <= 0`.
 * Blocked calls are not counted. When a block ends a fresh window starts.
 * `ttl` and `blockDuration` are in milliseconds; the returned `timeToExpire` and
 * `timeToBlockExpire` are in whole seconds (rounded up), like the stock storage.
 *
 * The throttler name is not part of the key: keys must already be unique per
 * throttler (the guard's key generator and nestjs-djust's buckets are).
 */
export class MemoryThrottlerStorage implements DjustThrottlerStorage {
  private readonly entries: BoundedMap<MemoryWindowEntry>;
  private readonly now: () => number;

  constructor(options: MemoryThrottlerStorageOptions = {}) {
    const maxKeys = options.maxKeys ?? DEFAULT_MEMORY_THROTTLER_MAX_KEYS;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new Error(`nestjs-djust: MemoryThrottlerStorage maxKeys must be a positive integer, got ${String(maxKeys)}`);
    }
    this.entries = new BoundedMap(maxKeys, isDead);
    this.now = options.now ?? Date.now;
  }

  /** Number of keys currently held (live or not yet swept). Never exceeds `maxKeys`. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Records one hit for `key` and reports the window state.
   *
   * @param key bucket key
   * @param ttl window length, ms
   * @param limit hits allowed per window
   * @param blockDuration block length once over the limit, ms; `<= 0`: until the window ends
   * @param _throttlerName ignored (keys are unique per throttler)
   */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, _throttlerName?: string): Promise<ThrottlerStorageRecord> {
    return this.hit(key, ttl, limit, blockDuration);
  }

  /** A read-only snapshot of one key's counter (diagnostics and tests); `undefined` when absent. */
  peek(key: string): Readonly<MemoryWindowEntry> | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : { ...entry };
  }

  /** Drops every key. */
  clear(): void {
    this.entries.clear();
  }

  /** Nest lifecycle hook: releases the keys. */
  onApplicationShutdown(): void {
    this.clear();
  }

  private hit(key: string, ttl: number, limit: number, blockDuration: number): ThrottlerStorageRecord {
    const now = this.now();
    const windowMs = ttl > 0 ? ttl : 1;
    this.entries.sweep(now, SWEEP_STEPS);

    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { count: 0, expiresAt: now + windowMs, blockedUntil: 0 };
      this.entries.set(key, entry);
    } else if (isDead(entry, now)) {
      // Window (or block) over: start a fresh window, and move the key to the back
      // so map order stays "oldest window start first" for eviction.
      entry.count = 0;
      entry.expiresAt = now + windowMs;
      entry.blockedUntil = 0;
      this.entries.set(key, entry);
    }

    if (entry.blockedUntil > now) {
      const blockLeft = toSeconds(entry.blockedUntil - now);
      return { totalHits: entry.count, timeToExpire: blockLeft, isBlocked: true, timeToBlockExpire: blockLeft };
    }

    entry.count += 1;
    if (entry.count > limit) {
      entry.blockedUntil = blockDuration > 0 ? now + blockDuration : entry.expiresAt;
      const blockLeft = toSeconds(entry.blockedUntil - now);
      return { totalHits: entry.count, timeToExpire: blockLeft, isBlocked: true, timeToBlockExpire: blockLeft };
    }
    return { totalHits: entry.count, timeToExpire: toSeconds(entry.expiresAt - now), isBlocked: false, timeToBlockExpire: 0 };
  }
}

/** A key is dead once its block (if any) is over, else once its window is over. */
function isDead(entry: MemoryWindowEntry, now: number): boolean {
  return entry.blockedUntil !== 0 ? entry.blockedUntil <= now : entry.expiresAt <= now;
}

/** Milliseconds to whole seconds, rounded up, never negative (the stock storage's unit). */
function toSeconds(ms: number): number {
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}
