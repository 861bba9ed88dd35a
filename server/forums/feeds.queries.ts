import { and, desc, eq } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { forums, posts, threads } from './forums.tables.ts';
import { authorName, publicPost } from '../access.sql.ts';

/** The newest public threads of a forum with their opening posts: what isPublic lets leave the node. */
export function latestPublicThreads(db: DatabaseLike, forumId: string) {
  return db
    .select({
      id: threads.id,
      number: threads.number,
      title: threads.title,
      createdAt: threads.createdAt,
      bodyHtml: posts.bodyHtml,
      contentWarning: posts.contentWarning,
      authorName,
    })
    .from(threads)
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .innerJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.number, 1)))
    .innerJoin(users, eq(users.id, threads.authorId))
    .where(and(eq(threads.forumId, forumId), publicPost))
    .orderBy(desc(threads.createdAt))
    .limit(30);
}
