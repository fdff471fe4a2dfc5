import { Injectable, Module, UnauthorizedException, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import jwt from 'jsonwebtoken';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { EventHandler, LiveView, LiveViewBase, LoginRequired } from 'nestjs-djust';
import { AppModule } from './readme/app.module.js';
import { TokenAuth } from './readme/token-auth.js';
import { UserRepository } from './readme/user.repository.js';

/** The HS256 secret of the test JWTs. */
export const JWT_SECRET = 'jwt-test-secret';

/** A secret an auth class leaks in its error: it must never reach a client. */
export const LEAKED_SECRET = 'hunter2';

/** passport-jwt: `Authorization: Bearer <jwt>`, expiry enforced; the user is looked up from `sub`. */
@Injectable()
export class JwtAuth extends PassportStrategy(JwtStrategy, 'jwt') {
  constructor(private readonly users: UserRepository) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: JWT_SECRET, algorithms: ['HS256'] });
  }

  validate(payload: { sub?: unknown }) {
    return typeof payload.sub === 'number' ? this.users.findById(payload.sub) : null;
  }
}

/** A bearer strategy whose `validate()` throws an internal error carrying a secret. */
@Injectable()
export class ExplodingAuth extends PassportStrategy(BearerStrategy, 'exploding-bearer') {
  validate(): never {
    throw new Error(`connection to postgres://admin:${LEAKED_SECRET}@db refused`);
  }
}

/** A bearer strategy whose `validate()` throws `UnauthorizedException` (a refusal, not a crash). */
@Injectable()
export class RefusingAuth extends PassportStrategy(BearerStrategy, 'refusing-bearer') {
  validate(): never {
    throw new UnauthorizedException(`token revoked (${LEAKED_SECRET})`);
  }
}

/** What every test view answers: who the caller is, and over which transport. */
function whoAmI(view: LiveViewBase) {
  return { username: view.user.username, transport: view.transport };
}

/** The seed's example: `authClasses: [TokenAuth]` (a DjustAuth provider with a repository). */
@LiveView({ apiName: 'seed-order', authClasses: [TokenAuth] })
@LoginRequired()
export class SeedOrderView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  me() {
    return whoAmI(this);
  }
}

/** passport-jwt listed directly. */
@LiveView({ apiName: 'jwt', authClasses: [JwtAuth] })
@LoginRequired()
export class JwtView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  me() {
    return whoAmI(this);
  }
}

/** A throwing strategy alone. */
@LiveView({ apiName: 'exploding', authClasses: [ExplodingAuth] })
@LoginRequired()
export class ExplodingView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  me() {
    return whoAmI(this);
  }
}

/** Throwing strategies first: the next class still gets its turn. */
@LiveView({ apiName: 'fallback', authClasses: [ExplodingAuth, RefusingAuth, TokenAuth] })
@LoginRequired()
export class FallbackView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  me() {
    return whoAmI(this);
  }
}

/** The token-client app: the README's `AppModule` plus the test strategies and views. */
export function tokenAppModule(): Type {
  @Module({
    imports: [AppModule],
    providers: [UserRepository, JwtAuth, ExplodingAuth, RefusingAuth, SeedOrderView, JwtView, ExplodingView, FallbackView],
  })
  class TokenAppModule {}
  return TokenAppModule;
}

/** Signs a test JWT (HS256) for a user id; `options` may set `expiresIn`, another secret… */
export function signJwt(payload: Record<string, unknown>, secret = JWT_SECRET, options: jwt.SignOptions = { expiresIn: '5m' }): string {
  return jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
}

/** An unsigned `alg: none` JWT. */
export function unsignedJwt(payload: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}
