import { IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { CHART_METRICS, ORDER_STATUSES, type ChartMetric, type OrderStatus } from './order.model.js';

/** Params of `order.update_status` (the seed's example). */
export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsIn(ORDER_STATUSES) status!: OrderStatus;
}

/** Params of `order.refund`. */
export class RefundDto {
  @IsInt() order_id!: number;
  @IsOptional() @IsString() @MaxLength(500) reason: string = '';
}

/** Params of `chart.get_chart_data`. */
export class ChartDto {
  @IsIn(CHART_METRICS) metric!: ChartMetric;
}

/** Params of `fulfillment.list_orders`. */
export class ListOrdersDto {
  @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
}

/** Params of `fulfillment.ship`. */
export class ShipDto {
  @IsInt() order_id!: number;
}
