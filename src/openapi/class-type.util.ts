import type { JsonSchema } from './openapi.types.js';

/** Built-in constructors: never component schemas. `undefined` = no type information (e.g. `Object` for `any`/unions). */
const BUILTIN_SCHEMAS = new Map<Function, JsonSchema | undefined>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Date, { type: 'string', format: 'date-time' }],
  [Array, { type: 'array' }],
  [Set, { type: 'array' }],
  [Map, { type: 'object' }],
  [Object, undefined],
  [Function, undefined],
  [Promise, undefined],
  [Symbol, undefined],
  [BigInt, undefined],
]);

/** Whether `fn` is a built-in constructor (`String`, `Date`, `Array`, `Object`...). */
export function isBuiltinType(fn: unknown): fn is Function {
  return typeof fn === 'function' && BUILTIN_SCHEMAS.has(fn);
}

/** The schema of a built-in constructor (`Date` → date-time string); `undefined` when it carries no information. */
export function builtinSchema(fn: Function): JsonSchema | undefined {
  return BUILTIN_SCHEMAS.get(fn);
}

/** Is `fn` a user class (a DTO), as opposed to a built-in constructor or an arrow function? */
export function isUserClass(fn: unknown): fn is Function {
  return typeof fn === 'function' && !BUILTIN_SCHEMAS.has(fn) && fn.prototype !== undefined && fn !== Buffer && fn !== Uint8Array;
}

/** Resolves a swagger `type: () => Foo` thunk (an arrow function has no prototype); classes are returned as-is. */
export function resolveThunk(type: unknown): unknown {
  if (typeof type === 'function' && type.prototype === undefined) {
    try {
      return (type as () => unknown)();
    } catch {
      return undefined;
    }
  }
  return type;
}
