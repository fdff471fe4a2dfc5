import { Global, Injectable, Module, type CallHandler, type ExecutionContext, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import * as v from 'valibot';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { map, type Observable } from 'rxjs';
import { z } from 'zod';
import type { DjustClock } from '../../src/common/clock.js';
import { DJUST_CLOCK } from '../../src/djust.internal-constants.js';
import {
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  PermissionRequired,
  type DjustErrorContext,
  type DjustModuleOptions,
} from '../../src/index.js';
import { TestTokenAuth } from '../support/token-auth.js';

/** What `onError` received, in order. */
export interface ReportedError {
  readonly error: unknown;
  readonly context: DjustErrorContext;
}

/** One interceptor visit: what its `ExecutionContext` said. */
export interface InterceptorVisit {
  readonly type: string;
  readonly viewClass: string;
  readonly handler: string;
  readonly sameHandler: boolean;
}

/** Shared, to see what the interceptors and `onError` saw. */
@Injectable()
export class ObservabilityLedger {
  readonly reported: ReportedError[] = [];
  readonly visits: InterceptorVisit[] = [];
}

/** A view-level interceptor: records its context, times the handler, and tags the result. */
@Injectable()
export class TimingInterceptor implements NestInterceptor {
  constructor(private readonly ledger: ObservabilityLedger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = process.hrtime.bigint();
    this.ledger.visits.push({
      type: context.getType(),
      viewClass: context.getClass().name,
      handler: context.getHandler().name,
      sameHandler: context.getHandler() === (ObservedView.prototype as unknown as Record<string, unknown>)[context.getHandler().name],
    });
    return next.handle().pipe(
      map((result) =>
        result !== null && typeof result === 'object' && !Array.isArray(result) ? { ...result, timedNs: Number(process.hrtime.bigint() - started) >= 0 } : result,
      ),
    );
  }
}

/** A handler-level interceptor that maps the result (runs inside the view's). */
export class UpperInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((result) => ({ ...(result as object), word: String((result as { word: string }).word).toUpperCase() })));
  }
}

/** The Standard Schema parameters of `zod_ship` (coercion and a nested array). */
export const ZodShip = z.object({
  order_id: z.coerce.number().int().min(1),
  lines: z.array(z.object({ sku: z.string(), qty: z.number().int().min(1) })).optional(),
});

/** The same with Valibot, wrapped for its JSON Schema (Standard JSON Schema). */
export const ValibotShip = toStandardJsonSchema(
  v.object({
    order_id: v.pipe(v.union([v.number(), v.string()]), v.transform(Number), v.number(), v.integer(), v.minValue(1)),
    lines: v.optional(v.array(v.object({ sku: v.string(), qty: v.pipe(v.number(), v.integer(), v.minValue(1)) }))),
  }),
);

/** Resolves a handler's gate (a handler that hangs until the clock times it out). */
export const HANG = new Promise<never>(() => undefined);

@LiveView({ apiName: 'obs', authClasses: [TestTokenAuth] })
@UseInterceptors(TimingInterceptor)
export class ObservedView extends LiveViewBase {
  count = 0;

  @EventHandler({ exposeApi: true, exposeMcp: true })
  ok() {
    this.count++;
    return { ok: true };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @UseInterceptors(UpperInterceptor)
  mapped() {
    return { word: 'quiet', transport: this.transport };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  boom(): never {
    throw new Error('obs-secret-detail');
  }

  @EventHandler({ exposeApi: true })
  cyclic() {
    const a: Record<string, unknown> = {};
    a.self = a;
    return a;
  }

  @EventHandler({ exposeApi: true })
  hang(): Promise<never> {
    return HANG;
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @PermissionRequired('nobody.has.this')
  denied() {
    return 'never';
  }

  @EventHandler({ exposeApi: true, exposeMcp: true, params: ZodShip })
  zod_ship(input: z.output<typeof ZodShip>) {
    return { order_id: input.order_id, lines: input.lines?.length ?? 0, type: typeof input.order_id };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true, params: ValibotShip })
  valibot_ship(input: { order_id: number; lines?: { sku: string; qty: number }[] }) {
    return { order_id: input.order_id, lines: input.lines?.length ?? 0, type: typeof input.order_id };
  }
}

/** The app: token auth, the view, `onError` into the ledger, a handler timeout on the given clock. */
export function observabilityModule(ledger: ObservabilityLedger, clock: DjustClock, options: DjustModuleOptions = {}) {
  @Global()
  @Module({ providers: [{ provide: DJUST_CLOCK, useValue: clock }, { provide: ObservabilityLedger, useValue: ledger }], exports: [DJUST_CLOCK, ObservabilityLedger] })
  class ObservabilityGlobals {}

  @Module({
    imports: [
      ObservabilityGlobals,
      DjustModule.forRoot({
        authClasses: [TestTokenAuth],
        handlerTimeout: 1000,
        onError: (error, context) => void ledger.reported.push({ error, context }),
        ...options,
      }),
    ],
    providers: [TestTokenAuth, TimingInterceptor, ObservedView],
  })
  class ObservabilityModule {}
  return ObservabilityModule;
}
