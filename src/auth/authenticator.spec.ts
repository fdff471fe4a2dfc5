import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { authCtx, authLogger, authView } from '../../test/support/auth-fixtures.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import type { DjustAuth, DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import { Authenticator } from './authenticator.js';
import { authClassRequiresCsrf } from './csrf-policy.js';
import { SessionAuth } from './session-auth.js';

const ada = { id: 1, name: 'ada' };
const bob = { id: 2, name: 'bob' };

class TokenAuth implements DjustAuth {
  static csrfExempt = true;
  authenticate(req: { headers: Record<string, string | undefined> }) {
    return req.headers.authorization === 'Bearer t-ada' ? ada : null;
  }
}

class AsyncHeaderAuth implements DjustAuth {
  async authenticate(req: { headers: Record<string, string | undefined> }) {
    return req.headers['x-user'] === 'bob' ? bob : undefined;
  }
}

class ThrowingAuth implements DjustAuth {
  static calls = 0;
  authenticate(): never {
    ThrowingAuth.calls++;
    throw new Error('secret internal detail');
  }
}

class RejectingAuth implements DjustAuth {
  authenticate(): Promise<never> {
    return Promise.reject(new UnauthorizedException('revoked'));
  }
}

class ExplicitNoCsrf implements DjustAuth {
  static csrf = false;
  authenticate() {
    return ada;
  }
}

@Injectable()
class BearerAuth extends PassportStrategy(BearerStrategy, 'authenticator-bearer') {
  validate(token: string) {
    if (token === 'explode') throw new UnauthorizedException('do not leak');
    return token === 't-bob' ? bob : null;
  }
}

@Injectable()
class CookieStrategy extends PassportStrategy(BearerStrategy, 'authenticator-cookie') {
  static csrf = true;
  validate() {
    return bob;
  }
}

function makeAuthenticator(logger = authLogger()) {
  const instances = new Map<DjustAuthClass, unknown>();
  let resolutions = 0;
  const authenticator = new Authenticator((cls) => {
    resolutions++;
    if (!instances.has(cls)) instances.set(cls, new cls());
    return instances.get(cls);
  }, logger);
  return { authenticator, logger, resolutions: () => resolutions };
}

describe('Authenticator', () => {
  it('tries classes in order; the first user wins', async () => {
    const { authenticator } = makeAuthenticator();
    const view = authView({ authClasses: [TokenAuth, AsyncHeaderAuth] });
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ headers: { authorization: 'Bearer t-ada', 'x-user': 'bob' } })), { user: ada, csrfExempt: true });
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ headers: { 'x-user': 'bob' } })), { user: bob, csrfExempt: false });
  });

  it('returns anonymous (csrfExempt) when no class accepts', async () => {
    const { authenticator } = makeAuthenticator();
    const view = authView({ authClasses: [TokenAuth, SessionAuth] });
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ headers: { authorization: 'Bearer wrong' } })), { user: null, csrfExempt: true });
    assert.deepEqual(await authenticator.authenticate(authView({ authClasses: [] }), authCtx()), { user: null, csrfExempt: true });
  });

  it('treats a throwing or rejecting class as not accepting, logs it, and moves on', async () => {
    const { authenticator, logger } = makeAuthenticator();
    const view = authView({ authClasses: [ThrowingAuth, RejectingAuth, AsyncHeaderAuth] });
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ headers: { 'x-user': 'bob' } })), { user: bob, csrfExempt: false });
    assert.ok(logger.lines.some((l) => l.startsWith('warn') && l.includes('ThrowingAuth') && l.includes('secret internal detail')));
    assert.ok(logger.lines.some((l) => l.startsWith('debug') && l.includes('RejectingAuth')));
    assert.deepEqual(await authenticator.authenticate(authView({ authClasses: [ThrowingAuth] }), authCtx()), { user: null, csrfExempt: true });
  });

  it('requires CSRF for SessionAuth unless the view is csrfExempt', async () => {
    const { authenticator } = makeAuthenticator();
    const session = { user: ada };
    const ctx = authCtx({ session, request: { headers: {}, user: ada, session } });
    assert.deepEqual(await authenticator.authenticate(authView({ authClasses: [SessionAuth] }), ctx), { user: ada, csrfExempt: false });
    assert.deepEqual(await authenticator.authenticate(authView({ authClasses: [SessionAuth], csrfExempt: true }), ctx), { user: ada, csrfExempt: true });
  });

  it('runs Passport strategies: validate() is the user, CSRF-exempt, throwing validate() falls through', async () => {
    const { authenticator, logger } = makeAuthenticator();
    const view = authView({ authClasses: [BearerAuth, SessionAuth] });
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ headers: { authorization: 'Bearer t-bob' } })), { user: bob, csrfExempt: true });
    const request = { headers: { authorization: 'Bearer explode' }, user: ada };
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ request })), { user: ada, csrfExempt: false });
    assert.ok(!logger.lines.some((l) => l.startsWith('warn')));
    assert.deepEqual(await authenticator.authenticate(view, authCtx({ headers: { authorization: 'Bearer a b c' } })), { user: null, csrfExempt: true });
  });

  it('resolves each class once, and prepare() does it eagerly', async () => {
    const { authenticator, resolutions } = makeAuthenticator();
    authenticator.prepare([TokenAuth, SessionAuth, TokenAuth]);
    assert.equal(resolutions(), 2);
    const view = authView({ authClasses: [TokenAuth, SessionAuth] });
    await authenticator.authenticate(view, authCtx());
    await authenticator.authenticate(view, authCtx());
    assert.equal(resolutions(), 2);
  });

  it('fails at prepare() for classes that cannot be resolved or have no authenticate()', () => {
    const broken = new Authenticator(() => {
      throw new Error('Nest could not find NotAProvider');
    }, authLogger());
    class NotAProvider {}
    assert.throws(() => broken.prepare([NotAProvider]), (e: Error) => e instanceof DjustConfigurationError && e.message.includes('NotAProvider'));
    const { authenticator } = makeAuthenticator();
    assert.throws(() => authenticator.prepare([NotAProvider]), /has no authenticate\(request\) method/);
  });
});

describe('authClassRequiresCsrf', () => {
  it('follows csrfExempt, then csrf, then the class kind', () => {
    assert.equal(authClassRequiresCsrf(SessionAuth), true);
    assert.equal(authClassRequiresCsrf(TokenAuth), false);
    assert.equal(authClassRequiresCsrf(AsyncHeaderAuth), true);
    assert.equal(authClassRequiresCsrf(ExplicitNoCsrf), false);
    assert.equal(authClassRequiresCsrf(BearerAuth), false);
    assert.equal(authClassRequiresCsrf(CookieStrategy), true);
    class ExemptSession extends SessionAuth {
      static csrfExempt = true;
    }
    assert.equal(authClassRequiresCsrf(ExemptSession), false);
  });
});
