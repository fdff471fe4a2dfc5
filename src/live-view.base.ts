import { VIEW_CONTEXT } from './djust.internal-constants.js';
import type { DjustTransport } from './protocol/call-context.js';

/** Per-call context the core attaches to a view instance (symbol-keyed: never an assign). */
export interface ViewContext {
  transport: DjustTransport;
  user: unknown;
  httpRequest: unknown;
  /** Set by the WS transport on a mounted view: sends the current assigns diff to the client. */
  push?: () => Promise<void>;
  /** Set by the WS transport on a mounted view: follows a topic until the view goes. */
  subscribe?: (topic: string, listener: (payload: any) => unknown) => () => void;
}

/**
 * Base class of every LiveView. It provides `httpRequest`, `transport` and `user`
 * as prototype getters, so none of them is ever an assign.
 *
 * Type parameters: `TUser`, the type of `this.user` (use `MyUser | null` on a
 * view an anonymous socket may mount), and `TRequest`, the type of
 * `this.httpRequest` (e.g. express's `Request`).
 *
 * Optional lifecycle methods a view may define: `mount(params)` (WS mount, and
 * before every HTTP/MCP call), `apiMount(params)` (instead of `mount` on HTTP
 * and MCP calls), and `unmount()` (when a socket unmounts the view or
 * disconnects, after the events already sent to it — the place to clear timers
 * and unsubscribe).
 *
 * @example
 * ```ts
 * @LiveView()
 * export class CounterView extends LiveViewBase<User> {
 *   count = 0;
 *   @EventHandler({ exposeApi: true })
 *   increment() { this.count++; return { count: this.count, by: this.user.name }; }
 * }
 * ```
 */
export abstract class LiveViewBase<TUser = any, TRequest = any> {
  /** @internal */
  declare [VIEW_CONTEXT]?: ViewContext;

  /** The request of an HTTP or MCP call; `undefined` over WS. */
  get httpRequest(): TRequest | undefined {
    return this[VIEW_CONTEXT]?.httpRequest as TRequest | undefined;
  }

  /** `'http'`, `'ws'` or `'mcp'`. */
  get transport(): DjustTransport | undefined {
    return this[VIEW_CONTEXT]?.transport;
  }

  /** The authenticated user; `null` for an anonymous socket. */
  get user(): TUser {
    return (this[VIEW_CONTEXT]?.user ?? null) as TUser;
  }

  /**
   * Sends the assigns that changed since the client last saw them as an
   * `assigns` message `{ ref, assigns }` (server push). Call it after updating
   * assigns outside a client event (a timer, a service event). No-op over HTTP
   * and MCP, or when the view is not mounted.
   */
  async pushAssigns(): Promise<void> {
    await this[VIEW_CONTEXT]?.push?.();
  }

  /**
   * Follows `topic`: `listener` gets every payload published on it with
   * `DjustPublisher.publish(topic, payload)` — in any process of the app —
   * until the view is unmounted or its socket closes (or the returned
   * function is called). A listener that throws is logged and harms nothing
   * else. Call it from `mount()`, typically followed by `this.pushAssigns()`
   * in the listener. A view of an HTTP or MCP call lives for one call:
   * there it follows nothing (a no-op).
   *
   * @example
   * ```ts
   * mount() {
   *   this.subscribe('orders', async () => { this.orders = await this.repo.all(); await this.pushAssigns(); });
   * }
   * ```
   */
  subscribe<T = any>(topic: string, listener: (payload: T) => unknown): () => void {
    return this[VIEW_CONTEXT]?.subscribe?.(topic, listener) ?? (() => undefined);
  }
}
