import { Logger } from '@nestjs/common';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit } from '../../src/index.js';
import { orderNotFound } from './order-not-found.js';
import { RefundDto, UpdateStatusDto } from './order.dto.js';
import { ORDERS_TOPIC, ORDER_PERMISSIONS, type Order } from './order.model.js';
import { OrderRepository } from './order.repository.js';

/**
 * The seed's `OrderView`: the orders page. Over socket.io it holds the orders
 * list as an assign and follows every change (made by anyone, over any
 * transport, in any process of the app) by pushing the new list. `update_status` and `refund` are also
 * plain HTTP endpoints: `POST /djust/api/order/<handler>/`.
 */
@LiveView({ apiName: 'order' })
@PermissionRequired(ORDER_PERMISSIONS.view)
export class OrderView extends LiveViewBase {
  /** Assign: every order, by id. */
  orders: Order[] = [];

  private _live = false;
  private _reloads = 0;

  constructor(private readonly repo: OrderRepository) {
    super();
  }

  /**
   * WS mount: follow the order changes until the view goes (the subscription
   * ends with it), then load the list, so no change falls between the two. A
   * change only says that something changed: the view reads the list again,
   * so a publication it missed (delivery is at most once) costs nothing but
   * a late refresh. A read that a change overtook is read again.
   */
  async mount(): Promise<void> {
    this._live = true;
    this.subscribe(ORDERS_TOPIC, () => this.reload());
    let seq: number;
    do {
      seq = ++this._reloads;
      this.orders = await this.repo.list();
    } while (seq !== this._reloads);
  }

  /** HTTP calls are stateless one-shots: nothing to load, nothing to follow. */
  apiMount(): void {}

  /** Called by the gateway on `unmount` and on disconnect: a reload still running is dropped. */
  unmount(): void {
    this._live = false;
  }

  @EventHandler({ exposeApi: true, description: 'Set the status of an order, e.g. mark it shipped. Idempotent.' })
  @RateLimit({ limit: 120, ttl: 60_000 })
  async update_status({ order_id, status }: UpdateStatusDto) {
    if (!(await this.repo.setStatus(order_id, status))) throw orderNotFound(order_id);
    return { order_id, status };
  }

  @EventHandler({ exposeApi: true, description: 'Refund an order. Needs the orders.change_order permission.' })
  @PermissionRequired(ORDER_PERMISSIONS.change)
  @RateLimit({ limit: 60, ttl: 60_000 })
  async refund({ order_id }: RefundDto) {
    if (!(await this.repo.setStatus(order_id, 'refunded'))) throw orderNotFound(order_id);
    return { order_id, refunded: true };
  }

  /** Reloads the list after a change and pushes the diff; an older reload finishing late is dropped. */
  private async reload(): Promise<void> {
    const seq = ++this._reloads;
    try {
      const orders = await this.repo.list();
      if (seq !== this._reloads || !this._live) return;
      this.orders = orders;
      await this.pushAssigns();
    } catch (err) {
      new Logger('OrderView').warn(`could not refresh the orders: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
