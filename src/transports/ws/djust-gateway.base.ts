import { Inject, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import { Authenticator } from '../../auth/authenticator.js';
import { SYSTEM_CLOCK, type DjustClock } from '../../common/clock.js';
import { errorDetail, labelOf } from '../../common/safe-format.util.js';
import { DjustDispatcher } from '../../core/djust-dispatcher.service.js';
import type { ResolvedDjustOptions } from '../../core/resolved-options.js';
import { DJUST_CLOCK, DJUST_RESOLVED_OPTIONS } from '../../djust.internal-constants.js';
import { DjustConfigurationError } from '../../errors/djust-configuration.error.js';
import { DjustPublisher } from '../../pubsub/djust-publisher.service.js';
import { TopicRegistry } from '../../pubsub/topic.registry.js';
import { resolveRequestId } from '../../protocol/request-id.js';
import { invalidMessage, notFound, sessionEnded } from '../../protocol/wire-errors.js';
import { adapterTrustProxy } from './handshake-ip.js';
import { MountedEntry, type SocketState } from './socket-state.js';
import { WsAdmission } from './ws-admission.js';
import { connectError, toErrorAck, toEventAck, toMountAck, toUnmountAck } from './ws-encoder.js';

type Ack = (reply: object) => void;
type Payload = Record<string, unknown>;

/**
 * The socket.io transport on the namespace `/<prefix>`: `mount`, `event` and
 * `unmount` with acks, and `assigns` pushes. It decodes each message into a
 * call for the {@link DjustDispatcher}, which runs every check, and encodes
 * the outcome as the ack. What it keeps itself is what only a socket has: the
 * mounted views, the per-socket limits, the session re-check.
 *
 * Connections pass {@link WsAdmission} first (a namespace middleware: Origin,
 * caller, sockets per caller). Messages are bound on the socket directly
 * rather than with `@SubscribeMessage`, so the app's global guards, pipes,
 * interceptors and filters — written for its own controllers — never run on
 * djust traffic, exactly as on the HTTP routes, and every message gets exactly
 * one ack. `mount` and `event` need an ack callback; without one they are
 * ignored.
 */
export class DjustGatewayBase implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('Djust');
  private readonly states = new WeakMap<Socket, SocketState>();
  private readonly admission: WsAdmission;

  constructor(
    @Inject(DjustDispatcher) private readonly dispatcher: DjustDispatcher,
    @Inject(Authenticator) authenticator: Authenticator,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
    @Inject(DjustPublisher) private readonly publisher: DjustPublisher,
    @Inject(TopicRegistry) private readonly topics: TopicRegistry,
    @Optional() @Inject(HttpAdapterHost) adapterHost?: HttpAdapterHost,
    @Optional() @Inject(DJUST_CLOCK) clock?: DjustClock,
  ) {
    const trustProxy = () => {
      const adapter = adapterHost?.httpAdapter;
      return adapter ? adapterTrustProxy(adapter.getType(), adapter.getInstance()) : undefined;
    };
    const time = clock ?? SYSTEM_CLOCK;
    this.admission = new WsAdmission(authenticator, options, trustProxy, () => time.now());
  }

  afterInit(namespace: Namespace): void {
    if (typeof namespace?.use !== 'function') {
      throw new DjustConfigurationError(
        'the djust gateway needs the socket.io WebSocket adapter (IoAdapter from @nestjs/platform-socket.io, or a subclass such as SessionIoAdapter).',
      );
    }
    this.publisher.attach(namespace);
    namespace.use((socket, next) => {
      this.admit(socket)
        .then(
          () => next(),
          (err: unknown) => next(err instanceof Error && 'data' in err ? err : connectError(this.dispatcher.wireError(err, 'connection'))),
        )
        .catch((err: unknown) => this.logUnexpected('connection', err));
    });
    const cap = (namespace.server?.engine as { opts?: { maxHttpBufferSize?: number } } | undefined)?.opts?.maxHttpBufferSize;
    const { maxMessageSize } = this.options.ws;
    if (cap && maxMessageSize >= cap && maxMessageSize !== this.options.bodyLimit) {
      this.logger.warn(
        `ws.maxMessageSize (${maxMessageSize}) is not below socket.io's maxHttpBufferSize (${cap}): engine.io closes the connection on larger messages instead of djust answering payload_too_large.`,
      );
    }
  }

  handleConnection(socket: Socket): void {
    const state = this.states.get(socket);
    if (!state) return void socket.disconnect(true); // not admitted by the middleware: cannot happen
    socket.on('mount', (...args: unknown[]) => this.guard('mount', () => this.onMount(socket, state, ...split(args))));
    socket.on('event', (...args: unknown[]) => this.guard('event', () => this.onEvent(socket, state, ...split(args))));
    socket.on('unmount', (...args: unknown[]) => this.guard('unmount', () => this.onUnmount(state, ...split(args))));
  }

  handleDisconnect(socket: Socket): void {
    const state = this.states.get(socket);
    if (state) this.close(socket, state);
  }

  /**
   * Runs a socket listener so nothing it throws or rejects can reach socket.io
   * (a sync throw would propagate into engine.io's packet loop) or the process
   * (an unhandled rejection ends Node). The listeners answer every error with
   * an ack themselves; this is the last line, which only logs.
   */
  private guard(what: string, listener: () => unknown): void {
    try {
      const pending = listener();
      if (pending instanceof Promise) pending.catch((err: unknown) => this.logUnexpected(what, err));
    } catch (err) {
      this.logUnexpected(what, err);
    }
  }

  private logUnexpected(what: string, err: unknown): void {
    try {
      this.logger.error(`unexpected failure in the ${what} listener: ${errorDetail(err)}`);
    } catch {
      // a logger that throws must not take the process down either
    }
  }

  /** Namespace middleware: builds the socket's state, released when it closes. */
  private async admit(socket: Socket): Promise<void> {
    const state = await this.admission.admit(socket);
    this.states.set(socket, state);
    // A connection that closes between this middleware and `connect` never disconnects: release it here too.
    const onClose = (): void => this.close(socket, state);
    socket.conn.once('close', onClose);
    state.detach = () => socket.conn.off('close', onClose);
  }

  /** `mount { view, params }` → `{ ref, assigns }`. */
  private async onMount(socket: Socket, state: SocketState, payload: unknown, ack: Ack | undefined): Promise<void> {
    if (!ack) return; // the ref could never be delivered
    const requestId = requestIdOf(payload);
    let reserved = false;
    try {
      const refused = state.admit(payload) ?? (isObject(payload) ? undefined : invalidMessage()) ?? state.reserveView();
      if (refused) throw refused;
      reserved = true;
      await this.requireSession(state);
      const { view, params, traceparent } = payload as Payload;
      const ref = randomUUID();
      const push = (): Promise<void> => this.push(socket, state, ref);
      const owner = {};
      const subscribe = (topic: string, listener: (payload: any) => unknown) => this.topics.subscribe(owner, topic, listener);
      const message = (copied: unknown) => ({ view, params: copied });
      const outcome = await this.dispatcher.dispatch({ kind: 'mount', view, params, message, ref, push, subscribe, caller: state.ctx, requestId, traceparent });
      state.unreserveView();
      reserved = false;
      if (!outcome.ok) {
        this.topics.drop(owner); // a mount that failed after subscribing follows nothing
        return ack(toErrorAck(outcome.error, requestId));
      }
      const entry = new MountedEntry(outcome.mounted!, owner);
      if (state.closed) {
        entry.leave();
        return this.free(entry);
      }
      state.views.set(ref, entry);
      ack(toMountAck(ref, outcome, requestId)); // same tick as the set: no push can precede it
      this.settle(socket, state, entry);
    } catch (err) {
      if (reserved) state.unreserveView();
      this.fail(socket, err, `mount ${labelOf(isObject(payload) ? payload.view : payload)}`, ack, requestId);
    }
  }

  /** `event { ref, handler, params }` → `{ result, assigns }`. */
  private async onEvent(socket: Socket, state: SocketState, payload: unknown, ack: Ack | undefined): Promise<void> {
    if (!ack) return;
    const requestId = requestIdOf(payload);
    let counted: MountedEntry | undefined;
    try {
      const refused = state.admit(payload) ?? (isObject(payload) ? undefined : invalidMessage());
      if (refused) throw refused;
      const { ref, handler, params, traceparent, id } = payload as Payload;
      const entry = typeof ref === 'string' ? state.views.get(ref) : undefined;
      if (!entry) throw notFound();
      entry.enter();
      counted = entry;
      await this.requireSession(state);
      const message = (copied: unknown) => ({ handler, params: copied });
      const call = { kind: 'event', mounted: entry.mounted, handler, params, message, caller: state.ctx, requestId, traceparent, idempotencyKey: id } as const;
      const outcome = await this.dispatcher.dispatch(call);
      ack(outcome.ok ? toEventAck(outcome, requestId) : toErrorAck(outcome.error, requestId));
    } catch (err) {
      this.fail(socket, err, `event ${labelOf(isObject(payload) ? payload.handler : payload)}`, ack, requestId);
    } finally {
      if (counted) this.settle(socket, state, counted);
    }
  }

  /** `unmount { ref }` → `{ ok: true }`. */
  private onUnmount(state: SocketState, payload: unknown, ack: Ack | undefined): void {
    const requestId = requestIdOf(payload);
    const ref = isObject(payload) ? payload.ref : undefined;
    const entry = typeof ref === 'string' ? state.views.get(ref) : undefined;
    if (!entry) return ack?.(toErrorAck(notFound(), requestId));
    state.views.delete(ref as string);
    this.free(entry);
    ack?.(toUnmountAck(requestId));
  }

  /** Server push: the view's assigns changed since the client last saw them → `assigns { ref, assigns }`. */
  private async push(socket: Socket, state: SocketState, ref: string): Promise<void> {
    const entry = state.views.get(ref);
    if (!entry) return; // still mounting (the mount ack carries everything), or gone
    if (entry.isBusy) {
      entry.pushWanted = true; // an ack is on its way; push what is left after it
      return;
    }
    try {
      const assigns = await this.dispatcher.pending(entry.mounted);
      if (state.views.get(ref) === entry && Object.keys(assigns).length > 0) socket.emit('assigns', { ref, assigns });
    } catch (err) {
      this.dispatcher.wireError(err, `${entry.mounted.record.slug} push`); // logged; the view's own code goes on
    }
  }

  /** One ack less in flight on `entry`; sends a push that waited for it. */
  private settle(socket: Socket, state: SocketState, entry: MountedEntry): void {
    if (!entry.leave() || !entry.pushWanted) return;
    entry.pushWanted = false;
    this.push(socket, state, entry.mounted.ref).catch((err: unknown) => this.logUnexpected('push', err));
  }

  /** Before each mount/event: a session-authenticated socket's session must still be alive. */
  private async requireSession(state: SocketState): Promise<void> {
    if (state.session && !(await state.session.check())) throw Object.assign(sessionEnded(), { endsSocket: true });
  }

  private fail(socket: Socket, err: unknown, where: string, ack: Ack, requestId: string): void {
    ack(toErrorAck(this.dispatcher.wireError(err, `${where} [request ${requestId}]`), requestId));
    if ((err as { endsSocket?: boolean } | null)?.endsSocket) socket.disconnect(); // after the ack; frees every view
  }

  private close(socket: Socket, state: SocketState): void {
    if (state.closed) return;
    state.closed = true;
    state.detach?.();
    this.states.delete(socket);
    this.admission.release(state);
    for (const entry of state.views.values()) this.free(entry);
    state.views.clear();
  }

  /** Frees a mounted view: its optional `unmount()` hook runs once the events admitted before are done. */
  private free(entry: MountedEntry): void {
    const { mounted } = entry;
    // A view that outlives its socket (a listener it forgot to remove) must not keep the socket alive.
    mounted.detach();
    this.topics.drop(entry.subscriptions);
    const hook = (mounted.view as unknown as { unmount?: () => unknown }).unmount;
    if (typeof hook !== 'function') return;
    entry
      .whenIdle()
      .then(() => mounted.idle())
      .then(() => hook.call(mounted.view))
      .catch((err: unknown) => this.dispatcher.wireError(err, `${mounted.record.slug}.unmount`));
  }
}

/** socket.io listener args → `[payload, ack]` (the ack is the last argument when it is a function). */
function split(args: unknown[]): [unknown, Ack | undefined] {
  const last = args[args.length - 1];
  return typeof last === 'function' ? [args.length > 1 ? args[0] : undefined, last as Ack] : [args[0], undefined];
}

/** The message's own `requestId` when it is safe to echo, else a new one (see `resolveRequestId`). */
function requestIdOf(payload: unknown): string {
  return resolveRequestId(isObject(payload) ? payload.requestId : undefined);
}

function isObject(value: unknown): value is Payload {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
