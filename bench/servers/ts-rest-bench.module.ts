/**
 * The seed's `update_status` with `@ts-rest/nest`, as its docs write a handler:
 * a contract (`initContract`) with the zod 4 body schema, implemented in a Nest
 * controller with `@TsRestHandler` + `tsRestHandler`. The bearer check is a Nest
 * guard (ts-rest leaves auth to Nest), the same guard as the hand-written
 * controller's. ts-rest validates the body (its default); responses are not
 * validated (its default), as no other server validates its answer.
 *
 * @ts-rest 3.52 (the latest stable 3.x) declares peers `@nestjs/*` ^9–^11 and
 * `zod` ^3.22; package.json overrides them to the project's Nest 12 and zod 4.
 * Its runtime only calls the schema's `safeParse`, which zod 4 has, so the body
 * is validated by the same zod 4 schema as `@orpc/nest`'s. The route is a
 * `c.mutation`: `c.router`'s typings merge headers through zod 3's
 * `AnyZodObject`, which zod 4 lacks, and lose the route's shape; `c.mutation`
 * keeps it (the body is inferred from the zod 4 schema).
 */
import { Controller, Module, UseGuards } from '@nestjs/common';
import { initContract } from '@ts-rest/core';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { OrderRepository } from './bench-domain.js';
import { UpdateStatusSchema, type UpdateStatusEnvelope } from './bench-zod.js';
import { BearerAuthGuard } from './nest-bench.module.js';

const c = initContract();

/** The contract: `POST /djust/api/order/update_status`, zod body, typed 200. */
export const tsRestUpdateStatus = c.mutation({
  method: 'POST',
  path: '/djust/api/order/update_status',
  body: UpdateStatusSchema,
  responses: { 200: c.type<UpdateStatusEnvelope>() },
});

@Controller()
@UseGuards(BearerAuthGuard)
export class TsRestOrderController {
  constructor(private readonly orders: OrderRepository) {}

  @TsRestHandler(tsRestUpdateStatus)
  updateStatus() {
    return tsRestHandler(tsRestUpdateStatus, async ({ body: { order_id, status } }) => {
      this.orders.setStatus(order_id, status);
      return { status: 200 as const, body: { result: { order_id, status }, assigns: {} } };
    });
  }
}

/** The `@ts-rest/nest` app. */
@Module({
  controllers: [TsRestOrderController],
  providers: [OrderRepository, BearerAuthGuard],
})
export class TsRestBenchModule {}
