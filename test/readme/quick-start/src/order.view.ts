import { IsInt, IsString } from 'class-validator';
import { EventHandler, LiveView, LiveViewBase } from 'nestjs-djust';
import { OrderRepository } from './order.repository.js';

export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsString() status!: string;
}

@LiveView({ apiName: 'order' })
export class OrderView extends LiveViewBase {
  status = 'new'; // a public assign: sent to sockets, diffed after each call

  constructor(private readonly orders: OrderRepository) {
    super();
  }

  @EventHandler({ exposeApi: true, description: 'Set the status of an order.' })
  async update_status({ order_id, status }: UpdateStatusDto) {
    await this.orders.setStatus(order_id, status);
    this.status = status;
    return { order_id, status };
  }
}
