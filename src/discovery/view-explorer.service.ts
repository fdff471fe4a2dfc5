import { Injectable, Logger, type CanActivate, type NestInterceptor, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import { describeValue, errorDetail } from '../common/safe-format.util.js';
import {
  EVENT_HANDLER_METADATA,
  LIVE_VIEW_METADATA,
  LOGIN_REQUIRED_METADATA,
  PERMISSION_REQUIRED_METADATA,
  RATE_LIMIT_METADATA,
} from '../djust.constants.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import type { RateLimitOptions } from '../interfaces/rate-limit-options.interface.js';
import { LiveViewBase } from '../live-view.base.js';
import type { EventHandlerOptions } from './event-handler.decorator.js';
import type { LiveViewOptions } from './live-view.decorator.js';
import { constructorDependencies, guardsOf, interceptorsOf, methodParamTypes } from './nest-metadata.reader.js';
import { isStandardSchema } from '../validation/standard-schema.interface.js';
import { SLUG_PATTERN, slugFromClassName } from './slug.js';
import type { HandlerRecord, ViewRecord } from './view-record.interface.js';

/** Parameter types that carry no shape to validate against. */
const NOT_A_DTO = new Set<unknown>([Object, String, Number, Boolean, Symbol, BigInt, Function, Array, Promise, Date, Map, Set, undefined]);

/** Method names a view uses for its lifecycle: never handlers. */
const RESERVED = new Set(['mount', 'apiMount', 'unmount', 'constructor']);

/** A provider class found by the scan, with its `@LiveView` options (none: not a view). */
interface Candidate {
  readonly metatype: Type;
  readonly options: LiveViewOptions | undefined;
  readonly instance: unknown;
}

/** Guard classes instantiated ahead of the scan: the instance, or why it could not be built. */
/** The app's enhancer classes (`@UseGuards(G)`, `@UseInterceptors(I)`) of the views, each built once. */
type EnhancerInstances = ReadonlyMap<Function, { readonly instance: unknown } | { readonly error: unknown }>;

/**
 * A guard class of a view that is not a provider, in a description made before
 * the app initialised (see {@link ViewExplorer.describe}): it refuses, so such
 * a record can never let a call through.
 */
const NOT_INSTANTIATED: CanActivate = Object.freeze({ canActivate: () => false });

/** The same for an interceptor class: it refuses to run (a description is never dispatched through). */
const NOT_INSTANTIATED_INTERCEPTOR: NestInterceptor = Object.freeze({
  intercept: () => {
    throw new Error('nestjs-djust: this interceptor was not instantiated (the views were only described, before app init)');
  },
});

/**
 * Finds every `@LiveView` provider (DiscoveryService + MetadataScanner +
 * Reflector) and turns it into an immutable `ViewRecord`: handlers, DTO
 * types, permissions, rate limits, guards and an instance factory with the
 * constructor dependencies already resolved. Every problem found is reported
 * at once, each saying how to fix it.
 *
 * The scan itself is synchronous; the one asynchronous step is instantiating
 * the `@UseGuards()` classes that are not providers, which {@link explore}
 * does first (at bootstrap). {@link describe} runs the same scan without it,
 * for a description of the views before the app has initialised.
 */
@Injectable()
export class ViewExplorer {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Discovers all views (at bootstrap). Throws `DjustConfigurationError` listing every problem found. */
  async explore(defaultAuthClasses: readonly DjustAuthClass[]): Promise<ViewRecord[]> {
    const candidates = this.candidates();
    const records = this.scan(candidates, defaultAuthClasses, await this.instantiateEnhancers(candidates), true);
    this.logger.log(`Mapped ${records.length} LiveView(s): ${records.map((r) => r.slug).join(', ') || '(none)'}`);
    return records;
  }

  /**
   * The same discovery, synchronously and silently, for describing the views
   * before the app has initialised (the OpenAPI document when `withDjust()`
   * runs before `app.init()`, as in Nest's usual `main.ts`). Every check runs
   * and throws as in {@link explore}. The app's `@UseGuards()` classes that
   * are not providers are not instantiated (that is asynchronous): they stand
   * in as guards that refuse. Describe with these records; never dispatch
   * through them.
   */
  describe(defaultAuthClasses: readonly DjustAuthClass[]): ViewRecord[] {
    return this.scan(this.candidates(), defaultAuthClasses, undefined, false);
  }

  /** Every provider class, once, with its `@LiveView` options. */
  private candidates(): Candidate[] {
    const out: Candidate[] = [];
    const classes = new Set<Type>();
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as Type | undefined;
      if (!metatype || typeof metatype !== 'function' || !wrapper.token || wrapper.token !== metatype || classes.has(metatype)) continue;
      classes.add(metatype);
      out.push({ metatype, options: this.reflector.get<LiveViewOptions | undefined>(LIVE_VIEW_METADATA, metatype), instance: wrapper.instance });
    }
    return out;
  }

  private scan(candidates: readonly Candidate[], defaultAuthClasses: readonly DjustAuthClass[], guards: EnhancerInstances | undefined, log: boolean): ViewRecord[] {
    const problems: string[] = [];
    const records: ViewRecord[] = [];
    const seen = new Map<string, string>();
    for (const { metatype, options, instance } of candidates) {
      if (!options) {
        if (log) this.warnStrayHandlers(metatype);
        continue;
      }
      try {
        const record = this.buildView(metatype, options, instance, defaultAuthClasses, guards, log);
        const other = seen.get(record.slug);
        if (other) {
          problems.push(`views ${other} and ${metatype.name} both have the slug "${record.slug}". Give one of them @LiveView({ apiName: '...' }).`);
          continue;
        }
        seen.set(record.slug, metatype.name);
        records.push(record);
      } catch (err) {
        problems.push(err instanceof DjustConfigurationError ? err.message.replace(/^nestjs-djust: /, '') : errorDetail(err));
      }
    }
    if (problems.length) throw new DjustConfigurationError(`invalid LiveView setup:\n - ${problems.join('\n - ')}`);
    return records;
  }

  /** Instantiates, once each, the guard and interceptor classes of the views' classes and handlers (`@UseGuards(G)`, `@UseInterceptors(I)`). */
  private async instantiateEnhancers(candidates: readonly Candidate[]): Promise<EnhancerInstances> {
    const out = new Map<Function, { instance: unknown } | { error: unknown }>();
    for (const { metatype, options } of candidates) {
      if (!options) continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      const targets: object[] = [metatype];
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (typeof method === 'function' && this.reflector.get(EVENT_HANDLER_METADATA, method) !== undefined) targets.push(method);
      }
      for (const enhancer of targets.flatMap((target) => [...guardsOf(target), ...interceptorsOf(target)])) {
        if (typeof enhancer !== 'function' || out.has(enhancer)) continue;
        try {
          out.set(enhancer, { instance: await this.enhancer(enhancer as Type) });
        } catch (error) {
          out.set(enhancer, { error });
        }
      }
    }
    return out;
  }

  /** A provider with `@EventHandler` methods but no `@LiveView` is not a view: say so rather than ignore it. */
  private warnStrayHandlers(metatype: Type): void {
    const prototype = metatype.prototype as Record<string, unknown> | undefined;
    if (!prototype) return;
    const handlers = this.scanner
      .getAllMethodNames(prototype)
      .filter((name) => typeof prototype[name] === 'function' && this.reflector.get(EVENT_HANDLER_METADATA, prototype[name] as Function) !== undefined);
    if (handlers.length === 0) return;
    this.logger.warn(
      `${metatype.name} has @EventHandler methods (${handlers.join(', ')}) but no @LiveView(): it is not a view and none of them is callable. ` +
        'Add @LiveView() to the class (and extend LiveViewBase).',
    );
  }

  private buildView(
    viewClass: Type,
    options: LiveViewOptions,
    singleton: unknown,
    defaultAuthClasses: readonly DjustAuthClass[],
    guards: EnhancerInstances | undefined,
    log: boolean,
  ): ViewRecord {
    const name = viewClass.name;
    if (!(viewClass.prototype instanceof LiveViewBase)) {
      throw new DjustConfigurationError(`${name} is decorated with @LiveView but does not extend LiveViewBase.`);
    }
    const slug = options.apiName ?? slugFromClassName(name);
    if (!SLUG_PATTERN.test(slug)) {
      throw new DjustConfigurationError(`${name}: the slug "${slug}" is not a valid URL segment (use lower-case letters, digits, "-" and "_").`);
    }
    const viewRateLimit = this.reflector.get<RateLimitOptions | undefined>(RATE_LIMIT_METADATA, viewClass);
    const create = this.instanceFactory(viewClass);
    const sample = (singleton ?? create()) as Record<string, unknown>;
    const dependencyKeys = new Set(Object.keys(sample).filter((k) => create.deps.includes(sample[k])));

    const viewInterceptors = this.interceptors(viewClass, name, guards);
    const handlers = new Map<string, HandlerRecord>();
    const problems: string[] = [];
    for (const methodName of this.scanner.getAllMethodNames(viewClass.prototype)) {
      if (handlers.has(methodName)) continue;
      const method = (viewClass.prototype as unknown as Record<string, unknown>)[methodName] as HandlerRecord['method'];
      const handlerOptions = this.reflector.get<EventHandlerOptions | undefined>(EVENT_HANDLER_METADATA, method);
      if (!handlerOptions) continue;
      try {
        handlers.set(methodName, this.buildHandler(viewClass, slug, methodName, method, handlerOptions, viewRateLimit, guards, viewInterceptors));
      } catch (err) {
        if (!(err instanceof DjustConfigurationError)) throw err;
        problems.push(err.message.replace(/^nestjs-djust: /, ''));
      }
    }
    if (problems.length) throw new DjustConfigurationError(problems.join('\n - '));
    if (handlers.size === 0 && log) this.logger.warn(`${name} has no @EventHandler methods.`);

    return Object.freeze({
      slug,
      viewClass,
      authClasses: Object.freeze([...(options.authClasses ?? defaultAuthClasses)]),
      csrfExempt: options.csrfExempt === true,
      loginRequired: this.reflector.get<boolean | undefined>(LOGIN_REQUIRED_METADATA, viewClass) === true,
      permissions: Object.freeze([...(this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, viewClass) ?? [])]),
      guards: Object.freeze(this.guards(viewClass, name, guards)),
      interceptors: Object.freeze(this.interceptors(viewClass, name, guards)),
      handlers,
      hasApiMount: typeof (viewClass.prototype as { apiMount?: unknown }).apiMount === 'function',
      dependencyKeys,
      create,
    });
  }

  private buildHandler(
    viewClass: Type,
    slug: string,
    methodName: string,
    method: HandlerRecord['method'],
    options: EventHandlerOptions,
    viewRateLimit: RateLimitOptions | undefined,
    guards: EnhancerInstances | undefined,
    viewInterceptors: readonly NestInterceptor[],
  ): HandlerRecord {
    const label = `${viewClass.name}.${methodName}`;
    if (methodName.startsWith('_') || RESERVED.has(methodName)) {
      throw new DjustConfigurationError(`${label}: this name cannot be an @EventHandler (names starting with "_", mount, apiMount and unmount are reserved).`);
    }
    const paramTypes = methodParamTypes(viewClass.prototype, methodName);
    const arity = Math.max(paramTypes.length, method.length);
    if (arity > 1) {
      throw new DjustConfigurationError(`${label} declares ${arity} parameters; an @EventHandler takes at most one, a DTO class (positional binding is not supported).`);
    }
    const paramsSchema = options.params;
    if (paramsSchema !== undefined && !isStandardSchema(paramsSchema)) {
      throw new DjustConfigurationError(
        `${label}: @EventHandler({ params }) must be a Standard Schema (Zod 4, Valibot, ArkType...: an object with a "~standard" version 1 and validate()), got ${describeValue(paramsSchema)}.`,
      );
    }
    const paramType = paramTypes[0];
    const dtoType = !paramsSchema && arity === 1 && typeof paramType === 'function' && !NOT_A_DTO.has(paramType) ? (paramType as Type) : undefined;
    const exposeApi = options.exposeApi === true;
    const exposeMcp = options.exposeMcp === true;
    if (arity === 1 && !dtoType && !paramsSchema && (exposeApi || exposeMcp)) {
      throw new DjustConfigurationError(
        `${label}: the parameter of an exposed handler must be a DTO class, but its type is ${describeParamType(paramType)}, ` +
          'which gives nothing to validate or coerce with at run time (interfaces, inline types and primitives are erased). ' +
          `Declare a class with class-validator decorators, e.g. \`${methodName}(dto: ${pascal(methodName)}Dto)\`, pass a Standard Schema ` +
          '(`@EventHandler({ params: schema })`, Zod 4 or Valibot), or remove the parameter.',
      );
    }
    return {
      name: methodName,
      options: Object.freeze({
        exposeApi,
        exposeMcp,
        deprecated: options.deprecated === true,
        description: options.description,
        summary: options.summary,
        title: options.title,
      }),
      dtoType,
      paramsSchema,
      arity,
      permissions: Object.freeze([...(this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, method) ?? [])]),
      rateLimit: this.reflector.get<RateLimitOptions | undefined>(RATE_LIMIT_METADATA, method) ?? viewRateLimit,
      bucket: `${slug}:${methodName}`,
      guards: Object.freeze(this.guards(method, label, guards)),
      interceptors: Object.freeze([...viewInterceptors, ...this.interceptors(method, label, guards)]),
      method,
    };
  }

  /** Resolves the constructor's dependencies once (singleton providers); the factory is then a plain `new`. */
  private instanceFactory(viewClass: Type): (() => LiveViewBase) & { deps: unknown[] } {
    const deps = constructorDependencies(viewClass).map(({ index, token, optional }) => {
      try {
        return this.moduleRef.get(token as Type, { strict: false });
      } catch {
        if (optional) return undefined;
        const label = typeof token === 'function' ? token.name : describeValue(token);
        throw new DjustConfigurationError(
          `${viewClass.name}: cannot resolve constructor dependency #${index} (${label}). Views get singleton providers only; make sure ${label} is a provider visible to the application.`,
        );
      }
    });
    const factory = (() => new (viewClass as new (...args: unknown[]) => LiveViewBase)(...deps)) as (() => LiveViewBase) & { deps: unknown[] };
    factory.deps = deps;
    return factory;
  }

  /**
   * The user's own `@UseGuards()` on a class or method: instances as given,
   * classes as instantiated by {@link instantiateGuards}. Without those (a
   * description before init), a class is the app's provider when it is one,
   * else {@link NOT_INSTANTIATED}.
   */
  private guards(target: object, label: string, instances: EnhancerInstances | undefined): CanActivate[] {
    return this.resolve(guardsOf(target), 'canActivate', instances, NOT_INSTANTIATED, `${label}: @UseGuards() got something that is not a guard.`);
  }

  /** The user's own `@UseInterceptors()` on a class or method, resolved like {@link guards}. */
  private interceptors(target: object, label: string, instances: EnhancerInstances | undefined): NestInterceptor[] {
    return this.resolve(interceptorsOf(target), 'intercept', instances, NOT_INSTANTIATED_INTERCEPTOR, `${label}: @UseInterceptors() got something that is not an interceptor.`);
  }

  /** Enhancers as declared: instances as given, classes as built by {@link instantiateEnhancers} (or, before init, the app's provider, else `placeholder`). */
  private resolve<T>(declared: readonly unknown[], method: string, instances: EnhancerInstances | undefined, placeholder: T, problem: string): T[] {
    const out: T[] = [];
    for (const enhancer of declared) {
      if (typeof enhancer === 'function') {
        const built = instances?.get(enhancer);
        if (built && 'error' in built) throw built.error;
        out.push(built ? (built.instance as T) : this.provider(enhancer as Type<T>, placeholder));
      } else if (enhancer && typeof (enhancer as Record<string, unknown>)[method] === 'function') out.push(enhancer as T);
      else throw new DjustConfigurationError(problem);
    }
    return out;
  }

  private provider<T>(cls: Type<T>, placeholder: T): T {
    try {
      return this.moduleRef.get(cls, { strict: false });
    } catch {
      return placeholder;
    }
  }

  /** An enhancer class: the app's provider when it is one, else an instance built with its dependencies injected. */
  private async enhancer<T>(cls: Type<T>): Promise<T> {
    try {
      return this.moduleRef.get(cls, { strict: false });
    } catch {
      return this.moduleRef.create(cls);
    }
  }
}

function describeParamType(type: unknown): string {
  if (type === Object) return 'an interface or inline type (Object at run time)';
  if (type === undefined) return 'unknown (no decorator metadata: is emitDecoratorMetadata on?)';
  return typeof type === 'function' ? `${type.name}, a built-in` : describeValue(type);
}

function pascal(name: string): string {
  return name.replace(/(^|[_-])([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());
}
