import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestException, ForbiddenException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { of, throwError, timer, map } from 'rxjs';
import { authCtx, authHandler, authLogger, authView } from '../../test/support/auth-fixtures.js';
import { DjustException } from '../protocol/djust.exception.js';
import { AccessChecker } from './access-checker.js';
import { defaultHasPermission } from './default-has-permission.js';

const ada = { id: 1, permissions: ['orders.view_order'] };
const root = { id: 0, isSuperuser: true };
const asUser = (user: unknown) => ({ user, csrfExempt: true });

async function rejectsWith(promise: Promise<unknown>, status: number, kind: string): Promise<DjustException> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DjustException, `expected DjustException, got ${err}`);
    assert.equal(err.status, status);
    assert.equal(err.kind, kind);
    return err;
  }
  assert.fail(`expected ${status}`);
}

const guard = (canActivate: (ctx: ExecutionContext) => unknown): CanActivate => ({ canActivate: canActivate as CanActivate['canActivate'] });

describe('AccessChecker: login and permissions', () => {
  const checker = new AccessChecker(defaultHasPermission, authLogger());

  it('lets anyone into a view without requirements', async () => {
    await checker.checkView(authView(), asUser(null), authCtx());
  });

  it('answers 401 to anonymous callers of loginRequired or permission views', async () => {
    await rejectsWith(checker.checkView(authView({ loginRequired: true }), asUser(null), authCtx()), 401, 'unauthenticated');
    await rejectsWith(checker.checkView(authView({ permissions: ['x'] }), asUser(null), authCtx()), 401, 'unauthenticated');
    await rejectsWith(checker.checkHandler(authView(), authHandler({ permissions: ['x'] }), asUser(null), authCtx()), 401, 'unauthenticated');
  });

  it('answers 403 without naming the missing permission', async () => {
    const err = await rejectsWith(checker.checkView(authView({ permissions: ['orders.view_order', 'orders.secret'] }), asUser(ada), authCtx()), 403, 'permission_denied');
    assert.deepEqual(err.toBody().details, { permission: ['You do not have permission to perform this action.'] });
    assert.ok(!JSON.stringify(err.toBody()).includes('orders.secret'));
    await rejectsWith(checker.checkHandler(authView(), authHandler({ permissions: ['orders.change_order'] }), asUser(ada), authCtx()), 403, 'permission_denied');
  });

  it('grants held permissions and superusers', async () => {
    await checker.checkView(authView({ loginRequired: true, permissions: ['orders.view_order'] }), asUser(ada), authCtx());
    await checker.checkHandler(authView(), authHandler({ permissions: ['anything'] }), asUser(root), authCtx());
  });

  it('awaits an async hasPermission, requires exactly true, and denies when it throws', async () => {
    const logger = authLogger();
    const calls: string[] = [];
    const async = new AccessChecker(async (user: any, perm) => {
      calls.push(perm);
      await new Promise((r) => setImmediate(r));
      if (perm === 'boom') throw new Error('db down');
      if (perm === 'truthy') return 1 as unknown as boolean;
      return user.id === 1;
    }, logger);
    await async.checkView(authView({ permissions: ['a', 'b'] }), asUser({ id: 1 }), authCtx());
    assert.deepEqual(calls, ['a', 'b']);
    await rejectsWith(async.checkView(authView({ permissions: ['a'] }), asUser({ id: 2 }), authCtx()), 403, 'permission_denied');
    await rejectsWith(async.checkView(authView({ permissions: ['truthy'] }), asUser({ id: 1 }), authCtx()), 403, 'permission_denied');
    const err = await rejectsWith(async.checkView(authView({ permissions: ['boom'] }), asUser({ id: 1 }), authCtx()), 403, 'permission_denied');
    assert.ok(!JSON.stringify(err.toBody()).includes('db down'));
    assert.ok(logger.lines.some((l) => l.startsWith('error') && l.includes('db down')));
  });
});

describe('AccessChecker: guards', () => {
  it('runs view guards then allows', async () => {
    const checker = new AccessChecker(defaultHasPermission, authLogger());
    const seen: string[] = [];
    await checker.checkView(authView({ guards: [guard(() => (seen.push('a'), true)), guard(async () => (seen.push('b'), true))] }), asUser(ada), authCtx());
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('answers 403 when a guard returns false (sync, async or Observable) and stops there', async () => {
    const checker = new AccessChecker(defaultHasPermission, authLogger());
    let after = false;
    const later = guard(() => (after = true));
    for (const g of [guard(() => false), guard(async () => false), guard(() => of(true, false)), guard(() => timer(1).pipe(map(() => false))), guard(async () => of(false)), guard(() => undefined)]) {
      await rejectsWith(checker.checkHandler(authView(), authHandler({ guards: [g, later] }), asUser(ada), authCtx()), 403, 'permission_denied');
    }
    assert.equal(after, false);
    await checker.checkHandler(authView(), authHandler({ guards: [guard(() => of(false, true))] }), asUser(ada), authCtx());
  });

  it('maps thrown errors: 401 HttpException → 401, other HttpException → 403, DjustException as is, anything else → 403 logged', async () => {
    const logger = authLogger();
    const checker = new AccessChecker(defaultHasPermission, logger);
    const run = (g: CanActivate) => checker.checkView(authView({ guards: [g] }), asUser(ada), authCtx());
    await rejectsWith(run(guard(() => { throw new UnauthorizedException('token revoked'); })), 401, 'unauthenticated');
    await rejectsWith(run(guard(async () => { throw new UnauthorizedException(); })), 401, 'unauthenticated');
    await rejectsWith(run(guard(() => throwError(() => new UnauthorizedException()))), 401, 'unauthenticated');
    await rejectsWith(run(guard(() => { throw new ForbiddenException('nope'); })), 403, 'permission_denied');
    await rejectsWith(run(guard(() => { throw new BadRequestException('x'); })), 403, 'permission_denied');
    await rejectsWith(run(guard(() => { throw new DjustException('rate_limited', {}, 'slow down'); })), 429, 'rate_limited');
    const err = await rejectsWith(run(guard(() => { throw new TypeError('internal secret'); })), 403, 'permission_denied');
    assert.ok(!JSON.stringify(err.toBody()).includes('internal secret'));
    assert.ok(!JSON.stringify(err.toBody()).includes('token revoked'));
    assert.ok(logger.lines.some((l) => l.startsWith('warn') && l.includes('internal secret')));
  });

  it('does not run guards when the permission check already failed', async () => {
    const checker = new AccessChecker(defaultHasPermission, authLogger());
    let ran = false;
    await rejectsWith(checker.checkView(authView({ loginRequired: true, guards: [guard(() => (ran = true))] }), asUser(null), authCtx()), 401, 'unauthenticated');
    assert.equal(ran, false);
  });

  it('hands guards an HTTP ExecutionContext', async () => {
    const checker = new AccessChecker(defaultHasPermission, authLogger());
    const view = authView();
    const handler = authHandler();
    const request = { headers: { 'x-a': '1' }, marker: 'req' };
    let ctx!: ExecutionContext;
    await checker.checkHandler(view, handler, asUser(ada), authCtx({ request }), { order_id: 1 });
    await checker.checkHandler(view, authHandler({ ...handler, guards: [guard((c) => ((ctx = c), true))] }), asUser(ada), authCtx({ request }), { order_id: 1 });
    assert.equal(ctx.getType(), 'http');
    assert.equal(ctx.getClass(), view.viewClass);
    assert.equal(ctx.getHandler(), handler.method);
    const req = ctx.switchToHttp().getRequest();
    assert.equal(req.user, ada);
    assert.equal(req.marker, 'req');
    assert.equal(req.headers, request.headers);
    assert.equal('user' in request, false, 'the real request is not modified');
    assert.equal(ctx.getArgByIndex(0), req);
    assert.equal(ctx.switchToHttp().getResponse(), undefined);
    assert.equal(ctx.switchToWs().getClient(), undefined);
    assert.deepEqual(ctx.switchToWs().getData(), { order_id: 1 });
    assert.equal(ctx.switchToWs().getPattern(), 'refund');
  });

  it('hands guards a WS ExecutionContext; view-level getHandler() is the view mount', async () => {
    const checker = new AccessChecker(defaultHasPermission, authLogger());
    const view = authView();
    const socket = { id: 'sock', request: { headers: {} } };
    let ctx!: ExecutionContext;
    await checker.checkView(authView({ ...view, guards: [guard((c) => ((ctx = c), true))] }), asUser(null), authCtx({ transport: 'ws', request: socket.request, socket }), { view: 'test' });
    assert.equal(ctx.getType(), 'ws');
    assert.equal(ctx.getHandler(), view.viewClass.prototype.mount);
    assert.equal(ctx.switchToWs().getClient(), socket);
    assert.deepEqual(ctx.switchToWs().getData(), { view: 'test' });
    assert.equal(ctx.switchToWs().getPattern(), 'mount');
    assert.equal(ctx.switchToHttp().getRequest().user, null);
    assert.deepEqual(ctx.getArgs(), [socket, { view: 'test' }]);
  });
});
