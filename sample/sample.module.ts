import { Module, type DynamicModule } from '@nestjs/common';
import { DjustModule } from '../src/index.js';
import { AuthController } from './auth/auth.controller.js';
import { LoginGuard } from './auth/login.guard.js';
import { SamplePassport, createSamplePassport } from './auth/sample-passport.factory.js';
import { TokenAuth } from './auth/token-auth.js';
import { UserRepository } from './auth/user.repository.js';
import { SampleDatabaseModule, type SampleDatabaseOptions } from './database/sample-database.module.js';
import { ChartView } from './orders/chart.view.js';
import { FulfillmentView } from './orders/fulfillment.view.js';
import { OrderEvents } from './orders/order-events.service.js';
import { OrderView } from './orders/order.view.js';
import { OrderRepository } from './orders/order.repository.js';

/** Options of the sample module. */
export interface SampleModuleOptions extends SampleDatabaseOptions {
  /** `true`: 500 responses carry `details.traceback`. Default `false`. */
  debug?: boolean;
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
        }),
      ],
      controllers: [AuthController],
      providers: [
        OrderEvents,
        OrderRepository,
        UserRepository,
        TokenAuth,
        { provide: SamplePassport, useFactory: createSamplePassport, inject: [UserRepository] },
        LoginGuard,
        OrderView,
        ChartView,
        FulfillmentView,
      ],
    };
  }
}
