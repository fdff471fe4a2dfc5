import { Global, Injectable, Module, type CanActivate, type PipeTransform } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { IsInt, IsOptional } from 'class-validator';
import {
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  LoginRequired,
  PermissionRequired,
  SessionAuth,
  type DjustAuth,
  type DjustModuleOptions,
} from '../../src/index.js';
import { DJUST_CLOCK } from '../../src/djust.internal-constants.js';
import type { FakeClock } from '../support/fake-clock.js';

/** A user of {@link WsTokenAuth}. */
export interface WsUser {
  id: string;
  username: string;
  permissions: string[];
}

/**
 * Bearer tokens that describe their user: `u:<id>` or `u:<id>:<perm>,<perm>`.
 * Any id works, so each test (and each transport of a parity run) can use a
 * caller of its own. CSRF-exempt (a header, not a cookie).
 */
@Injectable()
export class WsTokenAuth implements DjustAuth {
  static csrfExempt = true;

  authenticate(req: { headers: Record<string, string | string[] | undefined> }): WsUser | null {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer u:')) return null;
    const [id, perms = ''] = header.slice('Bearer u:'.length).split(':');
    if (!id) return null;
    return { id, username: id, permissions: perms ? perms.split(',') : [] };
  }
}

/** A deferred the tests resolve by hand. */
export class Gate {
  readonly promise: Promise<void>;
  open!: () => void;
  constructor() {
    this.promise = new Promise((resolve) => (this.open = resolve));
  }
}

/** Shared with the views: what they record, and what the tests drive. */
@Injectable()
export class ViewTracker {
  readonly unmounted: string[] = [];
  private readonly unmountWaiters: { n: number; resolve: () => void }[] = [];
  /** `slow()` waits on this gate. */
  gate = new Gate();
  /** `slow()` opens this one when it starts. */
  entered = new Gate();
  /** Listeners of the ticker service, by view. */
  readonly tickers = new Set<(n: number) => void>();

  recordUnmount(tag: string): void {
    this.unmounted.push(tag);
    for (const w of [...this.unmountWaiters]) {
      if (this.unmounted.length >= w.n) {
        this.unmountWaiters.splice(this.unmountWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once `n` unmount hooks ran in total. */
  untilUnmounted(n: number): Promise<void> {
    if (this.unmounted.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.unmountWaiters.push({ n, resolve }));
  }

  /** A service event: every subscribed ticker view gets `n`. */
  tick(n: number): void {
    for (const listener of [...this.tickers]) listener(n);
  }
}

export class IncrementDto {
  @IsOptional() @IsInt() by?: number;
}

/** A public view (no login): anonymous sockets may mount it. */
@LiveView()
export class CounterView extends LiveViewBase {
  count = 0;
  label = 'counter';
  _secret = 'never sent';

  constructor(private readonly tracker: ViewTracker) {
    super();
  }

  mount(params: Record<string, unknown>): void {
    if (typeof params.start === 'number') this.count = params.start;
    if (typeof params.label === 'string') this.label = params.label;
  }

  @EventHandler({ exposeApi: true })
  increment({ by }: IncrementDto) {
    this.count += by ?? 1;
    return this.count;
  }

  @EventHandler()
  whoami() {
    return { user: this.user?.username ?? null, transport: this.transport, hasRequest: this.httpRequest !== undefined };
  }

  @EventHandler()
  boom() {
    throw new Error('secret database password is hunter2');
  }

  /** Waits on the tracker's gate, then increments. */
  @EventHandler()
  async slow() {
    await this.tracker.gate.promise;
    this.count++;
    return 'slow done';
  }

  /** Pushes from inside a handler (must not deadlock), then changes more. */
  @EventHandler()
  async push_inside() {
    this.count = 100;
    await this.pushAssigns();
    this.label = 'after push';
    return 'pushed';
  }

  unmount(): void {
    this.tracker.recordUnmount(`counter:${this.label}`);
  }
}

/** Server push: follows the tracker's ticks outside any client event. */
@LiveView()
export class TickerView extends LiveViewBase {
  tick = 0;
  history: number[] = [];
  private _listener?: (n: number) => void;

  constructor(private readonly tracker: ViewTracker) {
    super();
  }

  mount(): void {
    this._listener = (n) => {
      this.tick = n;
      this.history.push(n);
      void this.pushAssigns();
    };
    this.tracker.tickers.add(this._listener);
  }

  @EventHandler()
  reset() {
    this.history = [];
    return true;
  }

  /** Pushes without any change: nothing is sent. */
  @EventHandler()
  async noop_push() {
    await this.pushAssigns();
    return 'nothing to push';
  }

  /** Waits on the tracker's gate (ticks may arrive meanwhile). */
  @EventHandler()
  async slow() {
    this.tracker.entered.open();
    await this.tracker.gate.promise;
    return 'slow done';
  }

  unmount(): void {
    if (this._listener) this.tracker.tickers.delete(this._listener);
    this.tracker.recordUnmount('ticker');
  }
}

/** Subscribes to the ticks and never unsubscribes (a bug): once unmounted, its pushes must go nowhere. */
@LiveView()
export class LeakyView extends LiveViewBase {
  tick = 0;

  constructor(private readonly tracker: ViewTracker) {
    super();
  }

  mount(): void {
    this.tracker.tickers.add((n) => {
      this.tick = n;
      void this.pushAssigns();
    });
  }
}

/** Requires a login. */
@LiveView()
@LoginRequired()
export class PrivateView extends LiveViewBase {
  owner = '';

  mount(): void {
    this.owner = this.user.username;
  }

  @EventHandler()
  whoami() {
    return this.user.username;
  }
}

/** Requires a permission. */
@LiveView()
@PermissionRequired('reports.view')
export class ReportView extends LiveViewBase {
  rows = 3;
}

/** `mount` throws. */
@LiveView()
export class BrokenView extends LiveViewBase {
  mount(): void {
    throw new Error('mount secret 42');
  }
}

/** A global guard and pipe written for the app's own HTTP controllers: djust traffic must not go through them. */
@Injectable()
export class HttpOnlyGuard implements CanActivate {
  canActivate(): boolean {
    throw new Error('the app guard ran on djust traffic');
  }
}

@Injectable()
export class ExplodingPipe implements PipeTransform {
  transform(): never {
    throw new Error('the app pipe ran on djust traffic');
  }
}

/** Options of {@link gatewayModule}. */
export interface GatewayModuleOptions {
  djust?: DjustModuleOptions;
  /** The gateway's clock (events per second). Default: real time. */
  clock?: FakeClock;
  /** Register an APP_GUARD and an APP_PIPE that throw. */
  hostileGlobals?: boolean;
}

/** The module of the gateway e2e tests: token auth first, then SessionAuth (cookie sockets). */
export function gatewayModule(options: GatewayModuleOptions = {}) {
  const clockProviders = options.clock ? [{ provide: DJUST_CLOCK, useValue: options.clock }] : [];

  @Global()
  @Module({ providers: clockProviders, exports: clockProviders.map((p) => p.provide) })
  class GatewayClockModule {}

  @Module({
    imports: [GatewayClockModule, DjustModule.forRoot({ authClasses: [WsTokenAuth, SessionAuth], ...options.djust })],
    providers: [
      ViewTracker,
      WsTokenAuth,
      CounterView,
      TickerView,
      LeakyView,
      PrivateView,
      ReportView,
      BrokenView,
      ...(options.hostileGlobals
        ? [
            { provide: APP_GUARD, useClass: HttpOnlyGuard },
            { provide: APP_PIPE, useClass: ExplodingPipe },
          ]
        : []),
    ],
  })
  class GatewayTestModule {}
  return GatewayTestModule;
}
