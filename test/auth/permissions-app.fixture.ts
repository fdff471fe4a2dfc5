import { Injectable, Module, UnauthorizedException, UseGuards, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { of } from 'rxjs';
import { EventHandler, LiveView, LiveViewBase, LoginRequired, PermissionRequired } from 'nestjs-djust';
import { AppModule } from './readme/app.module.js';
import { OrdersController } from './readme/orders.controller.js';
import { TokenAuth } from './readme/token-auth.js';
import { UserRepository } from './readme/user.repository.js';

/** A secret a guard leaks in its error: it must never reach a client. */
export const GUARD_SECRET = 'guard-internal-detail';

/** What `GateGuard` does next. */
export type GateMode = 'allow' | 'deny' | 'deny-async' | 'deny-observable' | 'unauthorized' | 'crash';

/** What `GateGuard` saw on one call. */
export interface GateVisit {
  readonly type: string;
  readonly user: string | null;
  readonly viewClass: string;
  readonly handler: string;
  readonly pattern: string | undefined;
  readonly data: unknown;
}

/** Test switchboard of `GateGuard`, injected into it. */
@Injectable()
export class GateControl {
  mode: GateMode = 'allow';
  readonly visits: GateVisit[] = [];
}

/** A user's own guard (an injectable with a dependency), recording the context it is given. */
@Injectable()
export class GateGuard implements CanActivate {
  constructor(private readonly control: GateControl) {}

  canActivate(context: ExecutionContext) {
    const type = context.getType();
    this.control.visits.push({
      type,
      user: context.switchToHttp().getRequest()?.user?.username ?? null,
      viewClass: context.getClass().name,
      handler: context.getHandler().name,
      pattern: type === 'ws' ? context.switchToWs().getPattern() : undefined,
      data: type === 'ws' ? context.switchToWs().getData() : undefined,
    });
    switch (this.control.mode) {
      case 'allow':
        return true;
      case 'deny':
        return false;
      case 'deny-async':
        return Promise.resolve(false);
      case 'deny-observable':
        return of(false);
      case 'unauthorized':
        throw new UnauthorizedException(GUARD_SECRET);
      case 'crash':
        throw new Error(GUARD_SECRET);
    }
  }
}

/** `@LoginRequired()` only. */
@LiveView({ apiName: 'account', authClasses: [TokenAuth] })
@LoginRequired()
export class AccountView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  me() {
    return { username: this.user.username };
  }
}

/**
 * View-level `@PermissionRequired('orders.audit')` — granted only through the
 * README's async `PermissionService` (roles), never by `user.permissions` —
 * plus handler-level permissions and a handler-level guard.
 */
@LiveView({ apiName: 'audit', authClasses: [TokenAuth] })
@PermissionRequired('orders.audit')
export class AuditView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  summary() {
    return { ok: true };
  }

  @EventHandler({ exposeApi: true })
  @PermissionRequired('orders.view_order', 'orders.export')
  export() {
    return { exported: true };
  }

  @EventHandler({ exposeApi: true })
  @UseGuards(GateGuard)
  gated() {
    return { gated: true };
  }
}

/** A guard on the view class: it runs on HTTP calls, WS mounts and every WS event. */
@LiveView({ apiName: 'gated', authClasses: [TokenAuth] })
@UseGuards(GateGuard)
export class GatedView extends LiveViewBase {
  opened = false;

  @EventHandler({ exposeApi: true })
  open() {
    this.opened = true;
    return { opened: true };
  }
}

/** The permissions app: the README's `AppModule` (forRootAsync + PermissionService) plus test views. */
export function permissionsAppModule(): Type {
  @Module({
    imports: [AppModule],
    controllers: [OrdersController],
    providers: [UserRepository, GateControl, GateGuard, AccountView, AuditView, GatedView],
  })
  class PermissionsAppModule {}
  return PermissionsAppModule;
}
