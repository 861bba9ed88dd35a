// The notices a post sends when its readers first see it (replies, quotes, mentions), when it is
// edited (new mentions) and when someone sends it strength: told by the domain's events.
import { eq } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { subscribe } from '../events.ts';
import { posts, threads } from '../forums/forums.tables.ts';
import { renderPost } from '../forums/posting.ts';
import { notify, withdrawReactionNotice, type Notice } from './notifications.service.ts';
import { forumWatchers, threadWatchers } from '../forums/watching.service.ts';

async function mentionsIn(db: DatabaseLike, body: string): Promise<Notice[]> {
  const rendered = await renderPost(db, body);
  return rendered.mentioned.map(({ id }) => ({ userId: id, kind: 'mention' }));
}

export function subscribeNotifications(): void {
  subscribe('notifications: new posts', ['post.published'], async (db, event) => {
    const [row] = await db.select({ post: posts, thread: threads }).from(posts).innerJoin(threads, eq(threads.id, posts.threadId)).where(eq(posts.id, event.postId));
    if (!row) return;
    const quoted = row.post.quotedPostId ? await db.query.posts.findFirst({ where: eq(posts.id, row.post.quotedPostId) }) : undefined;
    // Those who watch: a new conversation for the forum's watchers, a new post for the conversation's
    // (its writer among them, told as a reply).
    const watching: Notice[] =
      row.post.number === 1
        ? (await forumWatchers(db, row.thread.forumId)).map((userId) => ({ userId, kind: 'new_thread' }))
        : (await threadWatchers(db, row.thread)).map((userId) => ({ userId, kind: userId === row.thread.authorId ? 'reply' : 'watched' }));
    await notify(db, row.post.authorId, row.post.id, [
      ...watching,
      ...(quoted ? [{ userId: quoted.authorId, kind: 'quote' as const }] : []),
      ...(await mentionsIn(db, row.post.body)),
    ]);
  });
  subscribe('notifications: edits', ['post.changed'], async (db, event) => {
    const post = await db.query.posts.findFirst({ where: eq(posts.id, event.postId) });
    if (post) await notify(db, event.actorId, post.id, await mentionsIn(db, post.body));
  });
  subscribe('notifications: strength', ['reaction.given', 'reaction.withdrawn'], async (db, event) => {
    if (event.type === 'reaction.given') await notify(db, event.userId, event.postId, [{ userId: event.authorId, kind: 'reaction' }]);
    else await withdrawReactionNotice(db, event.userId, event.postId);
  });
}
