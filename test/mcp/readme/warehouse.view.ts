import { IsInt } from 'class-validator';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit } from 'nestjs-djust';
import { TokenAuth } from '../../auth/readme/token-auth.js';

export class ShipDto {
  @IsInt() order_id!: number;
}

@LiveView({ authClasses: [TokenAuth] })
export class WarehouseView extends LiveViewBase {
  @EventHandler({ exposeApi: true, exposeMcp: true, title: 'Ship an order', description: 'Mark an order shipped.' })
  @PermissionRequired('orders.change_order')
  @RateLimit({ limit: 60, ttl: 60_000 })
  ship({ order_id }: ShipDto) {
    return { order_id, status: 'shipped' };
  }
}
