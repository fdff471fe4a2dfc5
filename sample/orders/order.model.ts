/** The statuses an order can have, in lifecycle order. */
export const ORDER_STATUSES = ['new', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled'] as const;

/** An order status. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The permissions of the sample (Django-style `<app>.<action>_<model>` names, as in the seed). */
export const ORDER_PERMISSIONS = {
  view: 'orders.view_order',
  change: 'orders.change_order',
} as const;

/** One order, as stored and as sent to clients. */
export interface Order {
  id: number;
  customer: string;
  item: string;
  total_cents: number;
  status: OrderStatus;
}

/** The metrics `get_chart_data` can compute. */
export const CHART_METRICS = ['orders_by_status', 'revenue_by_status'] as const;

/** A chart metric. */
export type ChartMetric = (typeof CHART_METRICS)[number];

/** Chart data: one value per status, statuses in lifecycle order. */
export interface ChartData {
  metric: ChartMetric;
  labels: OrderStatus[];
  values: number[];
}

/** What changed: the payload published on {@link ORDERS_TOPIC} after every write. */
export interface OrderChange {
  order_id: number;
  status: OrderStatus;
}

/**
 * The `DjustPublisher` topic of order changes. Every write publishes an
 * {@link OrderChange} on it; mounted views follow it and re-read what they show.
 */
export const ORDERS_TOPIC = 'orders';
