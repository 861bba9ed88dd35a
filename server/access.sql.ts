// The SQL twin of access.ts: the same decisions as conditions, for lists, search, feeds,
// notifications, counts and the queue, where rows are chosen by the database. Every function here
// answers the question of the access.ts function it names, and test/unit/access.test.ts builds
// every case and asks both. Nothing outside these two files decides who may read what.
import { and, eq, inArray, isNull, ne, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { users } from './accounts/accounts.tables.ts';
import { forums, posts, threads } from './forums/forums.tables.ts';
import { moderationLog } from './moderation/moderation.tables.ts';
import { isAdmin, isSignedIn, isStaff, visibleForumKinds, type Viewer } from './access.ts';

const always = sql<boolean>`true`;
const never = sql<boolean>`false`;

/** True when the user is an accepted participant or facilitator of the forum's group (ForumAccess.inGroup). */
export function inGroupOf(userId: string | Placeholder | undefined): SQL<boolean> {
  if (!userId) return never;
  // Names are written out: Drizzle leaves columns unqualified in a one-table select, and an
  // unqualified group_id inside the subquery would mean the member row's own column.
  return sql<boolean>`exists (select 1 from "group_members" gm where gm."group_id" = "forums"."group_id" and gm."user_id" = ${userId} and gm."status" = 'accepted')`;
}

/** canSeeForum: the forums whose conversations this viewer may read. */
export function forumReadableBy(viewer: Viewer): SQL {
  const listed = inArray(forums.visibility, visibleForumKinds(viewer));
  if (!isSignedIn(viewer)) return listed;
  if (isAdmin(viewer)) return or(listed, eq(forums.visibility, 'group'))!;
  return or(listed, and(eq(forums.visibility, 'group'), inGroupOf(viewer.id)))!;
}

/** isForumListed: the forums on the forum index (a closed group's space is found through its group). */
export function forumListedFor(viewer: Viewer): SQL {
  return inArray(forums.visibility, visibleForumKinds(viewer));
}

/** isLive, for threads and posts: not deleted, not waiting for a moderator, not removed by one. */
export const liveThread = and(isNull(threads.deletedAt), isNull(threads.heldAt), isNull(threads.removedAt))!;
export const livePost = and(isNull(posts.deletedAt), isNull(posts.heldAt), isNull(posts.removedAt))!;

/** The author's own, or (for staff, in a forum they may read) anyone's: who sees what waits or was removed. */
function ownOrStaff(viewer: Viewer, authorId: typeof threads.authorId | typeof posts.authorId): SQL {
  if (!isSignedIn(viewer)) return never;
  return isStaff(viewer) ? always : eq(authorId, viewer.id);
}

/** canReadThread, given that the forum is readable: a deleted conversation for moderators, a waiting or removed one also for its author. */
export function threadReadableInForum(viewer: Viewer): SQL {
  return and(
    or(isNull(threads.deletedAt), isStaff(viewer) ? always : never),
    or(and(isNull(threads.heldAt), isNull(threads.removedAt)), ownOrStaff(viewer, threads.authorId)),
  )!;
}

/** canReadThread. */
export function threadReadableBy(viewer: Viewer): SQL {
  return and(forumReadableBy(viewer), threadReadableInForum(viewer))!;
}

/** isThreadListed, given that the forum is readable. */
export function threadListedInForum(viewer: Viewer): SQL {
  return and(isNull(threads.deletedAt), threadReadableInForum(viewer))!;
}

/** isThreadListed: a forum's list of conversations (never deleted ones, even for moderators). */
export function threadListedFor(viewer: Viewer): SQL {
  return and(forumReadableBy(viewer), threadListedInForum(viewer))!;
}

/** postShownTo, given that the thread is readable: 'words', 'place' (deleted, or removed for others) or 'none' (waiting, for others). */
export function postShownInThread(viewer: Viewer): SQL<PostShownSql> {
  const mayHidden = ownOrStaff(viewer, posts.authorId);
  return sql<PostShownSql>`case
    when ${posts.heldAt} is not null and not (${mayHidden}) then 'none'
    when ${posts.deletedAt} is not null then 'place'
    when ${posts.removedAt} is not null and not (${mayHidden}) then 'place'
    else 'words' end`;
}
type PostShownSql = 'words' | 'place' | 'none';

/** postShownTo. */
export function postShownTo(viewer: Viewer): SQL<PostShownSql> {
  return sql<PostShownSql>`case when ${threadReadableBy(viewer)} then ${postShownInThread(viewer)} else 'none' end`;
}

/** isListed: out in the open where this viewer reads; what search, notifications and counts draw from. */
export function postListedFor(viewer: Viewer): SQL {
  return and(forumReadableBy(viewer), liveThread, livePost)!;
}

/** isPublic but for its author: a live post in a live conversation of a public forum (what peers hold copies of). */
export const publicWherever = and(eq(forums.visibility, 'public'), liveThread, livePost)!;

/** isPublic: what may leave the node (feeds, federation). */
export const publicPost = and(publicWherever, sql`exists (select 1 from "users" pa where pa."id" = ${posts.authorId} and pa."status" <> 'deleted')`)!;

/** canModerateMember: the members (rows of users) this moderator may act on. */
export function memberModeratableBy(moderator: Viewer): SQL {
  if (!isStaff(moderator)) return never;
  return and(ne(users.id, moderator!.id), isAdmin(moderator) ? undefined : eq(users.role, 'member'))!;
}

/** The published moderation log leaves out anything done in a closed group's space: what is said there stays there. */
export const logEntryPublished = sql`(${moderationLog.threadId} is null or ${forums.visibility} <> 'group')`;

// "deleted member" is decided here, once, for every place that shows an author: a deleted
// account's name is never read out of the database, whatever page or feed asks.
export function authorNameOf(author: { status: AnyPgColumn; displayName: AnyPgColumn }): SQL<string | null> {
  return sql<string | null>`case when ${author.status} = 'deleted' then null else ${author.displayName} end`;
}
export const authorName = authorNameOf(users);
export function authorUsernameOf(author: { status: AnyPgColumn; username: AnyPgColumn }): SQL<string | null> {
  return sql<string | null>`case when ${author.status} = 'deleted' then null else ${author.username} end`;
}
export const authorUsername = authorUsernameOf(users);

/**
 * canQuote, for a quote shown under a reply: the source's words only while it is out in the
 * open; otherwise what became of it ('unavailable' while it waits for a moderator again).
 */
export function quoteStateOf(source: { deletedAt: AnyPgColumn; removedAt: AnyPgColumn; heldAt: AnyPgColumn }): SQL<'shown' | 'removed' | 'deleted' | 'unavailable'> {
  return sql`case when ${source.deletedAt} is not null then 'deleted' when ${source.removedAt} is not null then 'removed' when ${source.heldAt} is not null then 'unavailable' else 'shown' end`;
}
