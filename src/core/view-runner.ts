import { Inject, Injectable, Logger, Optional, type CallHandler, type NestInterceptor } from '@nestjs/common';
import { defer, from, lastValueFrom, mergeAll, type Observable } from 'rxjs';
import { DjustExecutionContext, type DjustGuardTarget } from '../auth/djust-execution-context.js';
import { SYSTEM_CLOCK, type DjustClock } from '../common/clock.js';
import { DJUST_CLOCK, DJUST_RESOLVED_OPTIONS, VIEW_CONTEXT } from '../djust.internal-constants.js';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import type { LiveViewBase, ViewContext } from '../live-view.base.js';
import type { CallContext } from '../protocol/call-context.js';
import { handlerTimeout } from '../protocol/wire-errors.js';
import type { ResolvedDjustOptions } from './resolved-options.js';

/** Who a handler runs for: what its interceptors' `ExecutionContext` tells them. */
export interface InvocationContext {
  readonly caller: CallContext;
  readonly user: unknown;
  /** The transport's message (`switchToWs().getData()`). */
  readonly data: unknown;
}

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
  private readonly targets = new WeakMap<HandlerRecord, DjustGuardTarget>();

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

  /**
   * Runs a handler with its validated argument (none for a parameterless
   * handler), inside its `@UseInterceptors()` — the view's, then the method's,
   * as Nest orders them — with an `ExecutionContext` whose `getType()` is the
   * transport. The timeout bounds the whole chain.
   */
  invoke(record: ViewRecord, handler: HandlerRecord, view: LiveViewBase, arg: unknown, context: InvocationContext): Promise<unknown> {
    const run = () => (handler.arity === 0 ? handler.method.call(view) : handler.method.call(view, arg));
    if (handler.interceptors.length === 0) return this.bounded(record, handler.name, run);
    const execution = new DjustExecutionContext(context.caller, context.user, this.target(record, handler), context.data);
    return this.bounded(record, handler.name, () => intercept(handler.interceptors, execution, run));
  }

  private target(record: ViewRecord, handler: HandlerRecord): DjustGuardTarget {
    let target = this.targets.get(handler);
    if (!target) this.targets.set(handler, (target = { viewClass: record.viewClass, handler: handler.method, pattern: handler.name }));
    return target;
  }

  /** Runs view code, rejecting with 504 when it outlives `handlerTimeout` (0: no bound, and no extra async step). */
  private bounded<T>(record: ViewRecord, what: string, fn: () => T | Promise<T>): Promise<T> {
    const timeout = this.options.handlerTimeout;
    if (timeout) return this.race(record, what, fn, timeout);
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private async race<T>(record: ViewRecord, what: string, fn: () => T | Promise<T>, timeout: number): Promise<T> {
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

/**
 * Nest's interceptor chain: each `intercept(context, next)` wraps the next
 * one, the last `next.handle()` runs the handler; the value the outermost
 * Observable emits last is the result (`undefined` if it emits none).
 */
function intercept(interceptors: readonly NestInterceptor[], context: DjustExecutionContext, run: () => unknown): Promise<unknown> {
  const innermost: CallHandler = { handle: () => defer(() => from(Promise.resolve().then(run))) };
  const chain = interceptors.reduceRight<CallHandler>(
    (next, interceptor) => ({
      handle: () => defer(() => from(Promise.resolve(interceptor.intercept(context, next)) as Promise<Observable<unknown>>)).pipe(mergeAll()),
    }),
    innermost,
  );
  return lastValueFrom(chain.handle(), { defaultValue: undefined });
}
