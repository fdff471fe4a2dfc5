/** Internal DI tokens. Not exported from the package root. */
export const DJUST_MODULE_OPTIONS = Symbol('DJUST_MODULE_OPTIONS');
/**
 * `Symbol.for`: the same token in the CommonJS and the ES module build, so the
 * `nestjs-djust audit` bin (ES module) can read an app built on either.
 */
export const DJUST_RESOLVED_OPTIONS = Symbol.for('nestjs-djust:resolved-options');
/** Symbol under which the pipeline stores a view instance's per-call context. */
export const VIEW_CONTEXT = Symbol('djust:view-context');
