import { Logger, Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { AccessChecker } from './auth/access-checker.js';
import { DJUST_HAS_PERMISSION } from './auth/auth.tokens.js';
import { Authenticator } from './auth/authenticator.js';
import { defaultHasPermission } from './auth/default-has-permission.js';
import { SessionAuth } from './auth/session-auth.js';
import { DjustBootstrap } from './core/djust-bootstrap.service.js';
import { DjustPipeline } from './core/djust-pipeline.service.js';
import { resolveOptions, type ResolvedDjustOptions } from './core/resolved-options.js';
import { DJUST_MODULE_OPTIONS, DJUST_RESOLVED_OPTIONS } from './djust.internal-constants.js';
import { DEFAULT_PREFIX } from './djust.constants.js';
import { DjustConfigurationError } from './errors/djust-configuration.error.js';
import { ViewExplorer } from './discovery/view-explorer.service.js';
import { ViewRegistry } from './discovery/view-registry.js';
import { bindGatewayNamespace, createDjustGateway } from './gateway/djust-gateway.factory.js';
import { DjustHttpApi } from './http/djust-http-api.service.js';
import type { DjustAuthClass } from './interfaces/djust-auth.interface.js';
import type { DjustModuleOptions } from './interfaces/djust-module-options.interface.js';
import { DJUST_VIEW_REGISTRY } from './openapi/openapi.tokens.js';
import { DjustOpenApiService } from './openapi/openapi.service.js';
import { MemoryThrottlerStorage } from './rate-limit/memory-throttler.storage.js';
import { RateLimiter } from './rate-limit/rate-limiter.service.js';
import { DtoValidator } from './validation/dto-validator.js';

/** Options of `DjustModule.forRootAsync()`. */
export interface DjustModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Builds the options; may be async and may inject providers (`inject`). */
  useFactory: (...args: any[]) => DjustModuleOptions | Promise<DjustModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** A default prefix; a `prefix` returned by the factory wins. Default `'djust'`. */
  prefix?: string;
}

const DEFAULT_AUTH: readonly DjustAuthClass[] = [SessionAuth];

/**
 * The nestjs-djust module. Import it once, in the root module; views are
 * ordinary providers of any module.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [DjustModule.forRoot({ debug: false })],
 *   providers: [OrderView],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class DjustModule {
  /** Static options. */
  static forRoot(options: DjustModuleOptions = {}): DynamicModule {
    return DjustModule.build(options.prefix, [{ provide: DJUST_MODULE_OPTIONS, useValue: options }], []);
  }

  /** Options from a factory that may inject providers (e.g. a `ConfigService`, a permission service). */
  static forRootAsync(options: DjustModuleAsyncOptions): DynamicModule {
    return DjustModule.build(
      options.prefix,
      [{ provide: DJUST_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports ?? [],
    );
  }

  private static build(staticPrefix: string | undefined, optionProviders: Provider[], imports: ModuleMetadata['imports'] & unknown[]): DynamicModule {
    const Gateway = createDjustGateway((staticPrefix ?? DEFAULT_PREFIX).replace(/^\/+|\/+$/g, ''));
    const providers: Provider[] = [
      ...optionProviders,
      {
        provide: DJUST_RESOLVED_OPTIONS,
        useFactory: (raw: DjustModuleOptions) => {
          const resolved = resolveOptions({ prefix: staticPrefix, ...raw }, DEFAULT_AUTH);
          // The gateway's namespace is read when Nest connects gateways (app init), after
          // every provider is built: bind it to the resolved prefix, the factory's included.
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
      {
        provide: DJUST_HAS_PERMISSION,
        useFactory: (o: ResolvedDjustOptions) => o.hasPermission ?? defaultHasPermission,
        inject: [DJUST_RESOLVED_OPTIONS],
      },
      {
        provide: AccessChecker,
        useFactory: (hasPermission: ResolvedDjustOptions['hasPermission'] & {}) => new AccessChecker(hasPermission, new Logger('Djust')),
        inject: [DJUST_HAS_PERMISSION],
      },
      DjustPipeline,
      DjustOpenApiService,
      DjustHttpApi,
      DjustBootstrap,
      Gateway,
    ];
    return {
      module: DjustModule,
      global: true,
      imports: [DiscoveryModule, ...imports],
      providers,
      exports: [DjustPipeline, DjustOpenApiService, ViewRegistry, DJUST_RESOLVED_OPTIONS, DJUST_HAS_PERMISSION],
    };
  }
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
        throw new DjustConfigurationError(
          `the auth class ${cls.name} has constructor dependencies but is not a provider. Add it to a module's providers.`,
        );
      }
      instance = new cls();
    }
    cache.set(cls, instance);
    return instance;
  };
}
