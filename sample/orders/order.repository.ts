import { Inject, Injectable } from '@nestjs/common';
import { SAMPLE_SCHEMA } from '../database/sample-schema.js';
import { SqlClient } from '../database/sql-client.js';
import { OrderEvents } from './order-events.service.js';
import { ORDER_STATUSES, type ChartData, type ChartMetric, type Order, type OrderStatus } from './order.model.js';

const ORDERS = `${SAMPLE_SCHEMA}.orders`;
const COLUMNS = 'id, customer, item, total_cents, status';

/**
 * The orders table. Plain SQL that runs unchanged on PGlite and on PostgreSQL.
 * Every write is announced on {@link OrderEvents}.
 */
@Injectable()
export class OrderRepository {
  constructor(
    @Inject(SqlClient) private readonly sql: SqlClient,
    private readonly events: OrderEvents,
  ) {}

  /** All orders (or those with one status), by id. */
  list(status?: OrderStatus): Promise<Order[]> {
    return status === undefined
      ? this.sql.query<Order>(`SELECT ${COLUMNS} FROM ${ORDERS} ORDER BY id`)
      : this.sql.query<Order>(`SELECT ${COLUMNS} FROM ${ORDERS} WHERE status = $1 ORDER BY id`, [status]);
  }

  /** One order, or `undefined`. */
  async find(id: number): Promise<Order | undefined> {
    const [row] = await this.sql.query<Order>(`SELECT ${COLUMNS} FROM ${ORDERS} WHERE id = $1`, [id]);
    return row;
  }

  /** Sets an order's status; returns the updated order, or `undefined` when there is no such order. */
  async setStatus(id: number, status: OrderStatus): Promise<Order | undefined> {
    const [row] = await this.sql.query<Order>(`UPDATE ${ORDERS} SET status = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, status]);
    if (row) this.events.emit({ order_id: row.id, status: row.status });
    return row;
  }

  /** One value per status (lifecycle order, zeros included): the number of orders, or their revenue in cents. */
  async chart(metric: ChartMetric): Promise<ChartData> {
    const aggregate = metric === 'orders_by_status' ? 'count(*)' : 'sum(total_cents)';
    const rows = await this.sql.query<{ status: OrderStatus; value: number }>(
      `SELECT status, (${aggregate})::integer AS value FROM ${ORDERS} GROUP BY status`,
    );
    const byStatus = new Map(rows.map((r) => [r.status, Number(r.value)]));
    return { metric, labels: [...ORDER_STATUSES], values: ORDER_STATUSES.map((s) => byStatus.get(s) ?? 0) };
  }
}
