/**
 * The seed's `update_status` as a djust view, three ways: without a limit
 * (`order`), and with a `@RateLimit` high enough never to refuse at ttl 1 s
 * (`order-rl1s`) and 60 s (`order-rl60s`). Auth: a bearer-token auth class.
 */
import { Injectable, Module } from '@nestjs/common';
import { DjustModule, EventHandler, LiveView, LiveViewBase, RateLimit, type DjustAuth } from '../../src/index.js';
import { OrderRepository, UpdateStatusDto, userFromAuthorization, type BenchUser } from './bench-domain.js';

/** A limit no benchmark reaches. */
export const BENCH_HIGH_LIMIT = 1_000_000_000;

/** Bearer-token auth (CSRF-exempt, like any header-token auth). */
@Injectable()
export class BenchTokenAuth implements DjustAuth {
  static csrfExempt = true;

  authenticate(req: { headers: Record<string, unknown> }): BenchUser | null {
    return userFromAuthorization(req.headers.authorization);
  }
}

@LiveView({ apiName: 'order' })
export class BenchOrderView extends LiveViewBase {
  constructor(private readonly orders: OrderRepository) {
    super();
  }

  /** Also the MCP tool `order.update_status` (the `<adapter>/djust-mcp` cases). */
  @EventHandler({ exposeApi: true, exposeMcp: true })
  update_status({ order_id, status }: UpdateStatusDto) {
    this.orders.setStatus(order_id, status);
    return { order_id, status };
  }
}

@LiveView({ apiName: 'order-rl1s' })
export class BenchOrderRl1sView extends LiveViewBase {
  constructor(private readonly orders: OrderRepository) {
    super();
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: BENCH_HIGH_LIMIT, ttl: 1_000 })
  update_status({ order_id, status }: UpdateStatusDto) {
    this.orders.setStatus(order_id, status);
    return { order_id, status };
  }
}

@LiveView({ apiName: 'order-rl60s' })
export class BenchOrderRl60sView extends LiveViewBase {
  constructor(private readonly orders: OrderRepository) {
    super();
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: BENCH_HIGH_LIMIT, ttl: 60_000 })
  update_status({ order_id, status }: UpdateStatusDto) {
    this.orders.setStatus(order_id, status);
    return { order_id, status };
  }
}

/** The djust app of the HTTP benchmarks (default in-memory rate-limit storage). */
@Module({
  imports: [DjustModule.forRoot({ authClasses: [BenchTokenAuth] })],
  providers: [OrderRepository, BenchTokenAuth, BenchOrderView, BenchOrderRl1sView, BenchOrderRl60sView],
})
export class DjustBenchModule {}
