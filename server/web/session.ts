import type { Request } from 'express';
import type { User } from '../accounts/accounts.service.ts';

/** Passport's login, as a promise (it also starts a fresh session, against session fixation). */
export function signIn(req: Request, user: User): Promise<void> {
  return new Promise((resolve, reject) => req.login(user, (error) => (error ? reject(error) : resolve())));
}

export function signOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.logout((error) => (error ? reject(error) : resolve())));
}
