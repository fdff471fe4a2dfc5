import type { DjustErrorBody } from '../protocol/djust.exception.js';

/**
 * The answer kept for an idempotency key: what the call's first run answered,
 * transport-neutral and plain JSON (a Redis store keeps it as text).
 */
export type StoredOutcome =
  | {
      readonly ok: true;
      /** The handler's result as plain JSON. */
      readonly result: unknown;
      /** The assigns the first run changed (as its answer carried them). */
      readonly assigns: Record<string, unknown>;
      /** The 2xx status `apiResponse({ status })` asked for. */
      readonly status?: number;
    }
  | {
      readonly ok: false;
      /** The wire error of the first run (a 500, a 504, an `HttpException` the handler threw). */
      readonly error: DjustErrorBody;
    };

/**
 * What {@link DjustIdempotencyStore.claim} found:
 * - `claimed`: the key was free and is now this call's, until it
 *   {@link DjustIdempotencyStore.complete completes} or `lockTtl` runs out;
 * - `running`: another call holds it and has not finished;
 * - `done`: a call finished with it; `outcome` is its answer.
 * `fingerprint` identifies the params of the call that holds the key.
 */
export type IdempotencyClaim =
  | { readonly status: 'claimed'; readonly token: string }
  | { readonly status: 'running'; readonly fingerprint: string }
  | { readonly status: 'done'; readonly fingerprint: string; readonly outcome: StoredOutcome };

/**
 * Where idempotency keys and the answers they keep live. Keys arrive already
 * scoped (caller, view, handler, key) and hashed: short, opaque, safe in any
 * store. The claim must be atomic: of two calls that claim one free key at
 * once — in one process or in several sharing the store — exactly one gets
 * `claimed`. nestjs-djust ships {@link MemoryIdempotencyStore} (the default)
 * and {@link RedisIdempotencyStore}; implement this for another database.
 */
export interface DjustIdempotencyStore {
  /**
   * Takes `key` for a call whose params hash to `fingerprint`, unless it is
   * held or done. The hold ends by itself after `lockTtl` ms (a process that
   * died while running the handler frees it then).
   */
  claim(key: string, fingerprint: string, lockTtl: number): Promise<IdempotencyClaim>;
  /** Keeps `outcome` for `ttl` ms under `key`, if the claim `token` still holds it (or nobody does). */
  complete(key: string, token: string, fingerprint: string, outcome: StoredOutcome, ttl: number): Promise<void>;
  /** Frees `key` without keeping an answer, if the claim `token` still holds it. */
  release(key: string, token: string): Promise<void>;
}
