import { Injectable, Module } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  PermissionRequired,
  RateLimit,
  SessionAuth,
  apiResponse,
  type DjustModuleOptions,
} from '../../src/index.js';
import { TestTokenAuth, type TestUser } from '../support/token-auth.js';

export class UpdateStatusDto {
  @IsInt() @Min(1) @Max(2_147_483_647) order_id!: number;
  @IsString() @MaxLength(50) status!: string;
}

export class AddressDto {
  @IsString() city!: string;
}

export class ShipDto {
  @IsInt() order_id!: number;
  @ValidateNested() @Type(() => AddressDto) to!: AddressDto;
  @IsOptional() @IsIn(['air', 'sea']) via?: string;
}

/** Shared by the views: what handlers did, to prove a hidden or refused call never ran. */
@Injectable()
export class McpLedger {
  readonly calls: string[] = [];
}

/** The rate limit of `order.quota` (per caller, shared by HTTP, WS and MCP). */
export const QUOTA = 2;

@LiveView({ apiName: 'order', authClasses: [TestTokenAuth] })
@PermissionRequired('orders.view_order')
export class McpOrderView extends LiveViewBase<TestUser> {
  status = 'new';

  constructor(private readonly ledger: McpLedger) {
    super();
  }

  @EventHandler({ exposeApi: true, exposeMcp: true, title: 'Update status', description: 'Ship an order.' })
  update_status({ order_id, status }: UpdateStatusDto) {
    this.ledger.calls.push(`update_status:${order_id}`);
    this.status = status;
    return { order_id, status, by: this.user.username, transport: this.transport, hasRequest: this.httpRequest !== undefined };
  }

  @EventHandler({ exposeMcp: true, description: 'The orders (MCP only).' })
  list_orders() {
    return [{ order_id: 1, status: this.status }];
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @PermissionRequired('orders.change_order')
  refund({ order_id }: UpdateStatusDto) {
    this.ledger.calls.push(`refund:${order_id}`);
    return apiResponse({ result: { refunded: order_id }, status: 201 });
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  ship(dto: ShipDto) {
    return { order_id: dto.order_id, city: dto.to.city, via: dto.via ?? null };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @RateLimit({ limit: QUOTA, ttl: 60_000 })
  quota() {
    return 'ok';
  }

  @EventHandler({ exposeMcp: true })
  boom() {
    throw new Error('secret-mcp-detail');
  }

  /** Over WS and HTTP only. */
  @EventHandler({ exposeApi: true })
  http_only() {
    return 'http';
  }
}

/** A view of another auth class (sessions): bearer callers never see its tools. */
@LiveView({ apiName: 'account' })
export class McpAccountView extends LiveViewBase {
  @EventHandler({ exposeMcp: true })
  me() {
    return { me: true };
  }
}

/** An app serving both views over HTTP, WS and MCP. */
export function mcpModule(options: DjustModuleOptions = {}) {
  @Module({
    imports: [DjustModule.forRoot({ authClasses: [SessionAuth], openapi: { title: 'MCP test', version: '2.0.0' }, ...options })],
    providers: [TestTokenAuth, McpLedger, McpOrderView, McpAccountView],
  })
  class McpTestModule {}
  return McpTestModule;
}
