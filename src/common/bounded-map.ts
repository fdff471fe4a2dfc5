/**
 * A `Map` with a hard cap on its size and an incremental sweep of dead
 * entries, for per-caller state that must stay bounded whatever callers do
 * (rate-limit windows, idempotency keys). Every operation is O(1): no timers,
 * no full scans; nothing keeps the process alive.
 *
 * Entries are kept oldest first (a {@link set} moves its key to the back). A
 * new key at the cap evicts the oldest one; {@link sweep} advances a
 * persistent hand over the entries by a few steps and drops the dead ones.
 */
export class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  /** Persistent iterator at the head of `entries` (oldest first) for evictions. */
  private evictCursor: Iterator<string> | undefined;
  /** Persistent round-robin iterator for the incremental sweep. */
  private sweepCursor: Iterator<[string, V]> | undefined;

  /**
   * @param maxEntries the cap (a positive integer)
   * @param isDead whether an entry may be dropped at `now`
   */
  constructor(
    readonly maxEntries: number,
    private readonly isDead: (value: V, now: number) => boolean,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }

  /** Entries held (live or not yet swept); never more than `maxEntries`. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Sets `key` as the newest entry; a new key at the cap first evicts the oldest. */
  set(key: string, value: V): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else this.makeRoom();
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.evictCursor = undefined;
    this.sweepCursor = undefined;
  }

  /** Looks at the next `steps` entries (round robin) and drops the dead ones. */
  sweep(now: number, steps = 2): void {
    if (this.entries.size === 0) return;
    for (let step = 0; step < steps; step++) {
      let next = this.sweepCursor?.next();
      if (next === undefined || next.done) {
        this.sweepCursor = this.entries.entries();
        next = this.sweepCursor.next();
        if (next.done) return;
      }
      const [key, value] = next.value;
      if (this.isDead(value, now)) this.entries.delete(key);
    }
  }

  private makeRoom(): void {
    while (this.entries.size >= this.maxEntries) {
      let next = this.evictCursor?.next();
      if (next === undefined || next.done) {
        // A finished Map iterator stays finished: start a new one at the head.
        this.evictCursor = this.entries.keys();
        next = this.evictCursor.next();
        if (next.done) return;
      }
      this.entries.delete(next.value);
    }
  }
}
