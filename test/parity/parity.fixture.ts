import { Module, NotFoundException } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';
import { DjustModule, EventHandler, LiveView, LiveViewBase, LoginRequired, PermissionRequired, RateLimit } from '../../src/index.js';
import { WsTokenAuth } from '../gateway/gateway.fixture.js';

export class OrderDto {
  @IsInt() order_id!: number;
  @IsString() status!: string;
}

export class RefundDto {
  @IsInt() order_id!: number;
  @IsOptional() @IsString() reason?: string;
}

export class FlagDto {
  @IsBoolean() enabled!: boolean;
}

export class ChargeDto {
  @IsInt() amount!: number;
}

/** How many times `shop.charge` ran, per user: an idempotency key's replay does not run it. */
const CHARGE_RUNS = new Map<string, number>();

/** The limit of `shop.quota` (per caller, shared by both transports). */
export const QUOTA_LIMIT = 2;

/** Every parity case runs against these views, over HTTP and over WS, on one app. */
@LiveView({ apiName: 'shop' })
export class ShopView extends LiveViewBase {
  status = 'new';
  _audit: string[] = [];

  @EventHandler({ exposeApi: true, exposeMcp: true })
  update_status({ order_id, status }: OrderDto) {
    this.status = status;
    return { order_id, status };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @PermissionRequired('shop.refund')
  refund({ order_id, reason }: RefundDto) {
    this.status = 'refunded';
    return { order_id, refunded: true, reason: reason ?? null };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  flags({ enabled }: FlagDto) {
    return { enabled };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @RateLimit({ limit: QUOTA_LIMIT, ttl: 60_000 })
  quota() {
    return 'ok';
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  charge({ amount }: ChargeDto) {
    const user = String((this.user as { id?: unknown } | null)?.id);
    const runs = (CHARGE_RUNS.get(user) ?? 0) + 1;
    CHARGE_RUNS.set(user, runs);
    return { amount, runs };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  nothing() {}

  @EventHandler({ exposeApi: true, exposeMcp: true })
  boom() {
    throw new Error('secret-token-xyz leaked');
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  gone() {
    throw new NotFoundException('Order 9 is gone');
  }

  internal() {
    return 'not a handler';
  }
}

/** Login required. */
@LiveView()
@LoginRequired()
export class AccountView extends LiveViewBase {
  @EventHandler({ exposeApi: true, exposeMcp: true })
  me() {
    return { loggedIn: this.user !== null, permissions: this.user.permissions };
  }
}

/** A view-level permission. */
@LiveView()
@PermissionRequired('audit.view')
export class AuditView extends LiveViewBase {
  @EventHandler({ exposeApi: true, exposeMcp: true })
  list() {
    return [];
  }
}

/** The parity app: token auth only (`u:<id>:<perms>`), nothing transport-specific. */
@Module({
  imports: [DjustModule.forRoot({ authClasses: [WsTokenAuth] })],
  providers: [WsTokenAuth, ShopView, AccountView, AuditView],
})
export class ParityModule {}
