import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit } from '../../src/index.js';
import { TokenAuth } from '../auth/token-auth.js';
import type { SampleUser } from '../auth/sample-user.model.js';
import { orderNotFound } from './order-not-found.js';
import { ListOrdersDto, ShipDto } from './order.dto.js';
import { ORDER_PERMISSIONS } from './order.model.js';
import { OrderRepository } from './order.repository.js';

/**
 * For server-to-server callers (a warehouse, a CLI, an AI agent): bearer
 * tokens only, no session, no CSRF. `POST /djust/api/fulfillment/<handler>/`
 * with `Authorization: Bearer <token>`; `list_orders` and `ship` are also MCP
 * tools (`fulfillment.list_orders`, `fulfillment.ship`) at `POST /djust/mcp`.
 */
@LiveView({ authClasses: [TokenAuth], csrfExempt: true })
export class FulfillmentView extends LiveViewBase<SampleUser> {
  constructor(private readonly repo: OrderRepository) {
    super();
  }

  /**
   * Deliberately unprotected: no permission and no rate limit, so any valid
   * token may call it as often as it likes. An exposure audit should flag it.
   */
  @EventHandler({ exposeApi: true, summary: 'Check the token', description: 'Answers who the caller is. No permission, no rate limit.' })
  ping() {
    return { pong: true, caller: this.user.username };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true, title: 'List orders', description: 'The orders, optionally only those with one status.' })
  @PermissionRequired(ORDER_PERMISSIONS.view)
  @RateLimit({ limit: 600, ttl: 60_000 })
  list_orders({ status }: ListOrdersDto) {
    return this.repo.list(status);
  }

  @EventHandler({ exposeApi: true, exposeMcp: true, title: 'Ship an order', description: 'Mark an order shipped (the warehouse calls this). Open pages update at once.' })
  @PermissionRequired(ORDER_PERMISSIONS.change)
  @RateLimit({ limit: 60, ttl: 60_000 })
  async ship({ order_id }: ShipDto) {
    if (!(await this.repo.setStatus(order_id, 'shipped'))) throw orderNotFound(order_id);
    return { order_id, status: 'shipped' };
  }
}
