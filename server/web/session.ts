import type { Request, Response } from 'express';
import type { User } from '../accounts/accounts.service.ts';

/** Passport's login, as a promise (it also starts a fresh session, against session fixation). */
export function signIn(req: Request, user: User): Promise<void> {
  // The new session keeps only the text of a form that could not be sent (web/drafts.ts).
  const draft = req.session.draft;
  return new Promise((resolve, reject) =>
    req.login(user, (error) => {
      if (error) return reject(error);
      if (draft) req.session.draft = draft;
      resolve();
    }),
  );
}

export function signOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.logout((error) => (error ? reject(error) : resolve())));
}

/**
 * Stores a one-time notice and redirects once the session is saved. express-session would
 * otherwise send the redirect's headers before its save finishes, and a browser following at
 * once could read the old session (and miss the notice).
 */
export async function saveAndRedirect(req: Request, res: Response, url: string, notice?: string): Promise<void> {
  if (notice) req.session.notice = notice;
  await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
  res.redirect(303, url);
}
