import type { DjustClock } from '../../src/common/clock.js';

/** A manually driven clock: `now()` and timers move only when the test says so. */
export interface FakeClock extends DjustClock {
  /** Current time, epoch ms (a bound function: pass it as a `now` option). */
  readonly now: () => number;
  /** Moves the clock forward by `ms`, firing the timers that fall due, in order. */
  advance(ms: number): void;
  /** Sets the clock to `ms` (firing the timers due by then). */
  set(ms: number): void;
  /** Timers scheduled and not yet fired or cleared. */
  readonly pendingTimers: number;
  /** Resolves once at least `count` timers are pending (at once if they already are). */
  whenPending(count?: number): Promise<void>;
}

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Creates a {@link FakeClock} starting at `start` (default 1 000 000 ms). */
export function createFakeClock(start = 1_000_000): FakeClock {
  let current = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const wake = (): void => {
    for (const w of [...waiters]) {
      if (timers.size < w.count) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const runDue = (): void => {
    for (;;) {
      const due = [...timers.values()].filter((t) => t.at <= current).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) return;
      timers.delete(due.id);
      due.fn();
    }
  };
  return {
    now: () => current,
    setTimeout(fn: () => void, ms: number) {
      const id = nextId++;
      timers.set(id, { id, at: current + Math.max(0, ms), fn });
      wake();
      return id;
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number);
    },
    advance(ms: number) {
      current += ms;
      runDue();
    },
    set(ms: number) {
      current = ms;
      runDue();
    },
    get pendingTimers() {
      return timers.size;
    },
    whenPending(count = 1) {
      if (timers.size >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
  };
}
