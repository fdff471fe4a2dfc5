import type { CallContext } from '../../protocol/call-context.js';
import type { MountedView } from '../../core/mounted-view.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import type { EventRateLimiter } from './event-rate.limiter.js';
import { jsonSizeExceeds } from '../../serialization/json-size.util.js';
import type { SessionWatch } from './session-watch.js';
import { messageTooLarge, tooManyMessages, tooManyViews } from '../../protocol/wire-errors.js';

/** A view mounted on a socket, with its in-flight bookkeeping. */
export class MountedEntry {
  /** The `mount` ack and the `event`s in flight (admitted, not yet acked). Starts at 1: the mount's own ack. */
  private busy = 1;
  private idleWaiters: (() => void)[] = [];
  /** A push was asked for while busy: sent once the last ack is out. */
  pushWanted = false;

  constructor(
    readonly mounted: MountedView,
    /** Owns the view's topic subscriptions (ended when the view is freed). */
    readonly subscriptions: object,
  ) {}

  /** Whether an ack is on its way (its diff covers every change so far). */
  get isBusy(): boolean {
    return this.busy > 0;
  }

  /** One more event in flight. */
  enter(): void {
    this.busy++;
  }

  /** One ack less in flight; `true` when none is left. */
  leave(): boolean {
    if (--this.busy > 0) return false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
    return true;
  }

  /** Resolves once no event is in flight (the ones admitted before an unmount still complete). */
  whenIdle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** Limits of one socket, from `forRoot({ ws })`. 0 disables a limit. */
export interface SocketLimits {
  readonly maxViewsPerSocket: number;
  readonly eventsPerSecond: number;
  readonly maxMessageSize: number;
}

/** Everything the gateway keeps for one connected socket; dropped on disconnect. */
export class SocketState {
  readonly views = new Map<string, MountedEntry>();
  /** Mounts admitted but not finished: they hold a view slot. */
  private reserved = 0;
  closed = false;
  /** Removes the listeners the gateway put on the connection. */
  detach?: () => void;

  constructor(
    readonly ctx: CallContext,
    readonly caller: string,
    private readonly limits: SocketLimits,
    private readonly rate: EventRateLimiter,
    readonly session: SessionWatch | undefined,
  ) {}

  /** Events per second, then message size, for a `mount` or `event`. */
  admit(payload: unknown): DjustException | undefined {
    const wait = this.rate.take();
    if (wait > 0) return tooManyMessages(this.limits.eventsPerSecond, wait);
    const max = this.limits.maxMessageSize;
    if (max > 0 && jsonSizeExceeds(payload, max)) return messageTooLarge(max);
    return undefined;
  }

  /** Holds a view slot for a mount in flight (so concurrent mounts cannot overshoot). */
  reserveView(): DjustException | undefined {
    const max = this.limits.maxViewsPerSocket;
    if (max > 0 && this.views.size + this.reserved >= max) return tooManyViews(max);
    this.reserved++;
    return undefined;
  }

  /** Gives back a slot held by {@link reserveView}. */
  unreserveView(): void {
    this.reserved--;
  }
}
