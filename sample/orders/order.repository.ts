import { Inject, Injectable } from '@nestjs/common';
import { DjustPublisher } from '../../src/index.js';
import { SAMPLE_SCHEMA } from '../database/sample-schema.js';
import { SqlClient } from '../database/sql-client.js';
import { ORDERS_TOPIC, ORDER_STATUSES, type ChartData, type ChartMetric, type Order, type OrderChange, type OrderStatus } from './order.model.js';

const ORDERS = `${SAMPLE_SCHEMA}.orders`;
const COLUMNS = 'id, customer, item, total_cents, status';

/**
 * The orders table. Plain SQL that runs unchanged on PGlite and on PostgreSQL.
 * Every write is published on {@link ORDERS_TOPIC} with `DjustPublisher`: the
 * views that follow it, in this process and (with a cluster adapter for
 * socket.io, e.g. Redis) in every other process of the app, re-read the orders.
 */
@Injectable()
export class OrderRepository {
  constructor(
    @Inject(SqlClient) private readonly sql: SqlClient,
    private readonly publisher: DjustPublisher,
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
    if (row) {
      const change: OrderChange = { order_id: row.id, status: row.status };
      await this.publisher.publish(ORDERS_TOPIC, change);
    }
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
