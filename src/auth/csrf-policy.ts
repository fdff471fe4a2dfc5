import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import { isPassportStrategyClass } from './passport-strategy.runner.js';

/**
 * Whether a caller authenticated by `cls` must pass the CSRF check (before the
 * view's own `csrfExempt` is considered). One rule, read by the authenticator
 * and by the OpenAPI generator (for the CSRF header parameter):
 *
 * 1. `static csrfExempt = true` → no CSRF.
 * 2. `static csrf = true | false` → as declared (`SessionAuth` declares `true`).
 * 3. A Passport strategy class (`PassportStrategy(...)`) → no CSRF: it runs
 *    without a session and reads explicit credentials.
 * 4. Any other `DjustAuth` class → CSRF required. Secure by default: a class
 *    that reads a cookie is protected unless it opts out; token classes set
 *    `static csrfExempt = true`.
 */
export function authClassRequiresCsrf(cls: DjustAuthClass): boolean {
  if (cls.csrfExempt === true) return false;
  const declared = (cls as { csrf?: unknown }).csrf;
  if (declared === true) return true;
  if (declared === false) return false;
  return !isPassportStrategyClass(cls);
}
