import { Body, Controller, HttpCode, Injectable, Module, Post, Req, type INestApplication, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { IoAdapter } from '@nestjs/platform-socket.io';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { DjustModule, EventHandler, LiveView, LiveViewBase, LoginRequired, PermissionRequired, SessionAuth } from 'nestjs-djust';
import { Probe, type ContractUser } from './contract.fixture.js';

/** Users of the session app, by id. */
export const SESSION_USERS: Record<number, ContractUser> = {
  1: { id: 1, username: 'alice', permissions: ['notes.edit'] },
  2: { id: 2, username: 'carol', permissions: [] },
};

/** A @nestjs/passport strategy (passport-http-bearer): `Authorization: Bearer pp-<username>`. */
@Injectable()
export class PassportBearerStrategy extends PassportStrategy(BearerStrategy, 'contract-bearer') {
  validate(token: string): ContractUser | null {
    return Object.values(SESSION_USERS).find((u) => `pp-${u.username}` === token) ?? null;
  }
}

/** Default auth: SessionAuth (CSRF required). */
@LiveView()
export class NoteView extends LiveViewBase {
  text = '';
  constructor(private readonly probe: Probe) {
    super();
  }
  mount() {
    this.probe.mounts++;
  }
  @EventHandler({ exposeApi: true })
  save() {
    this.probe.handlerRuns++;
    return (this.user as ContractUser).username;
  }
  @EventHandler({ exposeApi: true })
  @PermissionRequired('notes.edit')
  edit() {
    return 'edited';
  }
}

/** csrfExempt on the view. */
@LiveView({ csrfExempt: true })
export class ExemptView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  save() {
    return (this.user as ContractUser).username;
  }
}

/** Login required (WS cookie tests). */
@LiveView()
@LoginRequired()
export class AccountView extends LiveViewBase {
  name = '';
  mount() {
    this.name = (this.user as ContractUser).username;
  }
  @EventHandler()
  whoami() {
    return (this.user as ContractUser).username;
  }
}

/** A Passport strategy class listed directly in authClasses. */
@LiveView({ authClasses: [PassportBearerStrategy], csrfExempt: true })
export class PassportView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  whoami() {
    return (this.user as ContractUser).username;
  }
}

/** `POST /login {id}`: Passport session login. */
@Controller()
export class LoginController {
  @Post('login')
  @HttpCode(200)
  login(@Req() req: any, @Body() body: { id: number }): Promise<{ ok: true }> {
    return new Promise((resolve, reject) => req.login(SESSION_USERS[body.id], (err: unknown) => (err ? reject(err) : resolve({ ok: true }))));
  }
}

/** The session module. */
export function sessionModule(allowedOrigins: string[] = []): Type {
  @Module({
    imports: [DjustModule.forRoot({ authClasses: [SessionAuth], allowedOrigins })],
    controllers: [LoginController],
    providers: [Probe, PassportBearerStrategy, NoteView, ExemptView, AccountView, PassportView],
  })
  class SessionContractModule {}
  return SessionContractModule;
}

/** express-session + Passport sessions on the app and on socket.io's engine (a custom IoAdapter). */
export function useSessions(app: INestApplication): void {
  const passport = new Passport();
  passport.serializeUser((user: any, done) => done(null, user.id));
  passport.deserializeUser((id: number, done) => done(null, SESSION_USERS[id] ?? false));
  const middlewares = [
    session({ secret: 'contract-secret', resave: false, saveUninitialized: false }),
    passport.initialize(),
    passport.session(),
  ] as Array<(req: any, res: any, next: (err?: unknown) => void) => void>;
  for (const m of middlewares) app.use(m);
  class SessionIoAdapter extends IoAdapter {
    override createIOServer(port: number, options?: any): any {
      const server = super.createIOServer(port, options);
      for (const m of middlewares) server.engine.use(m);
      return server;
    }
  }
  app.useWebSocketAdapter(new SessionIoAdapter(app));
}
