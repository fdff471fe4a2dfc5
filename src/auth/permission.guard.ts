import { ForbiddenException, Inject, Injectable, Optional, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LOGIN_REQUIRED_METADATA, PERMISSION_REQUIRED_METADATA } from '../djust.constants.js';
import type { HasPermissionFn } from '../interfaces/djust-module-options.interface.js';
import { DJUST_HAS_PERMISSION } from '../djust.internal-constants.js';
import { DjustExecutionContext } from './djust-execution-context.js';
import { defaultHasPermission } from './default-has-permission.js';
import { evaluateAccess } from './evaluate-access.js';

interface Requirements {
  readonly loginRequired: boolean;
  readonly permissions: readonly string[];
}

/**
 * A Nest guard enforcing `@LoginRequired()` and `@PermissionRequired()` on
 * ordinary controllers and gateways, with the same rule as LiveViews: the
 * class's permissions plus the handler's, all required. The user is
 * `request.user` as Passport sets it (see `getUser`). Anonymous →
 * `UnauthorizedException`, lacking a permission → `ForbiddenException`.
 *
 * Uses `forRoot({ hasPermission })` when DjustModule is imported, else the
 * default (superuser, or `user.permissions` contains it). Requirements are
 * read once per (class, handler) and cached. Override `getUser` to find the
 * user elsewhere.
 *
 * @example
 * ```ts
 * @Controller('orders')
 * @UseGuards(AuthGuard('jwt'), DjustPermissionGuard)
 * export class OrdersController {
 *   @Post(':id/refund')
 *   @PermissionRequired('orders.change_order')
 *   refund() { ... }
 * }
 * ```
 */
@Injectable()
export class DjustPermissionGuard implements CanActivate {
  private readonly cache = new WeakMap<Function, WeakMap<Function, Requirements>>();
  private readonly hasPermission: HasPermissionFn;

  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(DJUST_HAS_PERMISSION) hasPermission?: HasPermissionFn,
  ) {
    this.hasPermission = hasPermission ?? defaultHasPermission;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { loginRequired, permissions } = this.requirements(context.getClass(), context.getHandler());
    const decision = await evaluateAccess(this.getUser(context), loginRequired, permissions, this.hasPermission);
    if (decision === 'unauthenticated') throw new UnauthorizedException();
    if (decision === 'forbidden') throw new ForbiddenException();
    return true;
  }

  /**
   * The caller's user: `request.user` over HTTP and inside LiveViews (the djust
   * context puts the authenticated user there on both transports); over a
   * plain Nest gateway, the socket.io client's `request.user`.
   */
  protected getUser(context: ExecutionContext): unknown {
    if (context.getType() === 'ws' && !(context instanceof DjustExecutionContext)) {
      return context.switchToWs().getClient<any>()?.request?.user ?? null;
    }
    return context.switchToHttp().getRequest<any>()?.user ?? null;
  }

  private requirements(cls: Function, handler: Function): Requirements {
    let byHandler = this.cache.get(cls);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.cache.set(cls, byHandler);
    }
    let req = byHandler.get(handler);
    if (req === undefined) {
      const classPerms = this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, cls) ?? [];
      const handlerPerms = this.reflector.get<string[] | undefined>(PERMISSION_REQUIRED_METADATA, handler) ?? [];
      req = {
        loginRequired: this.reflector.get<boolean | undefined>(LOGIN_REQUIRED_METADATA, cls) === true,
        permissions: Object.freeze([...new Set([...classPerms, ...handlerPerms])]),
      };
      byHandler.set(handler, req);
    }
    return req;
  }
}
