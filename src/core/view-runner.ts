import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SYSTEM_CLOCK, type DjustClock } from '../common/clock.js';
import { DJUST_CLOCK, DJUST_RESOLVED_OPTIONS, VIEW_CONTEXT } from '../djust.internal-constants.js';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import type { LiveViewBase, ViewContext } from '../live-view.base.js';
import { handlerTimeout } from '../protocol/wire-errors.js';
import type { ResolvedDjustOptions } from './resolved-options.js';

/**
 * Runs a view's own code — `mount`/`apiMount` and handlers — for the core:
 * attaches the call's context to the instance, and bounds each run by
 * `handlerTimeout` on the injected clock (504 `handler_timeout` beyond; the
 * run itself cannot be cancelled and finishes in the background).
 */
@Injectable()
export class ViewRunner {
  private readonly logger = new Logger('Djust');
  private readonly clock: DjustClock;

  constructor(
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
    @Optional() @Inject(DJUST_CLOCK) clock?: DjustClock,
  ) {
    this.clock = clock ?? SYSTEM_CLOCK;
  }

  /** Gives the instance its call context (`this.user`, `this.transport`, `this.httpRequest`, push). */
  attach(view: LiveViewBase, context: ViewContext): void {
    (view as unknown as Record<symbol, ViewContext>)[VIEW_CONTEXT] = context;
  }

  /** The context attached to an instance, if any. */
  context(view: LiveViewBase): ViewContext | undefined {
    return (view as unknown as Record<symbol, ViewContext | undefined>)[VIEW_CONTEXT];
  }

  /** Runs `apiMount(params)` (when `api` and the view defines it) or `mount(params)` (when defined). */
  mount(record: ViewRecord, view: LiveViewBase, params: Record<string, unknown>, api: boolean): Promise<unknown> {
    const target = view as unknown as { mount?: (p: unknown) => unknown; apiMount?: (p: unknown) => unknown };
    if (api && record.hasApiMount) return this.bounded(record, 'apiMount', () => target.apiMount!(params));
    if (typeof target.mount !== 'function') return Promise.resolve(undefined);
    return this.bounded(record, 'mount', () => target.mount!(params));
  }

  /** Runs a handler with its validated argument (none for a parameterless handler). */
  invoke(record: ViewRecord, handler: HandlerRecord, view: LiveViewBase, arg: unknown): Promise<unknown> {
    return this.bounded(record, handler.name, () => (handler.arity === 0 ? handler.method.call(view) : handler.method.call(view, arg)));
  }

  /** Runs view code, rejecting with 504 when it outlives `handlerTimeout` (0: no bound). */
  private async bounded<T>(record: ViewRecord, what: string, fn: () => T | Promise<T>): Promise<T> {
    const timeout = this.options.handlerTimeout;
    if (!timeout) return await fn();
    let timer: unknown;
    try {
      return await Promise.race([
        Promise.resolve().then(fn),
        new Promise<never>((_, reject) => {
          timer = this.clock.setTimeout(() => {
            this.logger.error(`${record.slug}.${what} timed out after ${timeout} ms`);
            reject(handlerTimeout());
          }, timeout);
        }),
      ]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }
}
