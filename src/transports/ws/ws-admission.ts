import type { Socket } from 'socket.io';
import type { Authenticator } from '../../auth/authenticator.js';
import type { ResolvedDjustOptions } from '../../core/resolved-options.js';
import type { ViewRecord } from '../../discovery/view-record.interface.js';
import { callerKey } from '../../rate-limit/caller-key.util.js';
import { CallerSockets } from './caller-sockets.registry.js';
import { EventRateLimiter } from './event-rate.limiter.js';
import type { TrustProxyFn } from './handshake-ip.js';
import { SessionWatch } from './session-watch.js';
import { SocketState } from './socket-state.js';
import { wsContext } from './ws-context.js';
import { originRefused, tooManySockets } from '../../protocol/wire-errors.js';
import { connectError } from './ws-encoder.js';
import { WsOriginPolicy } from './ws-origin.policy.js';

/**
 * Who may open a socket, checked once per connection before it is accepted:
 * the Origin policy for cookie-carrying handshakes, then the module's default
 * auth classes against the handshake — to know the caller (user id, else IP)
 * for `ws.maxSocketsPerCaller`. Builds the socket's {@link SocketState}.
 * Refusals are `connect_error`s whose `data` is `{ error, details, status }`.
 */
export class WsAdmission {
  private readonly callers: CallerSockets;
  private readonly origins: WsOriginPolicy;
  /** The module's default auth classes, shaped as the authenticator reads a view. */
  private readonly connectionView: ViewRecord;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly options: ResolvedDjustOptions,
    private readonly trustProxy: () => TrustProxyFn | undefined,
    private readonly now: () => number,
  ) {
    this.callers = new CallerSockets(options.ws.maxSocketsPerCaller);
    this.origins = new WsOriginPolicy(options.allowedOrigins);
    this.connectionView = { authClasses: options.authClasses, csrfExempt: true } as Partial<ViewRecord> as ViewRecord;
  }

  /** Admits a handshake (or throws a `connect_error`), counting it for its caller until {@link release}. */
  async admit(socket: Socket): Promise<SocketState> {
    if (!this.origins.allows(socket.request.headers)) throw connectError(originRefused());
    const ctx = wsContext(socket, this.trustProxy());
    const { user } = await this.authenticator.authenticate(this.connectionView, ctx);
    const caller = callerKey(user, ctx.ip);
    const { ws } = this.options;
    if (!this.callers.acquire(caller)) throw connectError(tooManySockets(ws.maxSocketsPerCaller));
    const session = SessionWatch.of(socket.request as { session?: unknown }, this.now);
    return new SocketState(ctx, caller, ws, new EventRateLimiter(ws.eventsPerSecond, this.now), session);
  }

  /** The socket is gone: one socket less for its caller. */
  release(state: SocketState): void {
    this.callers.release(state.caller);
  }
}
