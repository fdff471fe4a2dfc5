import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authCtx, authLogger, authView } from '../../test/support/auth-fixtures.js';
import { LoginRequired } from '../discovery/login-required.decorator.js';
import { PermissionRequired } from '../discovery/permission-required.decorator.js';
import { AccessChecker } from './access-checker.js';
import { defaultHasPermission } from './default-has-permission.js';
import { DjustPermissionGuard } from './permission.guard.js';

@LoginRequired()
@PermissionRequired('orders.view_order')
class OrdersController {
  list(): void {}
  @PermissionRequired('orders.change_order')
  refund(): void {}
}

class PublicController {
  index(): void {}
}

function httpContext(cls: Function, handler: Function, user: unknown): ExecutionContext {
  const request = { user };
  return {
    getClass: () => cls,
    getHandler: () => handler,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => undefined, getNext: () => undefined }),
    switchToWs: () => ({ getClient: () => undefined, getData: () => undefined, getPattern: () => '' }),
    switchToRpc: () => ({ getData: () => undefined, getContext: () => undefined }),
    getArgs: () => [request],
    getArgByIndex: () => request,
  } as unknown as ExecutionContext;
}

describe('DjustPermissionGuard', () => {
  const guard = new DjustPermissionGuard(new Reflector());
  const viewer = { permissions: ['orders.view_order'] };
  const clerk = { permissions: new Set(['orders.view_order', 'orders.change_order']) };

  it('allows controllers without requirements, even anonymously', async () => {
    assert.equal(await guard.canActivate(httpContext(PublicController, PublicController.prototype.index, undefined)), true);
  });

  it('throws UnauthorizedException for anonymous callers on protected handlers', async () => {
    await assert.rejects(guard.canActivate(httpContext(OrdersController, OrdersController.prototype.list, undefined)), UnauthorizedException);
  });

  it('combines class and handler permissions', async () => {
    assert.equal(await guard.canActivate(httpContext(OrdersController, OrdersController.prototype.list, viewer)), true);
    await assert.rejects(guard.canActivate(httpContext(OrdersController, OrdersController.prototype.refund, viewer)), ForbiddenException);
    assert.equal(await guard.canActivate(httpContext(OrdersController, OrdersController.prototype.refund, clerk)), true);
  });

  it('uses the injected hasPermission', async () => {
    const strict = new DjustPermissionGuard(new Reflector(), async () => false);
    await assert.rejects(strict.canActivate(httpContext(OrdersController, OrdersController.prototype.list, { isSuperuser: true })), ForbiddenException);
  });

  it('works as a view guard inside the djust pipeline, reading the authenticated user on WS too', async () => {
    const checker = new AccessChecker(defaultHasPermission, authLogger());
    const view = authView({ viewClass: OrdersController as any, guards: [guard] });
    await checker.checkView(view, { user: viewer, csrfExempt: true }, authCtx({ transport: 'ws', request: { headers: {} }, socket: {} }));
    await assert.rejects(
      checker.checkView(view, { user: { permissions: [] }, csrfExempt: true }, authCtx({ transport: 'ws', request: { headers: {} }, socket: {} })),
      (e: any) => e.status === 403,
    );
  });
});
