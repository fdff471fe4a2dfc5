import { Module, type DynamicModule } from '@nestjs/common';
import { DjustModule, type DjustThrottlerStorage } from '../src/index.js';
import { AuthController } from './auth/auth.controller.js';
import { LoginGuard } from './auth/login.guard.js';
import { SamplePassport, createSamplePassport } from './auth/sample-passport.factory.js';
import { TokenAuth } from './auth/token-auth.js';
import { UserRepository } from './auth/user.repository.js';
import { SampleDatabaseModule, type SampleDatabaseOptions } from './database/sample-database.module.js';
import { ChartView } from './orders/chart.view.js';
import { FulfillmentView } from './orders/fulfillment.view.js';
import { OrderView } from './orders/order.view.js';
import { OrderRepository } from './orders/order.repository.js';
import { HealthController } from './health/health.controller.js';
import { SampleRedis } from './scaleout/sample-redis.js';

/** Options of the sample module. */
export interface SampleModuleOptions extends SampleDatabaseOptions {
  /** `true`: 500 responses carry `details.traceback`. Default `false`. */
  debug?: boolean;
  /** Where rate-limit buckets live. Default: in this process's memory. With `REDIS_URL`: Redis, shared by every process. */
  throttlerStorage?: DjustThrottlerStorage;
  /** The Redis connections of a scaled-out sample (`createSampleApp` makes them from `redisUrl`): also the idempotency store; closed when the app shuts down. */
  redis?: SampleRedis;
}

/**
 * The sample app: orders in a database, three LiveViews (`order`, `chart`,
 * `fulfillment`), session login and token auth.
 */
@Module({})
export class SampleModule {
  static forRoot(options: SampleModuleOptions = {}): DynamicModule {
    return {
      module: SampleModule,
      imports: [
        SampleDatabaseModule.forRoot(options),
        DjustModule.forRoot({
          debug: options.debug ?? false,
          openapi: { title: 'nestjs-djust sample', version: '1.0.0' },
          logExposure: true,
          throttlerStorage: options.throttlerStorage,
          // Exactly-once calls across processes: an event resent after a failover finds its kept ack on whichever process answers.
          idempotency: options.redis ? { store: options.redis.idempotencyStore() } : undefined,
        }),
      ],
      controllers: [AuthController, HealthController],
      providers: [
        OrderRepository,
        UserRepository,
        TokenAuth,
        { provide: SamplePassport, useFactory: createSamplePassport, inject: [UserRepository] },
        LoginGuard,
        OrderView,
        ChartView,
        FulfillmentView,
        ...(options.redis ? [{ provide: SampleRedis, useValue: options.redis }] : []),
      ],
    };
  }
}
