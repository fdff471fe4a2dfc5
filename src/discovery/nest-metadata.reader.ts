import {
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  OPTIONAL_DEPS_METADATA,
  PARAMTYPES_METADATA,
  SELF_DECLARED_DEPS_METADATA,
} from '@nestjs/common/constants.js';

/**
 * The one place that reads metadata Nest's own decorators write: constructor
 * dependencies (`@Inject()`, `@Optional()`, the design-time parameter types)
 * and `@UseGuards()` / `@UseInterceptors()`. The keys are the constants Nest
 * exports from `@nestjs/common/constants`; `nest-metadata.reader.spec.ts`
 * applies the decorators and fails loudly if Nest ever stores them otherwise.
 * Read once at bootstrap, never per call.
 */

/** One constructor parameter of a class: the token to resolve, and whether `@Optional()` marks it. */
export interface ConstructorDependency {
  readonly index: number;
  /** The DI token: the parameter's type, or the `@Inject(token)` token (a `forwardRef` is resolved). */
  readonly token: unknown;
  readonly optional: boolean;
}

/** The constructor dependencies of `cls`, in parameter order. */
export function constructorDependencies(cls: Function): ConstructorDependency[] {
  const types: unknown[] = [...((Reflect.getMetadata(PARAMTYPES_METADATA, cls) as unknown[] | undefined) ?? [])];
  const declared = (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, cls) as { index: number; param: unknown }[] | undefined) ?? [];
  for (const { index, param } of declared) types[index] = param;
  const optional = new Set<number>((Reflect.getMetadata(OPTIONAL_DEPS_METADATA, cls) as number[] | undefined) ?? []);
  return types.map((token, index) => ({ index, token: resolveForwardRef(token), optional: optional.has(index) }));
}

/** The `@UseGuards()` of a class or a method (classes or instances), in declaration order. */
export function guardsOf(target: object): unknown[] {
  return [...((Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? [])];
}

/** The `@UseInterceptors()` of a class or a method (classes or instances), in declaration order. */
export function interceptorsOf(target: object): unknown[] {
  return [...((Reflect.getMetadata(INTERCEPTORS_METADATA, target) as unknown[] | undefined) ?? [])];
}

/** The design-time parameter types of a method (`design:paramtypes`), `[]` when not emitted. */
export function methodParamTypes(prototype: object, method: string): unknown[] {
  return [...((Reflect.getMetadata(PARAMTYPES_METADATA, prototype, method) as unknown[] | undefined) ?? [])];
}

function resolveForwardRef(token: unknown): unknown {
  return token && typeof token === 'object' && typeof (token as { forwardRef?: unknown }).forwardRef === 'function'
    ? (token as { forwardRef: () => unknown }).forwardRef()
    : token;
}
