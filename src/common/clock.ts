/**
 * The time source of everything time-based in the library: per-socket rate
 * limits, session checks, the handler timeout. The default is the real clock;
 * tests inject a fake one (`DJUST_CLOCK`) and drive time without sleeping.
 */
export interface DjustClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` after `ms` (a handle for {@link clearTimeout}). */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a {@link setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/** The real clock. Timers are `unref`ed: a pending timeout never keeps the process alive. */
export const SYSTEM_CLOCK: DjustClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
});
