/** A manually driven clock for code that takes a `now: () => number` option. */
export interface FakeClock {
  /** Current time, epoch ms. Pass as `now`. */
  readonly now: () => number;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** Sets the clock to `ms`. */
  set(ms: number): void;
}

/** Creates a {@link FakeClock} starting at `start` (default 1 000 000 ms). */
export function createFakeClock(start = 1_000_000): FakeClock {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
    set(ms: number) {
      current = ms;
    },
  };
}
