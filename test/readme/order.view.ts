import { IsInt, IsOptional, IsString } from 'class-validator';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit } from 'nestjs-djust';
import { OrderRepository } from './order.repository.js';

export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsString() status!: string;
}

export class RefundDto {
  @IsInt() order_id!: number;
  @IsOptional() @IsString() reason?: string;
}

@LiveView({ apiName: 'order' })
export class OrderView extends LiveViewBase {
  status = 'new'; // a public assign
  _cache = new Map<number, string>(); // leading underscore: never sent

  constructor(private readonly orders: OrderRepository) {
    super(); // DI works; injected dependencies are never assigns
  }

  @EventHandler({ exposeApi: true, description: 'Mark an order as shipped. Idempotent.' })
  async update_status({ order_id, status }: UpdateStatusDto) {
    await this.orders.setStatus(order_id, status);
    return { order_id, status };
  }

  @EventHandler({ exposeApi: true })
  @PermissionRequired('orders.change_order')
  @RateLimit({ limit: 60, ttl: 60_000 })
  async refund({ order_id }: RefundDto) {
    await this.orders.setStatus(order_id, 'refunded');
    this.status = 'refunded';
    return { order_id, refunded: true };
  }
}
