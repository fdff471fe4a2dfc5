import { Injectable, Logger, type CanActivate, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import {
  EVENT_HANDLER_METADATA,
  LIVE_VIEW_METADATA,
  LOGIN_REQUIRED_METADATA,
  PERMISSION_REQUIRED_METADATA,
  RATE_LIMIT_METADATA,
} from '../djust.constants.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import type { EventHandlerOptions } from '../decorators/event-handler.decorator.js';
import type { LiveViewOptions } from '../decorators/live-view.decorator.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import type { RateLimitOptions } from '../interfaces/rate-limit-options.interface.js';
import { LiveViewBase } from '../live-view.base.js';
import { SLUG_PATTERN, slugFromClassName } from './slug.js';
import type { HandlerRecord, ViewRecord } from './view-record.interface.js';
import { describeValue, errorDetail } from '../logging/safe-format.util.js';

// Nest's own decorator metadata keys (stable contracts of @nestjs/common decorators).
const PARAMTYPES = 'design:paramtypes';
const SELF_DECLARED_DEPS = 'self:paramtypes';
const OPTIONAL_DEPS = 'optional:paramtypes';
const GUARDS = '__guards__';
const PRIMITIVE_PARAM_TYPES = new Set<unknown>([String, Number, Boolean, Symbol, BigInt, Function, Array, Promise]);

/**
 * Finds every `@LiveView` provider once at bootstrap (DiscoveryService +
 * MetadataScanner + Reflector) and turns it into an immutable `ViewRecord`:
 * handlers, DTO types, permissions, rate limits, guards and an instance
 * factory with the constructor dependencies already resolved.
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

  /** Discovers all views. Throws `DjustConfigurationError` listing every problem found. */
  async explore(defaultAuthClasses: readonly DjustAuthClass[]): Promise<ViewRecord[]> {
    const problems: string[] = [];
    const records: ViewRecord[] = [];
    const seen = new Map<string, string>();
    const classes = new Set<Type>();
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as Type | undefined;
      if (!metatype || typeof metatype !== 'function' || !wrapper.token || wrapper.token !== metatype) continue;
      const options = this.reflector.get<LiveViewOptions | undefined>(LIVE_VIEW_METADATA, metatype);
      if (!options || classes.has(metatype)) continue;
      classes.add(metatype);
      try {
        const record = await this.buildView(metatype, options, wrapper.instance, defaultAuthClasses);
        const other = seen.get(record.slug);
        if (other) {
          problems.push(
            `views ${other} and ${metatype.name} both have the slug "${record.slug}". Give one of them @LiveView({ apiName: '...' }).`,
          );
          continue;
        }
        seen.set(record.slug, metatype.name);
        records.push(record);
      } catch (err) {
        problems.push(err instanceof DjustConfigurationError ? err.message.replace(/^nestjs-djust: /, '') : errorDetail(err));
      }
    }
    if (problems.length) throw new DjustConfigurationError(`invalid LiveView setup:\n - ${problems.join('\n - ')}`);
    this.logger.log(`Mapped ${records.length} LiveView(s): ${records.map((r) => r.slug).join(', ') || '(none)'}`);
    return records;
  }

  private async buildView(
    viewClass: Type,
    options: LiveViewOptions,
    singleton: unknown,
    defaultAuthClasses: readonly DjustAuthClass[],
  ): Promise<ViewRecord> {
    const name = viewClass.name;
    if (!(viewClass.prototype instanceof LiveViewBase)) {
      throw new DjustConfigurationError(`${name} is decorated with @LiveView but does not extend LiveViewBase.`);
    }
    const slug = options.apiName ?? slugFromClassName(name);
    if (!SLUG_PATTERN.test(slug)) {
      throw new DjustConfigurationError(
        `${name}: the slug "${slug}" is not a valid URL segment (use lower-case letters, digits, "-" and "_").`,
      );
    }
    const viewRateLimit = this.reflector.get<RateLimitOptions | undefined>(RATE_LIMIT_METADATA, viewClass);
    const create = this.instanceFactory(viewClass);
    const deps = create.deps;
    const sample = (singleton ?? create()) as Record<string, unknown>;
    const dependencyKeys = new Set(Object.keys(sample).filter((k) => deps.includes(sample[k])));

    const handlers = new Map<string, HandlerRecord>();
    for (const methodName of this.scanner.getAllMethodNames(viewClass.prototype)) {
      if (handlers.has(methodName)) continue;
      const method = (viewClass.prototype as unknown as Record<string, unknown>)[methodName] as HandlerRecord['method'];
      const handlerOptions = this.reflector.get<EventHandlerOptions | undefined>(EVENT_HANDLER_METADATA, method);
      if (!handlerOptions) continue;
      if (methodName.startsWith('_') || methodName === 'mount' || methodName === 'apiMount' || methodName === 'unmount' || methodName === 'constructor') {
        throw new DjustConfigurationError(`${name}.${methodName}: this name cannot be an @EventHandler (names starting with "_", mount, apiMount and unmount are reserved).`);
      }
      const paramTypes: unknown[] = Reflect.getMetadata(PARAMTYPES, viewClass.prototype, methodName) ?? [];
      const arity = Math.max(paramTypes.length, method.length);
      if (arity > 1) {
        throw new DjustConfigurationError(
          `${name}.${methodName} declares ${arity} parameters; an @EventHandler takes at most one, a DTO class (positional binding is not supported).`,
        );
      }
      const paramType = paramTypes[0];
      const dtoType =
        typeof paramType === 'function' && paramType !== Object && !PRIMITIVE_PARAM_TYPES.has(paramType)
          ? (paramType as Type)
          : undefined;
      handlers.set(methodName, {
        name: methodName,
        options: Object.freeze({
          exposeApi: handlerOptions.exposeApi === true,
          deprecated: handlerOptions.deprecated === true,
          description: handlerOptions.description,
          summary: handlerOptions.summary,
        }),
        dtoType,
        arity,
        permissions: Object.freeze([...(this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, method) ?? [])]),
        rateLimit: this.reflector.get<RateLimitOptions | undefined>(RATE_LIMIT_METADATA, method) ?? viewRateLimit,
        bucket: `${slug}:${methodName}`,
        guards: Object.freeze(await this.guards(method, `${name}.${methodName}`)),
        method,
      });
    }
    if (handlers.size === 0) this.logger.warn(`${name} has no @EventHandler methods.`);

    return Object.freeze({
      slug,
      viewClass,
      authClasses: Object.freeze([...(options.authClasses ?? defaultAuthClasses)]),
      csrfExempt: options.csrfExempt === true,
      loginRequired: this.reflector.get<boolean | undefined>(LOGIN_REQUIRED_METADATA, viewClass) === true,
      permissions: Object.freeze([...(this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, viewClass) ?? [])]),
      guards: Object.freeze(await this.guards(viewClass, name)),
      handlers,
      hasApiMount: typeof (viewClass.prototype as { apiMount?: unknown }).apiMount === 'function',
      dependencyKeys,
      create,
    });
  }

  /** Resolves the constructor's dependencies once; the factory is then a plain `new`. */
  private instanceFactory(viewClass: Type): (() => LiveViewBase) & { deps: unknown[] } {
    const types: unknown[] = [...(Reflect.getMetadata(PARAMTYPES, viewClass) ?? [])];
    const declared: { index: number; param: unknown }[] = Reflect.getMetadata(SELF_DECLARED_DEPS, viewClass) ?? [];
    for (const { index, param } of declared) types[index] = param;
    const optional: number[] = Reflect.getMetadata(OPTIONAL_DEPS, viewClass) ?? [];
    const deps = types.map((token, index) => {
      const resolved =
        token && typeof token === 'object' && 'forwardRef' in token ? (token as { forwardRef: () => unknown }).forwardRef() : token;
      try {
        return this.moduleRef.get(resolved as Type, { strict: false });
      } catch {
        if (optional.includes(index)) return undefined;
        const label = typeof resolved === 'function' ? resolved.name : describeValue(resolved);
        throw new DjustConfigurationError(
          `${viewClass.name}: cannot resolve constructor dependency #${index} (${label}). Views get singleton providers only; make sure ${label} is a provider visible to the application.`,
        );
      }
    });
    const factory = (() => new (viewClass as new (...args: unknown[]) => LiveViewBase)(...deps)) as (() => LiveViewBase) & {
      deps: unknown[];
    };
    factory.deps = deps;
    return factory;
  }

  /** The user's own `@UseGuards()` on a class or method, instantiated once. */
  private async guards(target: object, label: string): Promise<CanActivate[]> {
    const list: unknown[] = Reflect.getMetadata(GUARDS, target) ?? [];
    const out: CanActivate[] = [];
    for (const guard of list) {
      if (typeof guard === 'function') {
        let instance: CanActivate;
        try {
          instance = this.moduleRef.get(guard as Type<CanActivate>, { strict: false });
        } catch {
          instance = await this.moduleRef.create(guard as Type<CanActivate>);
        }
        out.push(instance);
      } else if (guard && typeof (guard as CanActivate).canActivate === 'function') {
        out.push(guard as CanActivate);
      } else {
        throw new DjustConfigurationError(`${label}: @UseGuards() got something that is not a guard.`);
      }
    }
    return out;
  }
}
