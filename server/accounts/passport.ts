import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Db } from '../db/client.ts';
import type { Request } from 'express';
import { authenticate, findSignedInUser, type SignInResult, type User } from './accounts.service.ts';
import { userReadWithSession } from './session-store.ts';

/** The member's unread notices before visibility rules, when read with their session (0: the header needs no count). */
const unreadBeforeRules = new WeakMap<User, number>();
export const knownNoUnread = (user: User): boolean => unreadBeforeRules.get(user) === 0;

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
  passport.deserializeUser<string, Request>((req, id, done) => {
    const read = userReadWithSession(req.session, id);
    if (read) {
      unreadBeforeRules.set(read.user, read.unread);
      return done(null, read.user.status === 'active' ? read.user : false);
    }
    findSignedInUser(db, id)
      .then((user) => done(null, user ?? false))
      .catch(done);
  });
  return passport;
}
