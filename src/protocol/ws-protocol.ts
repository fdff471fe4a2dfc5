/**
 * The socket.io wire protocol of nestjs-djust, namespace `/<prefix>`
 * (default `/djust`). Types only: shared by the gateway and the client.
 *
 * | client emits (with ack) | payload            | ack                            |
 * |-------------------------|--------------------|--------------------------------|
 * | `mount`                 | {@link MountRequest}   | {@link MountAck} or {@link ErrorAck} |
 * | `event`                 | {@link EventRequest}   | {@link EventAck} or {@link ErrorAck} |
 * | `unmount`               | {@link UnmountRequest} | {@link UnmountAck} or {@link ErrorAck} |
 *
 * The server emits `assigns` ({@link AssignsPush}) when a view pushes changes
 * outside a client event. Types only: the browser loads `nestjs-djust/client`
 * module by module, so nothing here may exist at run time.
 */
import type { DjustErrorKind } from './error-kinds.js';

/** A view's public assigns (or a diff of them: only the keys that changed, each with its whole new value). */
export type Assigns = Record<string, unknown>;

/** Handler or mount parameters: a JSON object. */
export type Params = Record<string, unknown>;

/** What every request may carry besides its own fields. */
export interface RequestTracing {
  /** The caller's own request id (1–128 characters of `[A-Za-z0-9._-]`), echoed in the ack; else the server makes one. */
  requestId?: string;
  /** A W3C `traceparent`: the server's span for this call is its child. */
  traceparent?: string;
}

/** `mount`: mounts a view by slug; `params` go to the view's `mount(params)`. */
export interface MountRequest extends RequestTracing {
  view: string;
  params?: Params;
}

/** `event`: calls an `@EventHandler` of a mounted view. */
export interface EventRequest extends RequestTracing {
  ref: string;
  handler: string;
  params?: Params;
  /**
   * The event's idempotency key (1–128 characters): the server keeps the ack of
   * (caller, view, handler, id) for `idempotency.ttl`, and the same event sent
   * again — on this view or on the view mounted again after a reconnect — gets
   * that ack without the handler running twice. `nestjs-djust/client` sets it.
   */
  id?: string;
}

/** `unmount`: frees a mounted view. */
export interface UnmountRequest {
  ref: string;
}

/** Ack of a successful `mount`: the view's reference and all its public assigns. */
export interface MountAck {
  ref: string;
  assigns: Assigns;
  /** The request id of this call (as in the server's logs, spans and `onError`). */
  requestId: string;
}

/** Ack of a successful `event`: the handler's result and the assigns that changed. */
export interface EventAck<R = unknown> {
  result: R;
  assigns: Assigns;
  /** The request id of this call. */
  requestId: string;
}

/** Ack of a successful `unmount`. */
export interface UnmountAck {
  ok: true;
  requestId: string;
}

/** Ack of a failed `mount`/`event`/`unmount`: the same kinds and statuses as the HTTP API. */
export interface ErrorAck {
  error: DjustErrorKind;
  details: Record<string, unknown>;
  status: number;
  /** The request id of this call (absent from a `connect_error`'s data). */
  requestId?: string;
}

/** Server → client `assigns`: a view's assigns changed outside a client event. */
export interface AssignsPush {
  ref: string;
  assigns: Assigns;
}
