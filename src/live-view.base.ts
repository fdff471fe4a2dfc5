import { VIEW_CONTEXT } from './djust.internal-constants.js';

/** Per-call context the pipeline attaches to a view instance (symbol-keyed: never an assign). */
export interface ViewContext {
  transport: 'http' | 'ws';
  user: unknown;
  httpRequest: unknown;
  /** Set by the gateway on a mounted view: sends the current assigns diff to the client. */
  push?: () => Promise<void>;
}

/**
 * Base class of every LiveView. It provides `httpRequest`, `transport` and `user`
 * as prototype getters, so none of them is ever an assign.
 *
 * Optional lifecycle methods a view may define: `mount(params)` (WS mount, and
 * before every HTTP call), `apiMount(params)` (instead of `mount` on HTTP calls),
 * and `unmount()` (when a socket unmounts the view or disconnects, after the
 * events already sent to it — the place to clear timers and unsubscribe).
 *
 * @example
 * ```ts
 * @LiveView()
 * export class CounterView extends LiveViewBase {
 *   count = 0;
 *   @EventHandler({ exposeApi: true })
 *   increment() { this.count++; return this.count; }
 * }
 * ```
 */
export abstract class LiveViewBase {
  /** @internal */
  declare [VIEW_CONTEXT]?: ViewContext;

  /** The request of an HTTP call; `undefined` over WS. */
  get httpRequest(): any {
    return this[VIEW_CONTEXT]?.httpRequest;
  }

  /** `'http'` or `'ws'`. */
  get transport(): 'http' | 'ws' | undefined {
    return this[VIEW_CONTEXT]?.transport;
  }

  /** The authenticated user, or `null` for an anonymous socket. */
  get user(): any {
    return this[VIEW_CONTEXT]?.user ?? null;
  }

  /**
   * Sends the assigns that changed since the client last saw them as an
   * `assigns` message `{ ref, assigns }` (server push). Call it after updating
   * assigns outside a client event (a timer, a service event). No-op over HTTP
   * or when the view is not mounted.
   */
  async pushAssigns(): Promise<void> {
    await this[VIEW_CONTEXT]?.push?.();
  }
}
