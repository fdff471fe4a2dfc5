/**
 * The hand-written NestJS baseline for the seed's `update_status`: a controller
 * with a bearer auth guard and `ThrottlerGuard` (stock in-memory storage, limit
 * high enough never to refuse), the same DTO through a global `ValidationPipe`
 * (see the server entry), the same repository and the same response envelope.
 */
import { Body, Controller, HttpCode, Injectable, Module, Post, UnauthorizedException, UseGuards, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { OrderRepository, UpdateStatusDto, userFromAuthorization } from './bench-domain.js';

/** Bearer-token guard: puts the user on the request, 401 otherwise. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest();
    const user = userFromAuthorization(req.headers.authorization);
    if (!user) throw new UnauthorizedException();
    req.user = user;
    return true;
  }
}

@Controller('djust/api/order')
@UseGuards(BearerAuthGuard, ThrottlerGuard)
export class OrderController {
  constructor(private readonly orders: OrderRepository) {}

  @Post('update_status')
  @HttpCode(200)
  updateStatus(@Body() { order_id, status }: UpdateStatusDto) {
    this.orders.setStatus(order_id, status);
    return { result: { order_id, status }, assigns: {} };
  }
}

/** A limit no benchmark reaches. */
const HIGH_LIMIT = 1_000_000_000;

/** The hand-written app, with `ThrottlerGuard` at window `ttlMs`. */
export function nestBenchModule(ttlMs: number): DynamicModule {
  @Module({})
  class NestBenchModule {}
  return {
    module: NestBenchModule,
    imports: [ThrottlerModule.forRoot([{ ttl: ttlMs, limit: HIGH_LIMIT }])],
    controllers: [OrderController],
    providers: [OrderRepository, BearerAuthGuard],
  };
}
