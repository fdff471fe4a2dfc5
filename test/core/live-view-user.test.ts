import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { bootApp, post, type RunningApp } from '../support/app.js';
import { TestTokenAuth, bearer, type TestUser } from '../support/token-auth.js';

// A compile-time test first: this file is part of `npm run typecheck` (and of
// the build the test runner needs). `LiveViewBase<TestUser>` types `this.user`
// as `TestUser` — no `declare user: TestUser` — and not as `any`: the
// `@ts-expect-error` lines stop compiling if it ever becomes `any` again.

@LiveView({ apiName: 'typed' })
class TypedUserView extends LiveViewBase<TestUser> {
  @EventHandler({ exposeApi: true })
  whoami() {
    const username: string = this.user.username;
    const permissions: string[] = this.user.permissions;
    // @ts-expect-error TestUser has no `email`: `this.user` is typed, not `any`
    void this.user.email;
    return { username, permissions: permissions.length };
  }
}

/** The default type argument keeps `this.user` usable without one. */
@LiveView({ apiName: 'untyped' })
class UntypedUserView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  whoami() {
    return { username: this.user.username as string };
  }
}

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const userIsTestUser: Equals<TypedUserView['user'], TestUser> = true;
// @ts-expect-error `this.user` is exactly TestUser, not any
const userIsAny: Equals<TypedUserView['user'], any> = true;

@Module({ imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth] })], providers: [TestTokenAuth, TypedUserView, UntypedUserView] })
class TypedUserModule {}

describe('LiveViewBase<MyUser>', () => {
  let running: RunningApp;
  before(async () => {
    running = await bootApp(TypedUserModule, 'express');
  });
  after(() => running.close());

  it('types this.user at compile time (this file type-checks) and carries the authenticated user at run time', async () => {
    assert.equal(userIsTestUser, true);
    assert.equal(userIsAny, true);
    const typed = await post(`${running.url}/djust/api/typed/whoami/`, {}, bearer('token-alice'));
    assert.deepEqual(typed.body, { result: { username: 'alice', permissions: 2 }, assigns: {} });
    const untyped = await post(`${running.url}/djust/api/untyped/whoami/`, {}, bearer('token-bob'));
    assert.deepEqual(untyped.body, { result: { username: 'bob' }, assigns: {} });
  });
});
