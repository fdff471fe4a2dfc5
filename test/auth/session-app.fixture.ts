import { Controller, HttpCode, Injectable, Module, Post, Req, UseGuards, type ExecutionContext, type Type } from '@nestjs/common';
import { AuthGuard, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Strategy as LocalStrategyBase } from 'passport-local';
import { EventHandler, LiveView, LiveViewBase, LoginRequired } from 'nestjs-djust';
import { bootApp, type AdapterName, type RunningApp } from '../support/app.js';
import { AppModule } from './readme/app.module.js';
import { useSessions } from './readme/express-sessions.js';
import { LoginController as FastifyLoginController } from './readme/fastify-login.controller.js';
import { useFastifySessions } from './readme/fastify-sessions.js';
import { UserRepository, type User } from './readme/user.repository.js';

/** The session secret of the test apps (@fastify/session wants at least 32 characters). */
export const SESSION_SECRET = 'a-test-session-secret-of-32-chars-or-more';

/** Counts handler runs: proves nothing of a view ran when a check refused the call. */
@Injectable()
export class RunCounter {
  runs = 0;
}

/** Default auth (`SessionAuth`), CSRF required. */
@LiveView()
export class NoteView extends LiveViewBase {
  constructor(private readonly counter: RunCounter) {
    super();
  }

  @EventHandler({ exposeApi: true })
  save() {
    this.counter.runs++;
    return { by: this.user.username, transport: this.transport };
  }
}

/** `csrfExempt: true` on the view: a session caller needs no token. */
@LiveView({ csrfExempt: true })
export class PingView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  ping() {
    return { by: this.user.username };
  }
}

/** Requires nothing: an anonymous socket may mount it (HTTP still needs a user). */
@LiveView()
export class LobbyView extends LiveViewBase {
  greeting = 'hello';

  @EventHandler()
  who() {
    return { user: this.user?.username ?? null };
  }
}

/** Requires a login, nothing else. */
@LiveView()
@LoginRequired()
export class ProfileView extends LiveViewBase {
  username = '';

  mount() {
    this.username = this.user.username;
  }

  @EventHandler({ exposeApi: true })
  whoami() {
    return { username: this.user.username, transport: this.transport };
  }
}

// ---- express: a Passport login (passport-local + sessions), as @nestjs/passport documents it

/** passport-local: username + password from the JSON body. */
@Injectable()
export class LocalStrategy extends PassportStrategy(LocalStrategyBase, 'local') {
  constructor(private readonly users: UserRepository) {
    super();
  }

  validate(username: string, password: string) {
    return this.users.checkPassword(username, password);
  }
}

/** Stores the user id in the session; reloads the user on each request. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(private readonly users: UserRepository) {
    super();
  }

  serializeUser(user: User, done: (err: unknown, id?: number) => void): void {
    done(null, user.id);
  }

  deserializeUser(id: number, done: (err: unknown, user?: User | false) => void): void {
    this.users.findById(id).then(
      (user) => done(null, user ?? false),
      (err) => done(err),
    );
  }
}

/** Authenticates with passport-local, then starts the login session (`req.logIn`, which regenerates the session). */
@Injectable()
export class LocalLoginGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const ok = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return ok;
  }
}

/** `POST /login` and `POST /logout` of the express app. */
@Controller()
export class ExpressLoginController {
  @Post('login')
  @HttpCode(200)
  @UseGuards(LocalLoginGuard)
  login(@Req() req: any) {
    return { username: req.user.username };
  }

  @Post('logout')
  @HttpCode(200)
  logout(@Req() req: any): Promise<{ ok: true }> {
    // Passport 0.7: clears the login and regenerates the session (the old id is destroyed in the store).
    return new Promise((resolve, reject) => req.logout((err: unknown) => (err ? reject(err) : resolve({ ok: true }))));
  }
}

/**
 * The session app: the README's `AppModule` (forRootAsync, BearerAuth,
 * TokenAuth, OrderView) plus a login route for the adapter and the test views.
 */
export function sessionAppModule(adapter: AdapterName): Type {
  const login = adapter === 'express' ? [ExpressLoginController] : [FastifyLoginController];
  const passport = adapter === 'express' ? [LocalStrategy, SessionSerializer] : [];
  @Module({
    imports: [AppModule],
    controllers: login,
    providers: [UserRepository, RunCounter, NoteView, PingView, LobbyView, ProfileView, ...passport],
  })
  class SessionAppModule {}
  return SessionAppModule;
}

/** Boots the session app with the README's session setup for the adapter. */
export function bootSessionApp(adapter: AdapterName): Promise<RunningApp> {
  return bootApp(sessionAppModule(adapter), adapter, (app) =>
    adapter === 'express'
      ? useSessions(app as NestExpressApplication, SESSION_SECRET)
      : useFastifySessions(app as NestFastifyApplication, SESSION_SECRET),
  );
}

/** The session cookie's name for the adapter. */
export const sessionCookieName = (adapter: AdapterName): string => (adapter === 'express' ? 'connect.sid' : 'sessionId');
