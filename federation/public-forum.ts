import type { AppContext } from '../server/context.ts';
import { isPublicForum } from '../server/access.ts';
import { findForumBySlug, type Forum } from '../server/forums/forums.service.ts';

/** A public forum of ours by its actor identifier (its slug), or nothing for anything that is not public. */
export async function publicForum(context: AppContext, identifier: string): Promise<Forum | undefined> {
  const forum = await findForumBySlug(context.database.db, identifier);
  // A group elsewhere that members follow is kept here, but it is that server's actor, not ours.
  return forum && isPublicForum(forum) && !forum.iri ? forum : undefined;
}
