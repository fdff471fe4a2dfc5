import { randomUUID } from 'node:crypto';
import { BoundedMap } from '../common/bounded-map.js';
import { SYSTEM_CLOCK, type DjustClock } from '../common/clock.js';
import type { DjustIdempotencyStore, IdempotencyClaim, StoredOutcome } from './idempotency-store.interface.js';

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * Most keys held. A new key at the cap drops the oldest one (its answer is
   * forgotten: a retry with it would run again), so callers sending fresh
   * keys cannot exhaust memory. Default 100 000.
   */
  maxEntries?: number;
  /** The clock (epoch ms). Default: the real one. */
  clock?: Pick<DjustClock, 'now'>;
}

/** Default {@link MemoryIdempotencyStoreOptions.maxEntries}. */
export const DEFAULT_IDEMPOTENCY_MAX_ENTRIES = 100_000;

interface Entry {
  /** The claim's token while running; `undefined` once done. */
  token: string | undefined;
  fingerprint: string;
  outcome: StoredOutcome | undefined;
  /** End of the hold (running) or of the kept answer (done), epoch ms. */
  expiresAt: number;
}

/**
 * The default idempotency store: in this process's memory, bounded
 * (`maxEntries`, oldest dropped first), every operation O(1), expired keys
 * swept a few at a time — no timers. A claim is atomic because it runs
 * without yielding. One process only: behind several, use
 * {@link RedisIdempotencyStore} (`forRoot({ idempotency: { redis } })`).
 */
export class MemoryIdempotencyStore implements DjustIdempotencyStore {
  private readonly entries: BoundedMap<Entry>;
  private readonly clock: Pick<DjustClock, 'now'>;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_IDEMPOTENCY_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new Error(`nestjs-djust: MemoryIdempotencyStore maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    this.entries = new BoundedMap(maxEntries, (entry, now) => entry.expiresAt <= now);
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** Keys held (live or not yet swept); never more than `maxEntries`. */
  get size(): number {
    return this.entries.size;
  }

  async claim(key: string, fingerprint: string, lockTtl: number): Promise<IdempotencyClaim> {
    const now = this.clock.now();
    this.entries.sweep(now);
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > now) {
      return entry.outcome === undefined ? { status: 'running', fingerprint: entry.fingerprint } : { status: 'done', fingerprint: entry.fingerprint, outcome: entry.outcome };
    }
    const token = randomUUID();
    this.entries.set(key, { token, fingerprint, outcome: undefined, expiresAt: now + lockTtl });
    return { status: 'claimed', token };
  }

  async complete(key: string, token: string, fingerprint: string, outcome: StoredOutcome, ttl: number): Promise<void> {
    const now = this.clock.now();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.outcome === undefined && entry.token === token) {
      // Still ours (the usual case): keep the answer in place.
      entry.token = undefined;
      entry.outcome = outcome;
      entry.expiresAt = now + ttl;
      return;
    }
    if (entry !== undefined && entry.expiresAt > now) return; // another call holds the key now
    this.entries.set(key, { token: undefined, fingerprint, outcome, expiresAt: now + ttl });
  }

  async release(key: string, token: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.outcome === undefined && entry.token === token) this.entries.delete(key);
  }

  /** Drops every key. */
  clear(): void {
    this.entries.clear();
  }
}
