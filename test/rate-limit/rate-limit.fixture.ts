import { Injectable, Module } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { IsInt, IsString } from 'class-validator';
import { DjustModule, EventHandler, LiveView, LiveViewBase, RateLimit, type DjustAuth, type DjustModuleOptions } from '../../src/index.js';
import { TestTokenAuth } from '../support/token-auth.js';

/** Counts handler executions, so a test can prove a refused call never ran the handler. */
@Injectable()
export class HandlerRuns {
  private readonly runs = new Map<string, number>();

  /** Records one run of `name` (`<slug>.<handler>`). */
  hit(name: string): void {
    this.runs.set(name, (this.runs.get(name) ?? 0) + 1);
  }

  /** Runs of `name` so far. */
  count(name: string): number {
    return this.runs.get(name) ?? 0;
  }
}

/**
 * An auth class that accepts `X-Api-Key: public` with a principal that has no user id,
 * so the caller's rate-limit identity falls back to the client IP (over HTTP an
 * unauthenticated call is always 401, so this is how an IP-keyed caller reaches a handler).
 */
@Injectable()
export class PublicKeyAuth implements DjustAuth {
  static csrfExempt = true;

  authenticate(req: { headers: Record<string, string | string[] | undefined> }): { scope: string } | null {
    return req.headers['x-api-key'] === 'public' ? { scope: 'public' } : null;
  }
}

export class OrderIdDto {
  @IsInt() order_id!: number;
}

export class RunCountDto {
  @IsString() name!: string;
}

export class StatusDto {
  @IsInt() order_id!: number;
  @IsString() status!: string;
}

/** `order.export_csv`'s limit: large enough for a concurrency test to mean something. */
export const EXPORT_LIMIT = 50;
/**
 * `order.export_csv`'s window, ms: an hour, far longer than any test may run
 * (node's test timeout is 2 min), so a burst can never straddle two windows
 * however slow the machine is.
 */
export const EXPORT_TTL = 3_600_000;
/** Handler limit of the `order` and `invoice` views. */
export const REFUND_LIMIT = 3;
/** Window of the `order` and `invoice` views, ms. */
export const REFUND_TTL = 60_000;
/** View-level limit of `quota`. */
export const QUOTA_VIEW_LIMIT = 2;
/** View-level window of `quota`, ms. */
export const QUOTA_VIEW_TTL = 10_000;
/** `quota.own`'s own limit (wins over the view's). */
export const QUOTA_OWN_LIMIT = 5;
/** `quota.own`'s own window, ms. */
export const QUOTA_OWN_TTL = 1_000;

/** Handler-level limit; `status` is an assign so WS acks carry a diff. */
@LiveView({ apiName: 'order' })
export class RlOrderView extends LiveViewBase {
  status = 'new';

  constructor(private readonly runs: HandlerRuns) {
    super();
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: REFUND_LIMIT, ttl: REFUND_TTL })
  refund({ order_id }: OrderIdDto) {
    this.runs.hit('order.refund');
    this.status = 'refunded';
    return { order_id, refunded: true };
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: EXPORT_LIMIT, ttl: EXPORT_TTL })
  export_csv() {
    this.runs.hit('order.export_csv');
    return 'csv';
  }

  /** Not rate-limited. */
  @EventHandler({ exposeApi: true })
  update_status({ order_id, status }: StatusDto) {
    this.runs.hit('order.update_status');
    return { order_id, status };
  }

  /** How many times `name` (`<slug>.<handler>`) ran in this process. Not rate-limited. */
  @EventHandler({ exposeApi: true })
  run_count({ name }: RunCountDto) {
    return this.runs.count(name);
  }
}

/** A second view with a handler of the same name and the same limit: its own bucket. */
@LiveView({ apiName: 'invoice' })
export class RlInvoiceView extends LiveViewBase {
  constructor(private readonly runs: HandlerRuns) {
    super();
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: REFUND_LIMIT, ttl: REFUND_TTL })
  refund({ order_id }: OrderIdDto) {
    this.runs.hit('invoice.refund');
    return { order_id, refunded: true };
  }
}

/** View-level `@RateLimit`: applies to `first` and `second`; `own` has its own, which wins. */
@LiveView({ apiName: 'quota' })
@RateLimit({ limit: QUOTA_VIEW_LIMIT, ttl: QUOTA_VIEW_TTL })
export class RlQuotaView extends LiveViewBase {
  constructor(private readonly runs: HandlerRuns) {
    super();
  }

  @EventHandler({ exposeApi: true })
  first() {
    this.runs.hit('quota.first');
    return 'first';
  }

  @EventHandler({ exposeApi: true })
  second() {
    this.runs.hit('quota.second');
    return 'second';
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: QUOTA_OWN_LIMIT, ttl: QUOTA_OWN_TTL })
  own() {
    this.runs.hit('quota.own');
    return 'own';
  }
}

/** Options of {@link rateLimitModule}. */
export interface RateLimitModuleOptions {
  /** The throttler storage (a fake-clock `MemoryThrottlerStorage`, a `RedisThrottlerStorage`, ...). */
  storage: ThrottlerStorage;
  /** Storage failure policy. Default `'closed'`. */
  failure?: DjustModuleOptions['rateLimitFailure'];
}

/** The module the rate-limit e2e tests (and the child app processes) boot. */
export function rateLimitModule(options: RateLimitModuleOptions) {
  @Module({
    imports: [
      DjustModule.forRoot({
        authClasses: [TestTokenAuth, PublicKeyAuth],
        throttlerStorage: options.storage,
        rateLimitFailure: options.failure ?? 'closed',
      }),
    ],
    providers: [HandlerRuns, TestTokenAuth, PublicKeyAuth, RlOrderView, RlInvoiceView, RlQuotaView],
  })
  class RateLimitTestModule {}
  return RateLimitTestModule;
}
