import { Global, Inject, Module } from '@nestjs/common';
import type { DjustClock } from '../../../src/common/clock.js';
import { DJUST_CLOCK } from '../../../src/djust.internal-constants.js';
import { DjustModule, EventHandler, LiveView, LiveViewBase, RateLimit, type DjustModuleOptions } from '../../../src/index.js';
import { TestTokenAuth } from '../../support/token-auth.js';

/**
 * A test-controlled gate: a handler calls `enter(name)`, which resolves the
 * test's `entered(name)` promise and then waits until the test calls
 * `release(name)`. No timers, no sleeps.
 */
export class Gate {
  private readonly waiting = new Map<string, { entered: Promise<void>; signal: () => void; released: Promise<void>; release: () => void }>();
  /** How many times a view's `unmount()` hook ran. */
  unmounted = 0;
  /** How many gated runs got past their gate. */
  completed = 0;
  private readonly unmountWaiters: { n: number; resolve: () => void }[] = [];

  private slot(name: string) {
    let slot = this.waiting.get(name);
    if (!slot) {
      let signal!: () => void;
      let release!: () => void;
      const entered = new Promise<void>((r) => (signal = r));
      const released = new Promise<void>((r) => (release = r));
      slot = { entered, signal, released, release };
      this.waiting.set(name, slot);
    }
    return slot;
  }

  /** Called by view code: signals arrival, then waits for the test. */
  async enter(name: string): Promise<void> {
    const slot = this.slot(name);
    slot.signal();
    await slot.released;
    this.completed++;
  }

  /** Resolves when view code reached `enter(name)`. */
  entered(name: string): Promise<void> {
    return this.slot(name).entered;
  }

  /** Lets view code waiting at `name` continue. */
  release(name: string): void {
    this.slot(name).release();
  }

  /** Called by `SlowView.unmount()`. */
  noteUnmount(): void {
    this.unmounted++;
    for (const w of this.unmountWaiters.filter((x) => this.unmounted >= x.n)) w.resolve();
  }

  /** Resolves once `unmount()` ran `n` times in total. */
  untilUnmounted(n: number): Promise<void> {
    if (this.unmounted >= n) return Promise.resolve();
    return new Promise((resolve) => this.unmountWaiters.push({ n, resolve }));
  }
}

/** DI token of the {@link Gate}. */
export const GATE = Symbol('hardening:gate');

/** Handlers that hang or wait on the gate; mount can be gated too. */
@LiveView({ apiName: 'slow' })
export class SlowView extends LiveViewBase {
  step = 'idle';
  counter = 0;

  constructor(@Inject(GATE) private readonly gate: Gate) {
    super();
  }

  async mount(params: Record<string, unknown>): Promise<void> {
    if (typeof params.gate === 'string') await this.gate.enter(params.gate);
    if (params.hang === true) await new Promise<never>(() => undefined);
  }

  /** Never settles (for the handler timeout). */
  @EventHandler({ exposeApi: true })
  hang(): Promise<never> {
    this.step = 'hanging';
    return new Promise<never>(() => undefined);
  }

  /** Waits on the gate named `slow` (for client disconnects mid-call). */
  @EventHandler({ exposeApi: true })
  async slow(): Promise<{ done: true }> {
    this.step = 'started';
    await this.gate.enter('slow');
    this.step = 'done';
    return { done: true };
  }

  @EventHandler({ exposeApi: true })
  bump(): number {
    return ++this.counter;
  }

  unmount(): void {
    this.gate.noteUnmount();
  }
}

/** A rate-limited handler (for the throttler storage failing). */
@LiveView({ apiName: 'limited' })
export class LimitedView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: 1000, ttl: 60_000 })
  ping(): string {
    return 'pong';
  }

  /** Not rate limited: never touches the throttler storage. */
  @EventHandler({ exposeApi: true })
  free(): string {
    return 'free';
  }
}

/** The module of the fault and limit scenarios: token auth, the views above. */
export function hardeningModule(options: DjustModuleOptions = {}, gate: Gate = new Gate(), clock?: DjustClock) {
  const clockProviders = clock ? [{ provide: DJUST_CLOCK, useValue: clock }] : [];

  @Global()
  @Module({ providers: clockProviders, exports: clockProviders.map((p) => p.provide) })
  class HardeningClockModule {}

  @Module({
    imports: [HardeningClockModule, DjustModule.forRoot({ authClasses: [TestTokenAuth], ...options })],
    providers: [TestTokenAuth, { provide: GATE, useValue: gate }, SlowView, LimitedView],
  })
  class HardeningTestModule {}
  return HardeningTestModule;
}
