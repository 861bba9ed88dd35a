import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Db } from '../db/client.ts';
import { authenticate, findSignedInUser, type SignInResult } from './accounts.service.ts';

export type SignInFailure = Exclude<SignInResult, { ok: true }>;

export type Authenticator = InstanceType<typeof Passport>;

/**
 * One Passport per app (not the module's singleton), so two apps in one process keep their own
 * database. The local strategy asks the accounts service; the reason for a refusal travels as "info".
 */
export function configurePassport(db: Db): Authenticator {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'login', passwordField: 'password' }, (login, password, done) => {
      authenticate(db, login, password)
        .then((result) => (result.ok ? done(null, result.user) : done(null, false, result as unknown as { message: string })))
        .catch(done);
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  // A suspended or deleted account loses its sessions at once: it no longer deserialises.
  passport.deserializeUser((id: string, done) => {
    findSignedInUser(db, id)
      .then((user) => done(null, user ?? false))
      .catch(done);
  });
  return passport;
}
