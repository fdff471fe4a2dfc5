import { Injectable, Module, NotFoundException } from '@nestjs/common';
import { Exclude, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  LoginRequired,
  PermissionRequired,
  RateLimit,
  apiResponse,
  type DjustModuleOptions,
} from '../../src/index.js';
import { TestTokenAuth } from '../support/token-auth.js';

/** A repository injected into the view: proves DI works per call. */
@Injectable()
export class OrderRepository {
  readonly statuses = new Map<number, string>();
  setStatus(id: number, status: string): void {
    this.statuses.set(id, status);
  }
}

export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsString() @MaxLength(50) status!: string;
}

export class RefundDto {
  @IsInt() order_id!: number;
  @IsOptional() @IsString() reason: string = '';
}

export class FlagDto {
  @IsBoolean() enabled!: boolean;
  @IsOptional() @IsInt() @Min(0) count?: number;
}

export class LineDto {
  @IsString() sku!: string;
  @IsInt() qty!: number;
}

export class CartDto {
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => LineDto) lines!: LineDto[];
}

export class Secretive {
  name = 'visible';
  @Exclude() password = 'hunter2';
}

let instances = 0;
/** How many OrderView instances were created so far. */
export const instanceCount = (): number => instances;

@LiveView({ apiName: 'order' })
export class OrderView extends LiveViewBase {
  status = 'new';
  items: string[] = [];
  count = 0;
  mounted_with: unknown = null;
  _cache = new Map<string, string>();

  constructor(private readonly orders: OrderRepository) {
    super();
    instances++;
  }

  mount(params: Record<string, unknown>): void {
    this.mounted_with = Object.keys(params).length ? params : null;
  }

  @EventHandler({ exposeApi: true, description: 'Mark an order as shipped. Idempotent.' })
  async update_status({ order_id, status }: UpdateStatusDto) {
    this.orders.setStatus(order_id, status);
    return { order_id, status };
  }

  @EventHandler({ exposeApi: true })
  @PermissionRequired('orders.change_order')
  @RateLimit({ limit: 3, ttl: 60_000 })
  refund({ order_id, reason }: RefundDto) {
    this.status = 'refunded';
    return { order_id, refunded: true, reason };
  }

  @EventHandler({ exposeApi: true })
  touch({ sku }: LineDto) {
    this.items.push(sku);
    this.count++;
    this._cache.set(sku, sku);
    return this.items.length;
  }

  @EventHandler({ exposeApi: true })
  flags(dto: FlagDto) {
    return { enabled: dto.enabled, count: dto.count ?? null, isDto: dto instanceof FlagDto };
  }

  @EventHandler({ exposeApi: true })
  cart(dto: CartDto) {
    return { lines: dto.lines.length, first: dto.lines[0], nestedIsDto: dto.lines[0] instanceof LineDto };
  }

  @EventHandler({ exposeApi: true })
  nothing() {
    return undefined;
  }

  @EventHandler({ exposeApi: true })
  whoami() {
    return { transport: this.transport, hasRequest: this.httpRequest !== undefined, user: (this.user as { username: string }).username };
  }

  @EventHandler({ exposeApi: true })
  boom() {
    throw new Error('secret database password is hunter2');
  }

  @EventHandler({ exposeApi: true })
  missing_order() {
    throw new NotFoundException('Order 42 does not exist');
  }

  @EventHandler({ exposeApi: true })
  cyclic() {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    return a;
  }

  @EventHandler({ exposeApi: true })
  big() {
    return { n: 10n };
  }

  @EventHandler({ exposeApi: true })
  typed() {
    return { when: new Date('2024-01-02T03:04:05.000Z'), who: new Secretive() };
  }

  @EventHandler({ exposeApi: true })
  create({ order_id }: RefundDto) {
    return apiResponse({ result: { order_id, created: true }, status: 201 });
  }

  @EventHandler({ exposeApi: true })
  chart({ sku }: LineDto) {
    if (this.httpRequest) return apiResponse({ result: { sku, points: [1, 2, 3] }, serialize: (r) => ({ ...r, serialized: true }) });
    this.items = [sku];
    return null;
  }

  @EventHandler()
  ws_only() {
    return 'ws';
  }

  helper() {
    return 'not a handler';
  }

  _private() {
    return 'private';
  }
}

@LiveView()
@LoginRequired()
@PermissionRequired('orders.view_order')
export class OrderDetailView extends LiveViewBase {
  detail = 'x';

  @EventHandler({ exposeApi: true })
  show() {
    return { detail: this.detail };
  }
}

/** The module every core e2e test boots. */
export function coreModule(options: DjustModuleOptions = {}) {
  @Module({
    imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth], ...options })],
    providers: [OrderRepository, TestTokenAuth, OrderView, OrderDetailView],
  })
  class CoreTestModule {}
  return CoreTestModule;
}
