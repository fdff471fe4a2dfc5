/**
 * Internal DI tokens and symbols, in one place. None is exported from the
 * package root: they are wiring, not API.
 */

/** The options exactly as given to `forRoot` / returned by `forRootAsync`'s factory. */
export { MODULE_OPTIONS_TOKEN as DJUST_MODULE_OPTIONS } from './djust.module-definition.js';

/**
 * The options with every default merged (`ResolvedDjustOptions`), computed once.
 * `Symbol.for`: the same token in the CommonJS and the ES module build, so the
 * `nestjs-djust audit` bin (ES module) can read an app built on either.
 */
export const DJUST_RESOLVED_OPTIONS = Symbol.for('nestjs-djust:resolved-options');

/** The `ViewRegistry`, under a token both builds share (see {@link DJUST_RESOLVED_OPTIONS}); for the audit bin. */
export const DJUST_VIEW_REGISTRY = Symbol.for('nestjs-djust:view-registry');

/** The permission check (`HasPermissionFn`) that the core and `DjustPermissionGuard` use. */
export const DJUST_HAS_PERMISSION = Symbol('DJUST_HAS_PERMISSION');

/**
 * The clock (`DjustClock`) every time-based part reads: per-socket limits,
 * session checks, the handler timeout. Optional: the real clock when absent.
 * Tests provide a fake one from a global module.
 */
export const DJUST_CLOCK = Symbol('DJUST_CLOCK');

/** The `DjustTracer` (OpenTelemetry) the core uses; tests and benchmarks provide their own. Optional. */
export const DJUST_TRACER = Symbol('DJUST_TRACER');

/** Symbol under which the core stores a view instance's per-call context (never an assign). */
export const VIEW_CONTEXT = Symbol('djust:view-context');
