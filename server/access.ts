// Who may see and do what: the one place that decides. Routes, feeds and (later) federation ask here.
import type { NextFunction, Request, Response } from 'express';
import type { User } from './accounts/accounts.service.ts';
import { ForbiddenError } from './errors.ts';

export type Viewer = User | undefined;

export function isSignedIn(viewer: Viewer): viewer is User {
  return viewer?.status === 'active';
}

export function isAdmin(viewer: Viewer): boolean {
  return isSignedIn(viewer) && viewer.role === 'admin';
}

/** Moderators and admins: the approval queue now, reports and the moderation queue later. */
export function isStaff(viewer: Viewer): boolean {
  return isSignedIn(viewer) && (viewer.role === 'admin' || viewer.role === 'moderator');
}

/**
 * Profiles are for the association's own members: a nickname and a short bio are still personal,
 * and health-related context makes even that sensitive.
 */
export function canSeeProfile(viewer: Viewer, profile: User): boolean {
  return isSignedIn(viewer) && (profile.status === 'active' || isStaff(viewer));
}

function signInFirst(req: Request, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
}

export function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (isSignedIn(req.user)) return next();
  signInFirst(req, res);
}

export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  if (!isSignedIn(req.user)) return signInFirst(req, res);
  if (!isStaff(req.user)) throw new ForbiddenError();
  next();
}

export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (!isSignedIn(req.user)) return signInFirst(req, res);
  if (!isAdmin(req.user)) throw new ForbiddenError();
  next();
}
