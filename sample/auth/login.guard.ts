import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type passport from 'passport';
import { SamplePassport } from './sample-passport.factory.js';

/**
 * Runs Passport's `local` strategy on `POST /login` (JSON `{ username, password }`)
 * and starts a session for the user (`req.logIn`). 401 on bad credentials.
 */
@Injectable()
export class LoginGuard implements CanActivate {
  constructor(@Inject(SamplePassport) private readonly passport: passport.Authenticator) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest();
    const res = http.getResponse();
    return new Promise((resolve, reject) => {
      const authenticate = this.passport.authenticate('local', (err: unknown, user: unknown) => {
        if (err) return reject(err);
        if (!user) return reject(new UnauthorizedException('Invalid username or password.'));
        req.logIn(user, (loginErr: unknown) => (loginErr ? reject(loginErr) : resolve(true)));
      });
      authenticate(req, res, reject);
    });
  }
}
