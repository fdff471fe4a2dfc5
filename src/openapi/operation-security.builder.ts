import { authClassRequiresCsrf } from '../auth/csrf-policy.js';
import type { ViewRecord } from '../discovery/view-record.interface.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import { normalizePrefix } from './operation-naming.util.js';
import type { SecuritySchemeResolver } from './security-scheme.resolver.js';

/** Name of the CSRF request header (the spec also accepts `X-CSRFToken`). */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * The operation's `security`: one alternative per auth class of the view, in
 * order (any one suffices); `undefined` when the view has none (every call answers 401).
 */
export function operationSecurity(view: ViewRecord, schemes: SecuritySchemeResolver): Record<string, string[]>[] | undefined {
  const names = view.authClasses.map((authClass) => schemes.resolve(authClass));
  if (names.length === 0) return undefined;
  return [...new Set(names)].map((name) => ({ [name]: [] }));
}

/** The auth classes of the view whose callers must pass the CSRF check (none when the view is exempt). */
export function csrfAuthClasses(view: ViewRecord): DjustAuthClass[] {
  return view.csrfExempt ? [] : view.authClasses.filter(authClassRequiresCsrf);
}

/**
 * The `X-CSRF-Token` header parameter when an auth class of the view needs
 * CSRF (`authClassRequiresCsrf`) and the view is not exempt — `required` only
 * when every auth class needs it; `undefined` otherwise.
 */
export function csrfParameter(view: ViewRecord, prefix: string): Record<string, unknown> | undefined {
  const csrfClasses = csrfAuthClasses(view);
  if (csrfClasses.length === 0) return undefined;
  const always = csrfClasses.length === view.authClasses.length;
  return {
    name: CSRF_HEADER,
    in: 'header',
    required: always,
    description:
      `CSRF token returned by \`GET ${normalizePrefix(prefix)}/api/csrf\` as \`{ csrfToken }\` (\`X-CSRFToken\` is accepted too). ` +
      (always ? 'Required.' : `Required when authenticating with ${csrfClasses.map((c) => c.name).join(', ')}.`),
    schema: { type: 'string' },
  };
}
