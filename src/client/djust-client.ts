import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { DjustClientError, isErrorAck } from './djust-client.error.js';
import type { Assigns, AssignsPush, MountAck, Params } from '../protocol/ws-protocol.js';
import { ViewHandle, type HandleHost, type MountedViewHandle } from './mounted-view.handle.js';

/** The socket.io-client socket members the client uses (a `Socket` from `io(...)`). */
export type DjustSocket = Pick<Socket, 'connected' | 'active' | 'emit' | 'on' | 'off' | 'disconnect'>;

/** Options of {@link DjustClient}. */
export interface DjustClientOptions {
  /** Milliseconds to wait for an ack before rejecting with `timeout`; 0 waits forever. Default 30 000. */
  timeout?: number;
  /**
   * Mount every view again after the socket reconnects (the server frees a
   * socket's views when it disconnects); calls made meanwhile wait for it.
   * Default `true`. With `false`, views die with the connection.
   */
  remount?: boolean;
  /**
   * Send an event again, with the same idempotency `id`, when a disconnect
   * lost its ack (after the remount; the server answers with the kept ack
   * and does not run the handler twice), and ask again while the server says
   * the first send still runs (409 `idempotency_key_in_use`). Default `true`
   * (only with `remount`).
   */
  resend?: boolean;
  /** Receives errors thrown by `onAssigns` listeners and failed remounts. Default `console.error`. */
  onError?: (err: unknown) => void;
}

interface Pending {
  readonly reject: (err: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * A typed client of the djust socket.io protocol, for Node and the browser.
 * It takes a connected (or connecting) socket.io-client socket on the
 * namespace `/<prefix>`; {@link connectDjust} builds one.
 *
 * @example
 * ```ts
 * import { io } from 'socket.io-client';
 * const client = new DjustClient(io('http://localhost:3000/djust', { auth: { token } }));
 * const order = await client.mount('order', { id: 42 });
 * order.onAssigns((assigns) => render(assigns));
 * await order.call('update_status', { order_id: 42, status: 'shipped' });
 * client.close();
 * ```
 */
export class DjustClient {
  private readonly handles = new Set<ViewHandle<any>>();
  private readonly byRef = new Map<string, ViewHandle<any>>();
  private readonly inflight = new Set<Pending>();
  private readonly timeout: number;
  private readonly remount: boolean;
  private readonly onError: (err: unknown) => void;
  private connectedOnce: boolean;
  private closed = false;
  private readonly host: HandleHost;

  constructor(
    /** The underlying socket. */
    readonly socket: DjustSocket,
    options: DjustClientOptions = {},
  ) {
    this.timeout = options.timeout ?? 30_000;
    this.remount = options.remount !== false;
    this.onError = options.onError ?? ((err) => console.error('[djust]', err));
    this.connectedOnce = socket.connected;
    const resend = this.remount && options.resend !== false;
    this.host = {
      request: (event, payload, onAck) => this.request(event, payload, onAck),
      resend,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      attach: (ref, handle) => void this.byRef.set(ref, handle),
      detach: (ref, handle) => {
        if (this.byRef.get(ref) === handle) this.byRef.delete(ref);
        if (!handle.alive) this.handles.delete(handle);
      },
      get connected() {
        return socket.connected;
      },
      report: (err) => this.onError(err),
    };
    socket.on('assigns', this.onPush);
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('connect_error', this.onConnectError);
  }

  /** Mounts a view by slug; rejects with a {@link DjustClientError} (401, 403, 404, 429...). */
  async mount<A extends Assigns = Assigns>(view: string, params: Params = {}): Promise<MountedViewHandle<A>> {
    const handle = new ViewHandle<A>(this.host, view, { ...params });
    await handle.mount();
    this.handles.add(handle);
    return handle;
  }

  /** The views mounted through this client and still alive. */
  get views(): readonly MountedViewHandle[] {
    return [...this.handles];
  }

  /** Stops everything: pending calls reject with `closed`, views die, the socket disconnects (the server frees the views). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.off('assigns', this.onPush);
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('connect_error', this.onConnectError);
    this.failInflight(new DjustClientError('closed', {}, 0, 'The client was closed.'));
    for (const handle of [...this.handles]) handle.kill(new DjustClientError('closed', {}, 0, 'The client was closed.'));
    this.socket.disconnect();
  }

  private request<T>(event: string, payload: object, onAck?: (ack: T) => void): Promise<T> {
    if (this.closed) return Promise.reject(new DjustClientError('closed', {}, 0, 'The client was closed.'));
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { reject };
      this.inflight.add(pending);
      if (this.timeout > 0) {
        pending.timer = setTimeout(() => {
          this.inflight.delete(pending);
          reject(new DjustClientError('timeout', { event: [event] }, 0, `No answer to ${event} within ${this.timeout} ms.`));
        }, this.timeout);
      }
      this.socket.emit(event, payload, (ack: unknown) => {
        if (!this.inflight.delete(pending)) {
          // Too late: the caller gave up. A view mounted meanwhile is freed at once.
          if (event === 'mount' && !isErrorAck(ack) && typeof (ack as MountAck)?.ref === 'string') this.socket.emit('unmount', { ref: (ack as MountAck).ref });
          return;
        }
        if (pending.timer !== undefined) clearTimeout(pending.timer);
        if (isErrorAck(ack)) return reject(DjustClientError.fromAck(ack));
        try {
          onAck?.(ack as T); // applied in the ack's own tick, so a push that follows lands after it
        } catch (err) {
          return reject(err);
        }
        resolve(ack as T);
      });
    });
  }

  private readonly onPush = (push: AssignsPush): void => {
    if (push && typeof push.ref === 'string') this.byRef.get(push.ref)?.apply(push.assigns);
  };

  private readonly onConnect = (): void => {
    if (!this.connectedOnce) {
      this.connectedOnce = true;
      return;
    }
    for (const handle of [...this.handles]) {
      handle.mount().catch((err: unknown) => {
        // Cut again while mounting: the handle stays suspended, and the next connection mounts it.
        if (err instanceof DjustClientError && err.error === 'disconnected' && !this.closed && this.remount && this.socket.active) return;
        handle.kill(err instanceof DjustClientError ? err : new DjustClientError('disconnected', {}, 0, String(err)));
        this.onError(err);
      });
    }
  };

  private readonly onDisconnect = (reason: string): void => {
    const gone = new DjustClientError('disconnected', { reason: [reason] }, 0, `The socket disconnected (${reason}).`);
    this.failInflight(gone);
    const willRemount = this.remount && this.socket.active;
    for (const handle of [...this.handles]) {
      if (willRemount) handle.suspend();
      else handle.kill(gone);
    }
  };

  /**
   * A reconnection the server refused (its middleware: too many sockets, a
   * foreign Origin...): socket.io stops trying, so the views waiting for their
   * remount die with the server's error, and calls waiting for them reject.
   * A failure socket.io retries (the server unreachable) changes nothing.
   */
  private readonly onConnectError = (err: Error & { data?: unknown }): void => {
    if (this.socket.active || !this.connectedOnce) return;
    const refused = isErrorAck(err?.data) ? DjustClientError.fromAck(err.data) : new DjustClientError('connect_error', { connection: [String(err?.message)] }, 0);
    for (const handle of [...this.handles]) handle.kill(refused);
  };

  private failInflight(err: DjustClientError): void {
    const inflight = [...this.inflight];
    this.inflight.clear();
    for (const pending of inflight) {
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.reject(err);
    }
  }
}

/** A socket.io-client `io` function (from `socket.io-client`, or the page's global `io`). */
export type IoFactory = (uri: string, options?: Partial<ManagerOptions & SocketOptions>) => Socket;

/** Options of {@link connectDjust}. */
export interface ConnectDjustOptions extends DjustClientOptions {
  /** The module's prefix: the namespace is `/<prefix>`. Default `'djust'`. */
  prefix?: string;
  /** Sent as `handshake.auth.token`, which the server reads as `Authorization: Bearer <token>`. A function is called on every (re)connection. */
  token?: string | (() => string | Promise<string>);
  /** The `io` function. Default: the global `io` that `/socket.io/socket.io.js` defines in a browser. */
  io?: IoFactory;
  /** Passed to `io()` (e.g. `path`, `transports`, `extraHeaders` in Node, `withCredentials`). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * Connects to the djust namespace and resolves a {@link DjustClient} once the
 * server accepted the connection. A refusal (foreign Origin, too many sockets)
 * rejects with the server's error (`status` 403, 429...); any other
 * connection failure with `connect_error`. `url` is the server's origin
 * (`''` in a browser: the page's own).
 *
 * @example
 * ```ts
 * // Node
 * import { io } from 'socket.io-client';
 * const client = await connectDjust('http://localhost:3000', { token, io });
 * // Browser, after <script src="/socket.io/socket.io.js">
 * const client = await connectDjust('');
 * ```
 */
export function connectDjust(url = '', options: ConnectDjustOptions = {}): Promise<DjustClient> {
  const io = options.io ?? (globalThis as { io?: IoFactory }).io;
  if (typeof io !== 'function') {
    return Promise.reject(
      new TypeError("connectDjust: no io function. Pass { io } (import { io } from 'socket.io-client'), or load /socket.io/socket.io.js in the page first."),
    );
  }
  const prefix = (options.prefix ?? 'djust').replace(/^\/+|\/+$/g, '');
  const socketOptions: Partial<ManagerOptions & SocketOptions> = { ...options.socketOptions };
  const token = options.token;
  if (typeof token === 'string') socketOptions.auth = { ...(typeof socketOptions.auth === 'object' ? socketOptions.auth : {}), token };
  else if (typeof token === 'function') socketOptions.auth = (cb) => void Promise.resolve(token()).then((t) => cb({ token: t }), () => cb({}));
  const socket = io(`${url.replace(/\/+$/, '')}/${prefix}`, socketOptions);
  return new Promise<DjustClient>((resolve, reject) => {
    const onConnect = (): void => {
      socket.off('connect_error', onError);
      resolve(new DjustClient(socket, options));
    };
    const onError = (err: Error & { data?: unknown }): void => {
      socket.off('connect', onConnect);
      socket.disconnect();
      reject(isErrorAck(err.data) ? DjustClientError.fromAck(err.data) : new DjustClientError('connect_error', { connection: [err.message] }, 0, err.message));
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}
