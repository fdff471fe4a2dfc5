import { Injectable, Logger, type CanActivate, type Type } from '@nestjs/common';
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
import { constructorDependencies, guardsOf, methodParamTypes } from './nest-metadata.reader.js';
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
type GuardInstances = ReadonlyMap<Function, { readonly guard: CanActivate } | { readonly error: unknown }>;

/**
 * A guard class of a view that is not a provider, in a description made before
 * the app initialised (see {@link ViewExplorer.describe}): it refuses, so such
 * a record can never let a call through.
 */
const NOT_INSTANTIATED: CanActivate = Object.freeze({ canActivate: () => false });

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
    const records = this.scan(candidates, defaultAuthClasses, await this.instantiateGuards(candidates), true);
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

  private scan(candidates: readonly Candidate[], defaultAuthClasses: readonly DjustAuthClass[], guards: GuardInstances | undefined, log: boolean): ViewRecord[] {
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

  /** Instantiates, once each, the guard classes of the views' classes and handlers (`@UseGuards(SomeGuard)`). */
  private async instantiateGuards(candidates: readonly Candidate[]): Promise<GuardInstances> {
    const out = new Map<Function, { guard: CanActivate } | { error: unknown }>();
    for (const { metatype, options } of candidates) {
      if (!options) continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      const targets: object[] = [metatype];
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (typeof method === 'function' && this.reflector.get(EVENT_HANDLER_METADATA, method) !== undefined) targets.push(method);
      }
      for (const guard of targets.flatMap((target) => guardsOf(target))) {
        if (typeof guard !== 'function' || out.has(guard)) continue;
        try {
          out.set(guard, { guard: await this.enhancer<CanActivate>(guard as Type<CanActivate>) });
        } catch (error) {
          out.set(guard, { error });
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
    guards: GuardInstances | undefined,
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

    const handlers = new Map<string, HandlerRecord>();
    const problems: string[] = [];
    for (const methodName of this.scanner.getAllMethodNames(viewClass.prototype)) {
      if (handlers.has(methodName)) continue;
      const method = (viewClass.prototype as unknown as Record<string, unknown>)[methodName] as HandlerRecord['method'];
      const handlerOptions = this.reflector.get<EventHandlerOptions | undefined>(EVENT_HANDLER_METADATA, method);
      if (!handlerOptions) continue;
      try {
        handlers.set(methodName, this.buildHandler(viewClass, slug, methodName, method, handlerOptions, viewRateLimit, guards));
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
    guards: GuardInstances | undefined,
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
    const paramType = paramTypes[0];
    const dtoType = arity === 1 && typeof paramType === 'function' && !NOT_A_DTO.has(paramType) ? (paramType as Type) : undefined;
    const exposeApi = options.exposeApi === true;
    const exposeMcp = options.exposeMcp === true;
    if (arity === 1 && !dtoType && (exposeApi || exposeMcp)) {
      throw new DjustConfigurationError(
        `${label}: the parameter of an exposed handler must be a DTO class, but its type is ${describeParamType(paramType)}, ` +
          'which gives nothing to validate or coerce with at run time (interfaces, inline types and primitives are erased). ' +
          `Declare a class with class-validator decorators, e.g. \`${methodName}(dto: ${pascal(methodName)}Dto)\`, or remove the parameter.`,
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
      arity,
      permissions: Object.freeze([...(this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, method) ?? [])]),
      rateLimit: this.reflector.get<RateLimitOptions | undefined>(RATE_LIMIT_METADATA, method) ?? viewRateLimit,
      bucket: `${slug}:${methodName}`,
      guards: Object.freeze(this.guards(method, label, guards)),
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
  private guards(target: object, label: string, instances: GuardInstances | undefined): CanActivate[] {
    const out: CanActivate[] = [];
    for (const guard of guardsOf(target)) {
      if (typeof guard === 'function') {
        const built = instances?.get(guard);
        if (built && 'error' in built) throw built.error;
        out.push(built ? built.guard : this.providerGuard(guard as Type<CanActivate>));
      } else if (guard && typeof (guard as CanActivate).canActivate === 'function') out.push(guard as CanActivate);
      else throw new DjustConfigurationError(`${label}: @UseGuards() got something that is not a guard.`);
    }
    return out;
  }

  private providerGuard(cls: Type<CanActivate>): CanActivate {
    try {
      return this.moduleRef.get(cls, { strict: false });
    } catch {
      return NOT_INSTANTIATED;
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
