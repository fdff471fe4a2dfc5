/**
 * Runs a Passport strategy made with `PassportStrategy(Strategy, name)` from
 * `@nestjs/passport` — the instance Nest created as a provider — without
 * Passport's middleware, sessions or response handling.
 *
 * It does what `passport.authenticate()` does internally: derive an object from
 * the strategy, give it the `success`/`fail`/`pass`/`error`/`redirect` actions
 * and call `authenticate(request, { session: false })`. The mixin of
 * `@nestjs/passport` turns `validate()`'s result into the verify callback's
 * user, so a truthy `validate()` result ends in `success(user)`.
 */

/** Options passed to the strategy's `authenticate`. */
const AUTHENTICATE_OPTIONS = Object.freeze({ session: false });

/** Thrown (as a rejection) when a strategy asks to redirect: an interactive flow has no place in an API call. */
export class PassportRedirectError extends Error {
  constructor(strategyName: string) {
    super(`Passport strategy "${strategyName}" asked to redirect; only non-interactive strategies can be auth classes.`);
    this.name = 'PassportRedirectError';
  }
}

/**
 * Whether a class was made with `PassportStrategy()` from `@nestjs/passport`:
 * its prototype has `authenticate` (Passport's strategy API), `validate` and the
 * mixin's `getPassportInstance`. Deliberately strict: a plain `DjustAuth` class
 * with an `authenticate` method must never be run as a strategy.
 */
export function isPassportStrategyClass(cls: unknown): boolean {
  const proto = typeof cls === 'function' ? (cls as { prototype?: any }).prototype : undefined;
  return isPassportStrategyShape(proto);
}

/** Whether an instance is a strategy made with `PassportStrategy()` (see {@link isPassportStrategyClass}). */
export function isPassportStrategy(instance: unknown): boolean {
  return typeof instance === 'object' && instance !== null && isPassportStrategyShape(instance);
}

function isPassportStrategyShape(target: any): boolean {
  return (
    target != null &&
    typeof target.authenticate === 'function' &&
    typeof target.validate === 'function' &&
    typeof target.getPassportInstance === 'function'
  );
}

/**
 * Runs `strategy` against `request`. Resolves the user on `success`, `null` on
 * `fail` (missing or bad credentials, a malformed header, a falsy `validate()`
 * result) or `pass`. Rejects with the strategy's error on `error` (e.g.
 * `validate()` threw) or when `authenticate` throws, and with
 * {@link PassportRedirectError} on `redirect`. Only the first action counts.
 */
export function runPassportStrategy(strategy: object, request: unknown): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    const attempt = Object.create(strategy) as Record<string, any>;
    attempt.success = (user: unknown) => settle(() => resolve(user == null || user === false ? null : user));
    attempt.fail = () => settle(() => resolve(null));
    attempt.pass = () => settle(() => resolve(null));
    attempt.error = (err: unknown) => settle(() => reject(err ?? new Error('Passport strategy error')));
    attempt.redirect = () => settle(() => reject(new PassportRedirectError(typeof attempt.name === 'string' ? attempt.name : 'unknown')));
    try {
      attempt.authenticate(request, AUTHENTICATE_OPTIONS);
    } catch (err) {
      settle(() => reject(err));
    }
  });
}
