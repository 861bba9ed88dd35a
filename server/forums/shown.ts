// What everyone may see of threads and posts: not waiting for a moderator and not removed by one.
// (Their authors and moderators see more; the thread page decides that through access.ts.)
import { and, eq, isNull, or, type SQL } from 'drizzle-orm';
import { posts, threads } from './forums.tables.ts';

export const shownThread = and(isNull(threads.heldAt), isNull(threads.removedAt))!;
export const shownPost = and(isNull(posts.heldAt), isNull(posts.removedAt))!;

/** Threads in a list: the shown ones, and the reader's own waiting or removed ones; moderators see all. */
export function threadsListedFor(readerId: string | undefined, moderates: boolean): SQL | undefined {
  if (moderates) return undefined;
  return readerId ? or(shownThread, eq(threads.authorId, readerId)) : shownThread;
}
