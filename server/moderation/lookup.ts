// What moderation routes look up from the address: a post or member the reader may see, or a 404.
import type { Request } from 'express';
import type { Db } from '../db/client.ts';
import { canSeeProfile, postShownTo } from '../access.ts';
import { findUserByName, type User } from '../accounts/accounts.service.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { findPost } from '../forums/threads.service.ts';
import { paths } from '../paths.ts';
import { idParam, textParam } from '../web/params.ts';
import type { Found } from './moderation.service.ts';

/** A post whose words the reader may see (postShownTo): reports and moderators' actions are about those. */
export async function visiblePost(db: Db, req: Request): Promise<Found> {
  const found = await findPost(db, idParam(req), req.user?.id);
  if (!found || postShownTo(req.user, found.forum, found.thread, found.post) !== 'words') throw new NotFoundError();
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
  return paths.postInThread(found.thread, found.post.number);
}
