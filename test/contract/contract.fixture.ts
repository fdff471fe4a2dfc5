import { Injectable, Module, type INestApplication, type Type } from '@nestjs/common';
import { Exclude, Expose } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString } from 'class-validator';
import { io, type Socket } from 'socket.io-client';
import {
  apiResponse,
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  LoginRequired,
  PermissionRequired,
  RateLimit,
} from 'nestjs-djust';
import type { DjustAuth, DjustModuleOptions } from 'nestjs-djust';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AdapterName, RunningApp } from '../support/app.js';
import { checkedAck } from '../support/ws-ack.js';

/** A contract-test user. */
export interface ContractUser {
  id: number;
  username: string;
  permissions?: string[] | Set<string>;
  isSuperuser?: boolean;
}

/** Counts what ran inside views (proves checks ran before the view). */
@Injectable()
export class Probe {
  mounts = 0;
  apiMounts = 0;
  handlerRuns = 0;
  instances = new Set<object>();
  lastMountParams: unknown;
}

/** The user directory the token auth class reads (an injected dependency of the auth class). */
@Injectable()
export class UserDirectory {
  readonly users: Record<string, ContractUser> = {
    alice: { id: 1, username: 'alice', permissions: ['orders.view_order', 'orders.change_order'] },
    bob: { id: 2, username: 'bob', permissions: ['orders.view_order'] },
    carol: { id: 3, username: 'carol', permissions: [] },
    root: { id: 4, username: 'root', permissions: [], isSuperuser: true },
    sety: { id: 5, username: 'sety', permissions: new Set(['orders.view_order', 'orders.change_order']) },
  };
}

/** Bearer token auth: `Authorization: Bearer <username>`. An injectable provider, CSRF-exempt. */
@Injectable()
export class ContractTokenAuth implements DjustAuth {
  static csrfExempt = true;
  constructor(private readonly directory: UserDirectory) {}

  authenticate(req: { headers: Record<string, string | string[] | undefined> }): ContractUser | null {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
    return this.directory.users[header.slice(7)] ?? null;
  }
}

/** Accepts `X-Api-Key: key-<username>`; used to check the order of auth classes. CSRF-exempt. */
@Injectable()
export class ApiKeyAuth implements DjustAuth {
  static csrfExempt = true;
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): Promise<ContractUser | null> {
    const key = req.headers['x-api-key'];
    return Promise.resolve(typeof key === 'string' && key.startsWith('key-') ? { id: 100, username: `apikey:${key.slice(4)}`, permissions: [] } : null);
  }
}

/** A bearer header. */
export const bearer = (name: string): Record<string, string> => ({ authorization: `Bearer ${name}` });

/** update_status DTO. */
export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsString() status!: string;
}

/** Coercion DTO. */
export class FlagsDto {
  @IsBoolean() flag!: boolean;
  @IsNumber() amount!: number;
  @IsOptional() @IsInt() count?: number;
}

/** Refund DTO. */
export class RefundDto {
  @IsInt() order_id!: number;
}

/** A class instance result with an excluded field and a date. */
export class Invoice {
  id = 7;
  @Exclude() secret = 'do-not-send';
  issuedAt = new Date('2024-01-02T03:04:05.000Z');
  @Expose() get label(): string {
    return `INV-${this.id}`;
  }
}

/** An injected repository: never an assign. */
@Injectable()
export class OrderRepository {
  readonly saved: Array<{ order_id: number; status: string }> = [];
}

/** The main view: slug `order`. */
@LiveView()
export class OrderView extends LiveViewBase {
  status = 'new';
  count = 0;
  tags: string[] = [];
  invoice: Invoice | null = null;
  _cache = new Map<string, string>();

  constructor(
    private readonly orders: OrderRepository,
    public readonly probe: Probe,
  ) {
    super();
    probe.instances.add(this);
  }

  mount(params: Record<string, unknown>): void {
    this.probe.mounts++;
    this.probe.lastMountParams = params;
    if (typeof params?.mount_status === 'string') this.status = params.mount_status;
  }

  @EventHandler({ exposeApi: true, description: 'Mark an order as shipped. Idempotent.', summary: 'Update status', deprecated: false })
  async update_status({ order_id, status }: UpdateStatusDto) {
    this.probe.handlerRuns++;
    this.orders.saved.push({ order_id, status });
    this.status = status;
    this._cache.set('x', 'y');
    return { order_id, status };
  }

  @EventHandler({ exposeApi: true })
  flags(dto: FlagsDto) {
    this.probe.handlerRuns++;
    return { flag: dto.flag, amount: dto.amount, count: dto.count ?? null, types: [typeof dto.flag, typeof dto.amount], keys: Object.keys(dto).sort() };
  }

  @EventHandler({ exposeApi: true })
  ping() {
    this.probe.handlerRuns++;
  }

  @EventHandler({ exposeApi: true })
  bump() {
    this.count++;
    return this.count;
  }

  @EventHandler({ exposeApi: true })
  same_value() {
    this.status = 'new';
    this.count = this.count + 0;
    return 'ok';
  }

  @EventHandler({ exposeApi: true })
  boom(): never {
    throw new Error('secret-db-password-xyz');
  }

  @EventHandler({ exposeApi: true })
  created() {
    this.status = 'created';
    return apiResponse({ result: { id: 1 }, status: 201 });
  }

  @EventHandler({ exposeApi: true })
  serialized() {
    return apiResponse({ result: new Map([['a', 1]]), serialize: (m: Map<string, number>) => Object.fromEntries(m) });
  }

  @EventHandler({ exposeApi: true })
  classy() {
    this.invoice = new Invoice();
    return new Invoice();
  }

  @EventHandler({ exposeApi: true })
  context() {
    return {
      transport: this.transport,
      hasHttpRequest: this.httpRequest !== undefined && this.httpRequest !== null,
      user: (this.user as ContractUser | undefined)?.username ?? null,
      injected: this.orders instanceof OrderRepository,
      sameInstanceCount: this.probe.instances.size,
    };
  }

  @EventHandler()
  ws_only() {
    return 'ws';
  }

  plain_method() {
    return 'plain';
  }

  _private() {
    return 'private';
  }

  @EventHandler({ exposeApi: true })
  camelCaseHandler() {
    return 'camel';
  }
}

/** Slug `order-detail`. */
@LiveView()
export class OrderDetailView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  hello() {
    return 'detail';
  }
}

/** Slug from apiName. */
@LiveView({ apiName: 'custom-slug' })
export class SomethingElseView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  hello() {
    return 'custom';
  }
}

/** apiMount runs instead of mount over HTTP. */
@LiveView()
export class MountingView extends LiveViewBase {
  source = 'none';
  constructor(private readonly probe: Probe) {
    super();
  }
  mount() {
    this.probe.mounts++;
    this.source = 'mount';
  }
  apiMount() {
    this.probe.apiMounts++;
    this.source = 'apiMount';
  }
  @EventHandler({ exposeApi: true })
  which() {
    return this.source;
  }
}

/** View-level permission; handler permission + rate limit. */
@LiveView()
@PermissionRequired('orders.view_order')
export class SecureView extends LiveViewBase {
  total = 0;
  constructor(private readonly probe: Probe) {
    super();
  }
  mount() {
    this.probe.mounts++;
  }
  @EventHandler({ exposeApi: true })
  look() {
    this.probe.handlerRuns++;
    return 'looked';
  }
  @EventHandler({ exposeApi: true })
  @PermissionRequired('orders.change_order')
  @RateLimit({ limit: 2, ttl: 60_000 })
  refund({ order_id }: RefundDto) {
    this.probe.handlerRuns++;
    return { order_id, refunded: true };
  }
}

/** View-level login. */
@LiveView()
@LoginRequired()
export class MemberView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  whoami() {
    return (this.user as ContractUser).username;
  }
}

/** Public view (no login, no permission). */
@LiveView()
export class PublicView extends LiveViewBase {
  greeting = 'hello';
  @EventHandler({ exposeApi: true })
  greet() {
    this.greeting = 'hi';
    return (this.user as ContractUser | undefined)?.username ?? null;
  }
}

/** View-level rate limit: one bucket per handler. */
@LiveView()
@RateLimit({ limit: 1, ttl: 60_000 })
export class LimitedView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  first() {
    return 1;
  }
  @EventHandler({ exposeApi: true })
  second() {
    return 2;
  }
  @EventHandler({ exposeApi: true })
  typed({ order_id }: RefundDto) {
    return order_id;
  }
}

/** Auth classes on the view, in order: ApiKeyAuth first. */
@LiveView({ authClasses: [ApiKeyAuth, ContractTokenAuth] })
export class MultiAuthView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  who() {
    return (this.user as ContractUser).username;
  }
}

/** Every view of the main contract app. */
export const CORE_VIEWS: Type[] = [OrderView, OrderDetailView, SomethingElseView, MountingView, SecureView, MemberView, PublicView, LimitedView, MultiAuthView];

/** Builds the main contract module with the given options (token auth by default). */
export function coreModule(options: DjustModuleOptions = {}): Type {
  @Module({
    imports: [DjustModule.forRoot({ authClasses: [ContractTokenAuth], ...options })],
    providers: [Probe, UserDirectory, OrderRepository, ContractTokenAuth, ApiKeyAuth, ...CORE_VIEWS],
  })
  class CoreContractModule {}
  return CoreContractModule;
}

/** Bounded wait for socket I/O. */
export const IO_TIMEOUT_MS = 5_000;

/** Opens a socket.io client on a namespace and waits for connect (or rejects with the connect error). */
export async function openSocket(url: string, namespace = '/djust', opts: { token?: string; headers?: Record<string, string> } = {}): Promise<Socket> {
  const socket = io(`${url}${namespace}`, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: opts.headers,
    auth: opts.token ? { token: opts.token } : {},
    timeout: IO_TIMEOUT_MS,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
  return socket;
}

/** Emits with an ack (bounded wait). */
export async function emit(socket: Socket, event: string, payload: unknown): Promise<any> {
  return checkedAck(await socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, payload), payload);
}

/** A running app plus the sockets to close with it. */
export interface ContractApp extends RunningApp {
  socket(namespace?: string, opts?: { token?: string; headers?: Record<string, string> }): Promise<Socket>;
}

/** Boots a module; sockets opened via `socket()` are closed by `close()`. */
export async function boot(module: Type, adapter: AdapterName, configure?: (app: INestApplication) => void | Promise<void>): Promise<ContractApp> {
  const nest = await NestFactory.create(module, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: process.env.DJUST_TEST_LOGS ? undefined : false,
    abortOnError: false,
  });
  await configure?.(nest);
  await nest.listen(0, '127.0.0.1');
  const running: RunningApp = { app: nest, url: `http://127.0.0.1:${nest.getHttpServer().address().port}`, close: () => nest.close() };
  const sockets: Socket[] = [];
  return {
    ...running,
    async socket(namespace = '/djust', opts = {}) {
      const s = await openSocket(running.url, namespace, opts);
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await running.close();
    },
  };
}
