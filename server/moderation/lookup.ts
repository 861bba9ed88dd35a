// What moderation routes look up from the address: a post or member the reader may see, or a 404.
import type { Request } from 'express';
import type { Db } from '../db/client.ts';
import { canSeeForum, canSeeHiddenPost, canSeeProfile } from '../access.ts';
import { findUserByName, type User } from '../accounts/accounts.service.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { findPost } from '../forums/threads.service.ts';
import { postPath } from '../forums/forums.queries.ts';
import { idParam, textParam } from '../web/params.ts';
import type { Found } from './moderation.service.ts';

/** A post the reader may see at all: a waiting one, or one in a removed conversation, only for its author and moderators. */
export async function visiblePost(db: Db, req: Request): Promise<Found> {
  const found = await findPost(db, idParam(req), req.user?.id);
  if (!found || !canSeeForum(req.user, found.forum) || found.post.deletedAt) throw new NotFoundError();
  if ((found.post.heldAt || found.thread.heldAt || found.thread.removedAt) && !canSeeHiddenPost(req.user, found.forum, found.post)) throw new NotFoundError();
  return found;
}

export async function visibleMember(db: Db, req: Request): Promise<User> {
  const member = await findUserByName(db, textParam(req, 'username'));
  if (!member || !canSeeProfile(req.user, member)) throw new NotFoundError();
  return member;
}

export function refuse(result: { reason: string }): never {
  throw result.reason === 'forbidden' ? new ForbiddenError() : new NotFoundError();
}

export function postUrl(found: Found): string {
  return postPath(found.thread, found.post.number);
}
