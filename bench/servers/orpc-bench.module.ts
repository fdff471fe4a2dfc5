/**
 * The seed's `update_status` with `@orpc/nest`, as oRPC's NestJS guide
 * ("Implement Contract in NestJS") writes it: a contract with an OpenAPI route
 * and a zod 4 input schema, implemented in a Nest controller with `@Implement`,
 * the bearer check an oRPC middleware.
 *
 * The middleware reads the `Authorization` header from the context that oRPC's
 * `RequestHeadersPlugin` fills (`reqHeaders`), a plugin set once in
 * `ORPCModule.forRoot`. (The guide's other way, `forRootAsync` with `REQUEST`
 * injected to put the request into `context`, makes the module's config and
 * interceptor request-scoped: the factory runs, and the interceptor and its
 * codec are built, on every request.)
 *
 * The guide recommends `bodyParser: false` (oRPC parses the body itself); the
 * server entry creates this app that way.
 */
import { Controller, Module } from '@nestjs/common';
import { oc, type } from '@orpc/contract';
import { Implement, implement, ORPCError, ORPCModule } from '@orpc/nest';
import { RequestHeadersPlugin, type RequestHeadersPluginContext } from '@orpc/server/plugins';
import { OrderRepository, userFromAuthorization } from './bench-domain.js';
import { UpdateStatusSchema, type UpdateStatusEnvelope } from './bench-zod.js';

/** The contract: `POST /djust/api/order/update_status`, zod input, typed output. */
export const orpcOrderContract = {
  updateStatus: oc
    .route({ method: 'POST', path: '/djust/api/order/update_status' })
    .input(UpdateStatusSchema)
    .output(type<UpdateStatusEnvelope>()),
};

/** The contract's implementer with the bearer middleware: 401 without a known token. */
const authed = implement(orpcOrderContract)
  .$context<RequestHeadersPluginContext>()
  .use(({ context, next }) => {
    const user = userFromAuthorization(context.reqHeaders?.get('authorization'));
    if (!user) throw new ORPCError('UNAUTHORIZED');
    return next({ context: { user } });
  });

@Controller()
export class OrpcOrderController {
  constructor(private readonly orders: OrderRepository) {}

  @Implement(orpcOrderContract.updateStatus)
  updateStatus() {
    return authed.updateStatus.handler(({ input: { order_id, status } }) => {
      this.orders.setStatus(order_id, status);
      return { result: { order_id, status }, assigns: {} };
    });
  }
}

/** The `@orpc/nest` app (same work as the others; create it with `bodyParser: false`). */
@Module({
  // `context` must be set: the plugin spreads it into each request's own context.
  imports: [ORPCModule.forRoot({ context: {}, plugins: [new RequestHeadersPlugin()] })],
  controllers: [OrpcOrderController],
  providers: [OrderRepository],
})
export class OrpcBenchModule {}
