import { UseGuards } from '@nestjs/common';
import { IsInt, IsString } from 'class-validator';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, SessionAuth } from 'nestjs-djust';
import { BearerAuth } from './bearer-auth.strategy.js';
import { NotSuspendedGuard } from './not-suspended.guard.js';

export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsString() status!: string;
}

export class RefundDto {
  @IsInt() order_id!: number;
}

@LiveView({ apiName: 'order', authClasses: [BearerAuth, SessionAuth] })
@PermissionRequired('orders.view_order')
@UseGuards(NotSuspendedGuard)
export class OrderView extends LiveViewBase {
  status = 'new';

  @EventHandler({ exposeApi: true })
  update_status({ order_id, status }: UpdateStatusDto) {
    this.status = status;
    return { order_id, status, by: this.user.username };
  }

  @EventHandler({ exposeApi: true })
  @PermissionRequired('orders.change_order')
  refund({ order_id }: RefundDto) {
    return { refunded: order_id };
  }
}
