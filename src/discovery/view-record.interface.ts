import type { CanActivate, NestInterceptor, Type } from '@nestjs/common';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import type { RateLimitOptions } from '../interfaces/rate-limit-options.interface.js';
import type { EventHandlerOptions } from './event-handler.decorator.js';
import type { LiveViewBase } from '../live-view.base.js';
import type { StandardSchemaV1 } from '../validation/standard-schema.interface.js';

/** One discovered `@EventHandler`, with everything the pipeline needs precomputed. */
export interface HandlerRecord {
  /** The method name, exactly as declared. */
  readonly name: string;
  readonly options: Readonly<Required<Pick<EventHandlerOptions, 'exposeApi' | 'exposeMcp' | 'deprecated'>>> &
    Readonly<Pick<EventHandlerOptions, 'description' | 'summary' | 'title'>>;
  /** The DTO class of the single parameter, or `undefined` for a parameterless handler or an untyped one. */
  readonly dtoType: Type | undefined;
  /** The Standard Schema of `@EventHandler({ params })`, which then takes the place of a DTO class. */
  readonly paramsSchema: StandardSchemaV1 | undefined;
  /** Number of declared parameters (0 or 1). */
  readonly arity: number;
  /** Permissions required by the handler itself (the view's are on the view record). */
  readonly permissions: readonly string[];
  /** Effective rate limit: the handler's own, else the view's, else none. */
  readonly rateLimit: Readonly<RateLimitOptions> | undefined;
  /** Bucket key prefix: `<slug>:<handler>`. */
  readonly bucket: string;
  /** The user's own `@UseGuards()` on the method, instantiated at bootstrap. */
  readonly guards: readonly CanActivate[];
  /** The user's own `@UseInterceptors()` of the view class then of the method, in that order, instantiated at bootstrap. */
  readonly interceptors: readonly NestInterceptor[];
  /** The method itself. */
  readonly method: (this: LiveViewBase, ...args: unknown[]) => unknown;
}

/** One discovered `@LiveView`, immutable after bootstrap. */
export interface ViewRecord {
  readonly slug: string;
  readonly viewClass: Type<LiveViewBase>;
  /** The auth classes in force (the view's own, else the module default). */
  readonly authClasses: readonly DjustAuthClass[];
  readonly csrfExempt: boolean;
  readonly loginRequired: boolean;
  /** View-level permissions. */
  readonly permissions: readonly string[];
  /** The user's own `@UseGuards()` on the class, instantiated at bootstrap. */
  readonly guards: readonly CanActivate[];
  /** The user's own `@UseInterceptors()` on the class (each handler's `interceptors` start with them). */
  readonly interceptors: readonly NestInterceptor[];
  /** Every `@EventHandler`, by method name. */
  readonly handlers: ReadonlyMap<string, HandlerRecord>;
  /** Whether the class defines `apiMount`. */
  readonly hasApiMount: boolean;
  /** Own property names holding injected dependencies: never assigns. */
  readonly dependencyKeys: ReadonlySet<string>;
  /** A fresh instance, constructor dependencies injected (resolved once at bootstrap). */
  readonly create: () => LiveViewBase;
}
