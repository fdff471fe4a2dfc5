import { Logger } from '@nestjs/common';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit } from '../../src/index.js';
import { OrderEvents } from './order-events.service.js';
import { orderNotFound } from './order-not-found.js';
import { RefundDto, UpdateStatusDto } from './order.dto.js';
import { ORDER_PERMISSIONS, type Order } from './order.model.js';
import { OrderRepository } from './order.repository.js';

/**
 * The seed's `OrderView`: the orders page. Over socket.io it holds the orders
 * list as an assign and follows every change (made by anyone, over any
 * transport) by pushing the new list. `update_status` and `refund` are also
 * plain HTTP endpoints: `POST /djust/api/order/<handler>/`.
 */
@LiveView({ apiName: 'order' })
@PermissionRequired(ORDER_PERMISSIONS.view)
export class OrderView extends LiveViewBase {
  /** Assign: every order, by id. */
  orders: Order[] = [];

  private _unsubscribe?: () => void;
  private _reloads = 0;

  constructor(
    private readonly repo: OrderRepository,
    private readonly events: OrderEvents,
  ) {
    super();
  }

  /** WS mount: load the list, then follow changes until `unmount`. */
  async mount(): Promise<void> {
    this.orders = await this.repo.list();
    this._unsubscribe = this.events.subscribe(() => void this.reload());
  }

  /** HTTP calls are stateless one-shots: nothing to load, nothing to follow. */
  apiMount(): void {}

  /** Called by the gateway on `unmount` and on disconnect. */
  unmount(): void {
    this._unsubscribe?.();
    this._unsubscribe = undefined;
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
      if (seq !== this._reloads || !this._unsubscribe) return;
      this.orders = orders;
      await this.pushAssigns();
    } catch (err) {
      new Logger('OrderView').warn(`could not refresh the orders: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
