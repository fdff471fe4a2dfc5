/**
 * Counts open sockets per caller (`user:<id>`, else `ip:<address>`) for
 * `ws.maxSocketsPerCaller`. One instance per gateway; `max` 0 disables it.
 */
export class CallerSockets {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more socket for `caller`, unless it already holds `max`. */
  acquire(caller: string): boolean {
    const n = this.counts.get(caller) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.counts.set(caller, n + 1);
    return true;
  }

  /** Counts one socket less. */
  release(caller: string): void {
    const n = (this.counts.get(caller) ?? 1) - 1;
    if (n <= 0) this.counts.delete(caller);
    else this.counts.set(caller, n);
  }

  /** Open sockets of `caller`. */
  count(caller: string): number {
    return this.counts.get(caller) ?? 0;
  }
}
