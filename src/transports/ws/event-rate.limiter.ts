/**
 * A token bucket for one socket: bursts up to `perSecond` messages, refilled
 * at `perSecond` per second. `perSecond` 0 disables it. Reads the injected
 * clock, so tests drive it without sleeping.
 */
export class EventRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** Takes one token: `0` when allowed, else the milliseconds until one is available. */
  take(): number {
    if (this.perSecond <= 0) return 0;
    const now = this.now();
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.perSecond, this.tokens + (elapsed * this.perSecond) / 1000);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }
}
