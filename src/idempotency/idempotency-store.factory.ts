import type { DjustClock } from '../common/clock.js';
import type { RedisScriptClient } from '../common/redis-script.js';
import type { DjustIdempotencyStore } from './idempotency-store.interface.js';
import { MemoryIdempotencyStore } from './memory-idempotency.store.js';
import { RedisIdempotencyStore } from './redis-idempotency.store.js';

/** The store the options ask for: `store`, else Redis on `redis`, else memory (`maxEntries`, on `clock`). */
export function idempotencyStoreFor(
  options: { readonly store?: DjustIdempotencyStore; readonly redis?: RedisScriptClient; readonly maxEntries?: number },
  clock?: DjustClock,
): DjustIdempotencyStore {
  if (options.store) return options.store;
  if (options.redis) return new RedisIdempotencyStore(options.redis);
  return new MemoryIdempotencyStore({ maxEntries: options.maxEntries, clock });
}
