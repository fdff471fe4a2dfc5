import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CHART_METRICS, ORDER_STATUSES, type ChartMetric, type OrderStatus } from './order.model.js';

/**
 * The largest order id: `orders.id` is a PostgreSQL `integer` (32-bit signed),
 * and a bigger number would make the query fail (a 500). Bounding the DTO makes
 * it a 400 that says so, and the OpenAPI document states the range.
 */
export const MAX_ORDER_ID = 2_147_483_647;

/** Params of `order.update_status` (the seed's example). */
export class UpdateStatusDto {
  @IsInt() @Min(1) @Max(MAX_ORDER_ID) order_id!: number;
  @IsIn(ORDER_STATUSES) status!: OrderStatus;
}

/** Params of `order.refund`. */
export class RefundDto {
  @IsInt() @Min(1) @Max(MAX_ORDER_ID) order_id!: number;
  @IsOptional() @IsString() @MaxLength(500) reason: string = '';
}

/** Params of `chart.get_chart_data`. */
export class ChartDto {
  @IsIn(CHART_METRICS) metric!: ChartMetric;
}

/** Params of `fulfillment.list_orders`. `status` absent or `null`: every order. */
export class ListOrdersDto {
  @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
}

/** Params of `fulfillment.ship`. */
export class ShipDto {
  @IsInt() @Min(1) @Max(MAX_ORDER_ID) order_id!: number;
}
