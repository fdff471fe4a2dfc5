import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { SampleUser } from './sample-user.model.js';
import type { UserRepository } from './user.repository.js';

/** DI token of the app's own Passport instance (type: `passport.Authenticator`). */
export const SamplePassport = Symbol('SamplePassport');

/**
 * A Passport instance of this app (not the process-wide `passport` singleton,
 * so two apps in one process never share strategies or serializers):
 * `local` checks the username and password against the database; the session
 * stores the user id and reloads the user on every request, so permission
 * changes apply at once.
 */
export function createSamplePassport(users: UserRepository): passport.Authenticator {
  const instance = new passport.Passport();
  instance.use(
    'local',
    new LocalStrategy((username, password, done) => {
      users.verifyCredentials(username, password).then((user) => done(null, user ?? false), done);
    }),
  );
  instance.serializeUser((user, done) => done(null, (user as SampleUser).id));
  instance.deserializeUser((id: number, done) => {
    users.findById(id).then((user) => done(null, user ?? false), done);
  });
  return instance;
}
