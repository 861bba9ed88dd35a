import { and, desc, eq, isNull } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { forums, posts, threads } from './forums.tables.ts';
import { authorName } from './authors.ts';
import { shownPost, shownThread } from './shown.ts';

/** The newest live threads of a public forum with their opening posts; the visibility is checked again here. */
export function latestPublicThreads(db: DatabaseLike, forumId: string) {
  return db
    .select({
      id: threads.id,
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
    .where(and(eq(threads.forumId, forumId), eq(forums.visibility, 'public'), isNull(threads.deletedAt), isNull(posts.deletedAt), shownThread, shownPost))
    .orderBy(desc(threads.createdAt))
    .limit(30);
}
