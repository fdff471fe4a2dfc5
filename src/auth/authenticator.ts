import { HttpException, Logger, type LoggerService } from '@nestjs/common';
import type { AuthResult, CallContext } from '../protocol/call-context.js';
import type { ViewRecord } from '../discovery/view-record.interface.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import { authClassRequiresCsrf } from './csrf-policy.js';
import { isPassportStrategy, runPassportStrategy } from './passport-strategy.runner.js';
import { describeValue, errorDetail, errorMessage } from '../common/safe-format.util.js';

/** Each auth class's answer for one request (see {@link Authenticator.authenticate}). */
export type AuthMemo = Map<DjustAuthClass, unknown>;

/** Returns the instance to use for an auth class (a Nest provider, or one built once). */
export type AuthClassResolver = (cls: DjustAuthClass) => unknown;

/** The logger methods the authenticator uses. */
export type AuthLogger = Pick<LoggerService, 'warn'> & Partial<Pick<LoggerService, 'debug'>>;

/** Everything about one auth class, computed once. */
interface PreparedAuthClass {
  readonly name: string;
  /** Returns the user, or null/undefined/false; may throw or reject. */
  readonly run: (request: unknown) => unknown;
  readonly csrfRequired: boolean;
}

const ANONYMOUS: AuthResult = Object.freeze({ user: null, csrfExempt: true });

/**
 * Tries a view's auth classes in order; the first that returns a user wins.
 * A class that returns `null`/`undefined`/`false`, or throws, or (for a
 * Passport strategy) fails, passes or errors, has not accepted the caller and
 * the next one tries. Errors are logged server-side and never reach the caller.
 *
 * Auth classes are resolved and classified (DjustAuth vs Passport strategy,
 * CSRF rule) once, on first use or eagerly through {@link prepare}.
 */
export class Authenticator {
  private readonly prepared = new Map<DjustAuthClass, PreparedAuthClass>();

  constructor(
    private readonly resolveAuth: AuthClassResolver,
    private readonly logger: AuthLogger = new Logger('DjustAuth'),
  ) {}

  /**
   * Resolves and classifies auth classes ahead of the first request (call it at
   * bootstrap with every view's classes), so a class that cannot be resolved
   * fails at startup.
   *
   * @throws DjustConfigurationError naming the class that cannot be resolved.
   */
  prepare(classes: Iterable<DjustAuthClass>): void {
    for (const cls of classes) this.get(cls);
  }

  /**
   * Authenticates the caller for `view`. Returns the winning user and whether
   * CSRF is off: CSRF applies only when the winning class requires it (see
   * `authClassRequiresCsrf`) and the view is not `csrfExempt`. No user →
   * `{ user: null, csrfExempt: true }`; the caller decides between 401 (HTTP)
   * and an anonymous socket (WS).
   *
   * `memo` (one per request) keeps each class's answer, so a request that is
   * authenticated for several views (an MCP `tools/list`) runs each class once.
   */
  async authenticate(view: ViewRecord, ctx: CallContext, memo?: AuthMemo): Promise<AuthResult> {
    for (const cls of view.authClasses) {
      const auth = this.get(cls);
      let user: unknown;
      if (memo?.has(cls)) user = memo.get(cls);
      else {
        try {
          user = await auth.run(ctx.request);
        } catch (err) {
          this.logRejection(auth.name, err);
          user = null;
        }
        memo?.set(cls, user);
      }
      if (user == null || user === false) continue;
      return { user, csrfExempt: view.csrfExempt || !auth.csrfRequired };
    }
    return ANONYMOUS;
  }

  private get(cls: DjustAuthClass): PreparedAuthClass {
    let auth = this.prepared.get(cls);
    if (auth === undefined) {
      auth = this.prepareOne(cls);
      this.prepared.set(cls, auth);
    }
    return auth;
  }

  private prepareOne(cls: DjustAuthClass): PreparedAuthClass {
    const name = typeof cls === 'function' && cls.name ? cls.name : describeValue(cls);
    let instance: any;
    try {
      instance = this.resolveAuth(cls);
    } catch (err) {
      if (err instanceof DjustConfigurationError) throw err;
      throw new DjustConfigurationError(
        `auth class ${name} could not be resolved (${errorMessage(err)}). ` +
          'Auth classes must be providers of a module DjustModule can see, or constructible without arguments.',
      );
    }
    if (isPassportStrategy(instance)) {
      return { name, run: (request) => runPassportStrategy(instance, request), csrfRequired: authClassRequiresCsrf(cls) };
    }
    if (instance == null || typeof instance.authenticate !== 'function') {
      throw new DjustConfigurationError(
        `auth class ${name} has no authenticate(request) method. Implement DjustAuth, or use a strategy made with PassportStrategy() from @nestjs/passport.`,
      );
    }
    return { name, run: (request) => instance.authenticate(request), csrfRequired: authClassRequiresCsrf(cls) };
  }

  /** Expected refusals (an HttpException below 500, e.g. `UnauthorizedException` from `validate()`) at debug; anything else at warn. */
  private logRejection(name: string, err: unknown): void {
    if (err instanceof HttpException && err.getStatus() < 500) {
      this.logger.debug?.(`auth class ${name} refused the caller: ${err.getStatus()}`);
      return;
    }
    this.logger.warn(`auth class ${name} threw; treated as not accepting the caller. ${errorDetail(err)}`);
  }
}
