import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { AccessChecker } from './auth/access-checker.js';
import { Authenticator } from './auth/authenticator.js';
import { defaultHasPermission } from './auth/default-has-permission.js';
import { SessionAuth } from './auth/session-auth.js';
import { DjustBootstrap } from './core/djust-bootstrap.service.js';
import { DjustDispatcher } from './core/djust-dispatcher.service.js';
import { resolveOptions, type ResolvedDjustOptions } from './core/resolved-options.js';
import { CallObserver } from './core/call-observer.js';
import { ViewRunner } from './core/view-runner.js';
import { ViewExplorer } from './discovery/view-explorer.service.js';
import { ViewRegistry } from './discovery/view-registry.js';
import { DJUST_CLOCK, DJUST_HAS_PERMISSION, DJUST_MODULE_OPTIONS, DJUST_RESOLVED_OPTIONS, DJUST_VIEW_REGISTRY } from './djust.internal-constants.js';
import { DjustConfigurableModule, type DJUST_ASYNC_OPTIONS_TYPE } from './djust.module-definition.js';
import { DjustConfigurationError } from './errors/djust-configuration.error.js';
import type { DjustAuthClass } from './interfaces/djust-auth.interface.js';
import type { DjustModuleOptions } from './interfaces/djust-module-options.interface.js';
import { DjustOpenApiService } from './openapi/openapi.service.js';
import { IdempotencyGate } from './idempotency/idempotency-gate.service.js';
import { idempotencyStoreFor } from './idempotency/idempotency-store.factory.js';
import type { DjustClock } from './common/clock.js';
import { MemoryThrottlerStorage } from './rate-limit/memory-throttler.storage.js';
import { RateLimiter } from './rate-limit/rate-limiter.service.js';
import { HttpApi } from './transports/http/http-api.js';
import { HttpTransport } from './transports/http/http-transport.js';
import { DjustPublisher } from './pubsub/djust-publisher.service.js';
import { TopicRegistry } from './pubsub/topic.registry.js';
import { McpApi } from './transports/mcp/mcp-api.js';
import { McpToolCatalog } from './transports/mcp/mcp-tool.catalog.js';
import { McpTransport } from './transports/mcp/mcp-transport.js';
import { bindGatewayNamespace, createDjustGateway } from './transports/ws/djust-gateway.factory.js';
import { DtoValidator } from './validation/dto-validator.js';

/** Options of `DjustModule.forRootAsync()`: `useFactory` (+ `inject`), `useClass` or `useExisting`, and `imports`. */
export type DjustModuleAsyncOptions = typeof DJUST_ASYNC_OPTIONS_TYPE & {
  /**
   * The prefix when the options factory returns none. Default `'djust'`.
   * A `prefix` returned by the factory wins.
   */
  prefix?: string;
};

const DEFAULT_AUTH: readonly DjustAuthClass[] = [SessionAuth];

/**
 * The nestjs-djust module. Import it once, in the root module; views are
 * ordinary providers of any module. Importing it twice is a startup error.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [DjustModule.forRoot({ debug: false })],
 *   providers: [OrderView],
 * })
 * export class AppModule {}
 *
 * // or, from configuration:
 * DjustModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ debug: config.get('DEBUG') === '1' }),
 * })
 * ```
 */
@Module({})
export class DjustModule extends DjustConfigurableModule {
  /** Static options. */
  static override forRoot(options: DjustModuleOptions = {}): DynamicModule {
    return withCore(super.forRoot(options), options.prefix);
  }

  /** Options from a factory that may inject providers, or from an options class (`createDjustOptions()`). */
  static override forRootAsync(options: DjustModuleAsyncOptions): DynamicModule {
    return withCore(super.forRootAsync(options), options.prefix);
  }
}

/** Adds the library's providers to the module definition the builder made. */
function withCore(definition: DynamicModule, staticPrefix: string | undefined): DynamicModule {
  const Gateway = createDjustGateway(staticPrefix);
  const providers: Provider[] = [
    {
      provide: DJUST_RESOLVED_OPTIONS,
      useFactory: (raw: DjustModuleOptions) => {
        const resolved = resolveOptions({ prefix: staticPrefix, ...raw }, DEFAULT_AUTH);
        bindGatewayNamespace(Gateway, resolved.prefix);
        return resolved;
      },
      inject: [DJUST_MODULE_OPTIONS],
    },
    ViewRegistry,
    { provide: DJUST_VIEW_REGISTRY, useExisting: ViewRegistry },
    ViewExplorer,
    { provide: DtoValidator, useFactory: () => new DtoValidator() },
    {
      provide: RateLimiter,
      useFactory: (o: ResolvedDjustOptions) =>
        new RateLimiter(o.throttlerStorage ?? new MemoryThrottlerStorage(), { failure: o.rateLimitFailure, logger: new Logger('Djust') }),
      inject: [DJUST_RESOLVED_OPTIONS],
    },
    {
      provide: Authenticator,
      useFactory: (moduleRef: ModuleRef) => new Authenticator(authResolver(moduleRef), new Logger('Djust')),
      inject: [ModuleRef],
    },
    { provide: DJUST_HAS_PERMISSION, useFactory: (o: ResolvedDjustOptions) => o.hasPermission ?? defaultHasPermission, inject: [DJUST_RESOLVED_OPTIONS] },
    {
      provide: AccessChecker,
      useFactory: (hasPermission: NonNullable<ResolvedDjustOptions['hasPermission']>) => new AccessChecker(hasPermission, new Logger('Djust')),
      inject: [DJUST_HAS_PERMISSION],
    },
    ViewRunner,
    CallObserver,
    {
      provide: IdempotencyGate,
      useFactory: (o: ResolvedDjustOptions, clock?: DjustClock) => new IdempotencyGate(idempotencyStoreFor(o.idempotency, clock), o.idempotency),
      inject: [DJUST_RESOLVED_OPTIONS, { token: DJUST_CLOCK, optional: true }],
    },
    DjustDispatcher,
    DjustOpenApiService,
    DjustBootstrap,
    HttpApi,
    HttpTransport,
    McpToolCatalog,
    McpApi,
    McpTransport,
    TopicRegistry,
    DjustPublisher,
    Gateway,
  ];
  return {
    ...definition,
    global: true,
    imports: [...(definition.imports ?? []), DiscoveryModule],
    providers: [...(definition.providers ?? []), ...providers],
    exports: [DjustDispatcher, DjustOpenApiService, DjustPublisher, ViewRegistry, DJUST_VIEW_REGISTRY, DJUST_RESOLVED_OPTIONS, DJUST_HAS_PERMISSION],
  };
}

/** Auth classes are providers when the app registered them (DI works), else constructed once with `new`. */
function authResolver(moduleRef: ModuleRef): (cls: DjustAuthClass) => unknown {
  const cache = new Map<DjustAuthClass, unknown>();
  return (cls) => {
    if (cache.has(cls)) return cache.get(cls);
    let instance: unknown;
    try {
      instance = moduleRef.get(cls, { strict: false });
    } catch {
      if (cls.length > 0) {
        throw new DjustConfigurationError(`the auth class ${cls.name} has constructor dependencies but is not a provider. Add it to a module's providers.`);
      }
      instance = new cls();
    }
    cache.set(cls, instance);
    return instance;
  };
}
