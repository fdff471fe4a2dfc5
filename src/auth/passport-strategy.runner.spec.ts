import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import jwt from 'jsonwebtoken';
import { isPassportStrategy, isPassportStrategyClass, PassportRedirectError, runPassportStrategy } from './passport-strategy.runner.js';
import { SessionAuth } from './session-auth.js';

interface User {
  id: number;
  name: string;
}

class TokenRepository {
  private readonly tokens = new Map<string, User>([['good-token', { id: 1, name: 'ada' }]]);
  async find(token: string): Promise<User | null> {
    return this.tokens.get(token) ?? null;
  }
}

@Injectable()
class BearerAuth extends PassportStrategy(BearerStrategy, 'test-bearer') {
  constructor(private readonly repo: TokenRepository) {
    super();
  }
  async validate(token: string): Promise<User | null> {
    if (token === 'explode') throw new UnauthorizedException('secret reason');
    if (token === 'crash') throw new Error('database down');
    return this.repo.find(token);
  }
}

const SECRET = 'test-secret-test-secret-test-secret';

@Injectable()
class JwtAuth extends PassportStrategy(JwtStrategy, 'test-jwt') {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: SECRET, algorithms: ['HS256'] });
  }
  validate(payload: { sub: number; name: string }): User {
    return { id: payload.sub, name: payload.name };
  }
}

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } });

describe('isPassportStrategy', () => {
  it('recognises strategies made with PassportStrategy(), not DjustAuth classes', () => {
    assert.equal(isPassportStrategyClass(BearerAuth), true);
    assert.equal(isPassportStrategyClass(JwtAuth), true);
    assert.equal(isPassportStrategy(new JwtAuth()), true);
    assert.equal(isPassportStrategyClass(SessionAuth), false);
    assert.equal(isPassportStrategy(new SessionAuth()), false);
    class LooksAlike {
      authenticate(_req: unknown, _opts: unknown) {}
      validate() {}
    }
    assert.equal(isPassportStrategyClass(LooksAlike), false);
    assert.equal(isPassportStrategyClass(undefined), false);
    assert.equal(isPassportStrategy(null), false);
  });
});

describe('runPassportStrategy with passport-http-bearer', () => {
  const strategy = new BearerAuth(new TokenRepository());

  it('resolves the validate() result for a good token', async () => {
    assert.deepEqual(await runPassportStrategy(strategy, req('Bearer good-token')), { id: 1, name: 'ada' });
    assert.deepEqual(await runPassportStrategy(strategy, req('bearer good-token')), { id: 1, name: 'ada' });
  });

  it('resolves null for an unknown token (validate() returned null)', async () => {
    assert.equal(await runPassportStrategy(strategy, req('Bearer nope')), null);
  });

  it('resolves null for missing and malformed Authorization headers', async () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer a b', 'Basic Z29vZC10b2tlbg==', 'good-token', '   ', 'Bearer\tgood-token']) {
      assert.equal(await runPassportStrategy(strategy, req(header)), null, `header ${JSON.stringify(header)}`);
    }
  });

  it('rejects with the error when validate() throws', async () => {
    await assert.rejects(runPassportStrategy(strategy, req('Bearer explode')), UnauthorizedException);
    await assert.rejects(runPassportStrategy(strategy, req('Bearer crash')), /database down/);
  });

  it('works on an IncomingMessage-like WS handshake request (no body, no query)', async () => {
    assert.deepEqual(await runPassportStrategy(strategy, { headers: { authorization: 'Bearer good-token' }, url: '/socket.io/' }), { id: 1, name: 'ada' });
  });

  it('does not modify the strategy instance', async () => {
    await runPassportStrategy(strategy, req('Bearer good-token'));
    assert.equal(Object.hasOwn(strategy, 'success'), false);
    assert.equal(Object.hasOwn(strategy, 'fail'), false);
  });
});

describe('runPassportStrategy with passport-jwt', () => {
  const strategy = new JwtAuth();

  it('resolves the validate() result for a valid JWT', async () => {
    const token = jwt.sign({ sub: 7, name: 'grace' }, SECRET, { algorithm: 'HS256', expiresIn: 60 });
    assert.deepEqual(await runPassportStrategy(strategy, req(`Bearer ${token}`)), { id: 7, name: 'grace' });
  });

  it('resolves null for bad signatures, expired, malformed and alg-none tokens', async () => {
    const wrongKey = jwt.sign({ sub: 7 }, 'another-secret-another-secret-xx', { algorithm: 'HS256' });
    const expired = jwt.sign({ sub: 7, exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, { algorithm: 'HS256' });
    const none = jwt.sign({ sub: 7 }, '', { algorithm: 'none' });
    for (const header of [`Bearer ${wrongKey}`, `Bearer ${expired}`, `Bearer ${none}`, 'Bearer not.a.jwt', 'Bearer ', 'Token x', undefined]) {
      assert.equal(await runPassportStrategy(strategy, req(header)), null, `header ${JSON.stringify(header)}`);
    }
  });
});

describe('runPassportStrategy actions', () => {
  const fake = (authenticate: (this: any, req: unknown, opts: unknown) => void) => ({ name: 'fake', authenticate, validate() {}, getPassportInstance() {} });

  it('passes { session: false } and resolves null on pass()', async () => {
    let seen: unknown;
    const s = fake(function (_req, opts) {
      seen = opts;
      this.pass();
    });
    assert.equal(await runPassportStrategy(s, {}), null);
    assert.deepEqual(seen, { session: false });
  });

  it('rejects on redirect() and on a synchronous throw', async () => {
    await assert.rejects(runPassportStrategy(fake(function () { this.redirect('/login'); }), {}), PassportRedirectError);
    await assert.rejects(runPassportStrategy(fake(() => { throw new TypeError('boom'); }), {}), TypeError);
  });

  it('honours only the first action', async () => {
    const s = fake(function () {
      this.fail();
      this.success({ id: 1 });
      this.error(new Error('late'));
    });
    assert.equal(await runPassportStrategy(s, {}), null);
  });

  it('treats success(false) as no user', async () => {
    assert.equal(await runPassportStrategy(fake(function () { this.success(false); }), {}), null);
  });
});
