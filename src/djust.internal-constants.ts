/** Internal DI tokens. Not exported from the package root. */
export const DJUST_MODULE_OPTIONS = Symbol('DJUST_MODULE_OPTIONS');
export const DJUST_RESOLVED_OPTIONS = Symbol('DJUST_RESOLVED_OPTIONS');
/** Symbol under which the pipeline stores a view instance's per-call context. */
export const VIEW_CONTEXT = Symbol('djust:view-context');
