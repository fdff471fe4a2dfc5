import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import { DjustPipeline, type MountedView } from '../core/djust-pipeline.service.js';
import type { ResolvedDjustOptions } from '../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS } from '../djust.internal-constants.js';
import { DjustException, notFound } from '../errors/djust.exception.js';
import type { CallContext } from '../core/call-context.interface.js';
import { originAllowed, wsContext } from './ws-context.js';

/** Per-socket state. */
interface SocketState {
  readonly ctx: CallContext;
  readonly views: Map<string, MountedView>;
  windowStart: number;
  windowCount: number;
}

type Ack = Record<string, unknown>;

/**
 * The socket.io transport: `mount`, `event`, `unmount` with acks, and `assigns`
 * pushes. It only translates: every check runs in the shared pipeline.
 * (A subclass bound to the namespace `/<prefix>` is created by the module.)
 */
export class DjustGatewayBase implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('Djust');
  private readonly perCaller = new Map<string, number>();

  constructor(
    @Inject(DjustPipeline) private readonly pipeline: DjustPipeline,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
  ) {}

  afterInit(server: any): void {
    // Refuse cross-site WebSocket hijacking before the connection is accepted.
    server.use?.((socket: any, next: (err?: Error) => void) => {
      const headers = socket.request?.headers ?? {};
      if (!originAllowed(headers, this.options.allowedOrigins)) return next(Object.assign(new Error('origin not allowed'), { data: { error: 'permission_denied', status: 403 } }));
      const caller = socket.handshake?.address ?? 'unknown';
      if ((this.perCaller.get(caller) ?? 0) >= this.options.ws.maxSocketsPerCaller) {
        return next(Object.assign(new Error('too many sockets'), { data: { error: 'rate_limited', status: 429 } }));
      }
      next();
    });
  }

  handleConnection(socket: any): void {
    const caller = socket.handshake?.address ?? 'unknown';
    this.perCaller.set(caller, (this.perCaller.get(caller) ?? 0) + 1);
    socket.data.djust = { ctx: wsContext(socket), views: new Map(), windowStart: 0, windowCount: 0 } satisfies SocketState;
  }

  handleDisconnect(socket: any): void {
    const caller = socket.handshake?.address ?? 'unknown';
    const n = (this.perCaller.get(caller) ?? 1) - 1;
    if (n <= 0) this.perCaller.delete(caller);
    else this.perCaller.set(caller, n);
    const state: SocketState | undefined = socket.data?.djust;
    if (!state) return;
    for (const mounted of state.views.values()) this.release(mounted);
    state.views.clear();
  }

  @SubscribeMessage('mount')
  async onMount(@ConnectedSocket() socket: any, @MessageBody() payload: any): Promise<Ack> {
    const state = this.state(socket);
    try {
      this.admit(state, payload);
      if (state.views.size >= this.options.ws.maxViewsPerSocket) {
        throw new DjustException('rate_limited', { non_field_errors: [`At most ${this.options.ws.maxViewsPerSocket} views per socket.`] }, 'Too many mounted views.');
      }
      if (typeof payload?.view !== 'string') throw notFound();
      const ref = randomUUID();
      let mounted: MountedView | undefined;
      const push = async (): Promise<void> => {
        if (!mounted || state.views.get(ref) !== mounted) return;
        const assigns = await this.pipeline.pending(mounted);
        if (Object.keys(assigns).length) socket.emit('assigns', { ref, assigns });
      };
      const out = await this.pipeline.mount(ref, payload.view, payload.params, state.ctx, push);
      mounted = out.mounted;
      if (!socket.connected) {
        this.release(mounted);
        return { error: 'not_found', details: {}, status: 404 };
      }
      state.views.set(ref, mounted);
      return { ref, assigns: out.assigns };
    } catch (err) {
      return this.errorAck(err, `mount ${String(payload?.view)}`);
    }
  }

  @SubscribeMessage('event')
  async onEvent(@ConnectedSocket() socket: any, @MessageBody() payload: any): Promise<Ack> {
    const state = this.state(socket);
    try {
      this.admit(state, payload);
      const mounted = typeof payload?.ref === 'string' ? state.views.get(payload.ref) : undefined;
      if (!mounted || typeof payload?.handler !== 'string') throw notFound();
      return await this.pipeline.event(mounted, payload.handler, payload.params ?? undefined);
    } catch (err) {
      return this.errorAck(err, `event ${String(payload?.handler)}`);
    }
  }

  @SubscribeMessage('unmount')
  onUnmount(@ConnectedSocket() socket: any, @MessageBody() payload: any): Ack {
    const state = this.state(socket);
    const mounted = typeof payload?.ref === 'string' ? state.views.get(payload.ref) : undefined;
    if (!mounted) return this.errorAck(notFound(), 'unmount');
    state.views.delete(payload.ref);
    this.release(mounted);
    return { ok: true };
  }

  private state(socket: any): SocketState {
    return (socket.data.djust ??= { ctx: wsContext(socket), views: new Map(), windowStart: 0, windowCount: 0 });
  }

  /** Per-socket events-per-second and message-size limits. */
  private admit(state: SocketState, payload: unknown): void {
    const now = Date.now();
    if (now - state.windowStart >= 1000) {
      state.windowStart = now;
      state.windowCount = 0;
    }
    if (++state.windowCount > this.options.ws.eventsPerSecond) {
      throw new DjustException('rate_limited', { non_field_errors: [`At most ${this.options.ws.eventsPerSecond} messages per second per socket.`] }, 'Too many messages.', { 'Retry-After': '1' });
    }
    if (payload !== null && typeof payload === 'object') {
      let size: number;
      try {
        size = JSON.stringify(payload).length;
      } catch {
        throw new DjustException('validation_error', { non_field_errors: ['Unreadable payload.'] }, 'Invalid input.');
      }
      if (size > this.options.ws.maxMessageSize) throw new DjustException('payload_too_large', { limit: this.options.ws.maxMessageSize }, 'Message too large.');
    }
  }

  private errorAck(err: unknown, where: string): Ack {
    const wire = this.pipeline.wireError(err, where);
    return { ...wire.toBody(), status: wire.status };
  }

  /** Frees a mounted view, running its optional `unmount()` hook. */
  private release(mounted: MountedView): void {
    const hook = (mounted.view as unknown as { unmount?: () => unknown }).unmount;
    if (typeof hook !== 'function') return;
    Promise.resolve()
      .then(() => hook.call(mounted.view))
      .catch((e) => this.logger.error(`${mounted.record.slug}.unmount threw: ${e instanceof Error ? e.stack : String(e)}`));
  }
}
