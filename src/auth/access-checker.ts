import { HttpException, Logger, type CanActivate, type LoggerService } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { AuthResult, CallContext } from '../protocol/call-context.js';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import { DjustException } from '../protocol/djust.exception.js';
import type { HasPermissionFn } from '../interfaces/djust-module-options.interface.js';
import { permissionDenied, unauthenticated } from '../protocol/wire-errors.js';
import { DjustExecutionContext, type DjustGuardTarget } from './djust-execution-context.js';
import { evaluateAccess, type AccessDecision } from './evaluate-access.js';
import { errorDetail } from '../common/safe-format.util.js';

/** The answer of a check with nothing to check. */
const ALLOWED: Promise<void> = Promise.resolve();

/** `getHandler()` for view-level guards of a view without its own `mount`. */
function mount(): void {}

/**
 * Runs the view-level and handler-level access checks of the pipeline, on
 * both transports, from the records precomputed at bootstrap (no reflection
 * per call):
 *
 * 1. `@LoginRequired()` / `@PermissionRequired()`: anonymous → 401
 *    `unauthenticated`; a permission not granted → 403 `permission_denied`.
 *    The 403 never names the permission.
 * 2. The app's own guards (`@UseGuards()`), with a `DjustExecutionContext`.
 *    `false` → 403; a thrown `HttpException` with status 401 → 401; a thrown
 *    `DjustException` as is; anything else thrown → 403 (logged, its message
 *    never sent). Guards may return a boolean, a promise or an Observable.
 */
export class AccessChecker {
  private readonly viewTargets = new WeakMap<ViewRecord, DjustGuardTarget>();
  private readonly handlerTargets = new WeakMap<HandlerRecord, DjustGuardTarget>();

  constructor(
    private readonly hasPermission: HasPermissionFn,
    private readonly logger: Pick<LoggerService, 'warn' | 'error'> = new Logger('DjustAuth'),
  ) {}

  /**
   * View-level checks (before the handler is resolved). `data`: the call's params, for `switchToWs().getData()`.
   * A view with nothing to check (no login, permission or guard: most views) answers at once.
   */
  checkView(view: ViewRecord, auth: AuthResult, ctx: CallContext, data?: unknown): Promise<void> {
    if (!view.loginRequired && view.permissions.length === 0 && view.guards.length === 0) return ALLOWED;
    return this.checkViewAccess(view, auth, ctx, data);
  }

  /** Handler-level checks. `data`: the call's params, for `switchToWs().getData()`. Nothing to check: at once. */
  checkHandler(view: ViewRecord, handler: HandlerRecord, auth: AuthResult, ctx: CallContext, data?: unknown): Promise<void> {
    if (handler.permissions.length === 0 && handler.guards.length === 0) return ALLOWED;
    return this.checkHandlerAccess(view, handler, auth, ctx, data);
  }

  private async checkViewAccess(view: ViewRecord, auth: AuthResult, ctx: CallContext, data: unknown): Promise<void> {
    this.throwUnlessAllowed(await evaluateAccess(auth.user, view.loginRequired, view.permissions, this.hasPermission, this.logger));
    if (view.guards.length > 0) await this.runGuards(view.guards, ctx, auth.user, this.viewTarget(view), data);
  }

  private async checkHandlerAccess(view: ViewRecord, handler: HandlerRecord, auth: AuthResult, ctx: CallContext, data: unknown): Promise<void> {
    this.throwUnlessAllowed(await evaluateAccess(auth.user, false, handler.permissions, this.hasPermission, this.logger));
    if (handler.guards.length > 0) await this.runGuards(handler.guards, ctx, auth.user, this.handlerTarget(view, handler), data);
  }

  private throwUnlessAllowed(decision: AccessDecision): void {
    if (decision === 'unauthenticated') throw unauthenticated();
    if (decision === 'forbidden') throw permissionDenied();
  }

  private async runGuards(
    guards: readonly CanActivate[],
    ctx: CallContext,
    user: unknown,
    target: DjustGuardTarget,
    data: unknown,
  ): Promise<void> {
    const context = new DjustExecutionContext(ctx, user, target, data);
    for (const guard of guards) {
      let allowed: unknown;
      try {
        allowed = guard.canActivate(context);
        if (typeof allowed !== 'boolean') {
          allowed = await allowed;
          if (isObservable(allowed)) allowed = await lastValueFrom(allowed);
        }
      } catch (err) {
        throw this.guardError(guard, err);
      }
      if (!allowed) throw permissionDenied();
    }
  }

  private guardError(guard: CanActivate, err: unknown): DjustException {
    if (err instanceof DjustException) return err;
    if (err instanceof HttpException) {
      return err.getStatus() === 401 ? unauthenticated() : permissionDenied();
    }
    const name = typeof guard?.constructor?.name === 'string' ? guard.constructor.name : 'guard';
    this.logger.warn(`${name} threw; denied. ${errorDetail(err)}`);
    return permissionDenied();
  }

  private viewTarget(view: ViewRecord): DjustGuardTarget {
    let target = this.viewTargets.get(view);
    if (target === undefined) {
      const proto = view.viewClass.prototype as { mount?: unknown };
      target = { viewClass: view.viewClass, handler: typeof proto.mount === 'function' ? proto.mount : mount, pattern: 'mount' };
      this.viewTargets.set(view, target);
    }
    return target;
  }

  private handlerTarget(view: ViewRecord, handler: HandlerRecord): DjustGuardTarget {
    let target = this.handlerTargets.get(handler);
    if (target === undefined) {
      target = { viewClass: view.viewClass, handler: handler.method, pattern: handler.name };
      this.handlerTargets.set(handler, target);
    }
    return target;
  }
}
