// Watching and muting: a conversation's writer watches it unless they say otherwise; anyone may
// watch or mute a conversation or a forum. The notices follow (notifications/subscribers.ts).
import { and, eq, inArray, ne, or } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { forumWatches, threadWatches, watchLevels, type WatchLevel } from './forums.tables.ts';

export function isWatchLevel(value: unknown): value is WatchLevel {
  return typeof value === 'string' && (watchLevels as readonly string[]).includes(value);
}

/** The member's level for a conversation: their own choice (findThread reads it), or watching what they started. */
export function threadWatchLevel(userId: string, thread: { authorId: string }, choice: WatchLevel | null): WatchLevel {
  return choice ?? (thread.authorId === userId ? 'watching' : 'normal');
}

export async function forumWatchLevel(db: DatabaseLike, userId: string, forumId: string): Promise<WatchLevel> {
  const row = await db.query.forumWatches.findFirst({ where: and(eq(forumWatches.userId, userId), eq(forumWatches.forumId, forumId)) });
  return row?.level ?? 'normal';
}

export async function setThreadWatch(db: DatabaseLike, userId: string, threadId: string, level: WatchLevel): Promise<void> {
  await db.insert(threadWatches).values({ userId, threadId, level }).onConflictDoUpdate({ target: [threadWatches.userId, threadWatches.threadId], set: { level } });
}

export async function setForumWatch(db: DatabaseLike, userId: string, forumId: string, level: WatchLevel): Promise<void> {
  if (level === 'normal') {
    await db.delete(forumWatches).where(and(eq(forumWatches.userId, userId), eq(forumWatches.forumId, forumId)));
    return;
  }
  await db.insert(forumWatches).values({ userId, forumId, level }).onConflictDoUpdate({ target: [forumWatches.userId, forumWatches.forumId], set: { level } });
}

/** Who watches a conversation: those who chose to, and its writer unless they chose otherwise. */
export async function threadWatchers(db: DatabaseLike, thread: { id: string; authorId: string }): Promise<string[]> {
  const rows = await db
    .select({ userId: threadWatches.userId, level: threadWatches.level })
    .from(threadWatches)
    .where(and(eq(threadWatches.threadId, thread.id), or(eq(threadWatches.level, 'watching'), eq(threadWatches.userId, thread.authorId))));
  const writerChose = rows.some((row) => row.userId === thread.authorId);
  const watching = rows.filter((row) => row.level === 'watching').map((row) => row.userId);
  return writerChose ? watching : [...watching, thread.authorId];
}

export async function forumWatchers(db: DatabaseLike, forumId: string): Promise<string[]> {
  const rows = await db.select({ userId: forumWatches.userId }).from(forumWatches).where(and(eq(forumWatches.forumId, forumId), eq(forumWatches.level, 'watching')));
  return rows.map((row) => row.userId);
}

/** Of these people, those who muted the conversation or its forum: they hear nothing of it. */
export async function mutedAmong(db: DatabaseLike, userIds: string[], place: { threadId: string; forumId: string; authorId: string }): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const inThread = await db
    .select({ userId: threadWatches.userId })
    .from(threadWatches)
    .where(and(eq(threadWatches.threadId, place.threadId), eq(threadWatches.level, 'muted'), inArray(threadWatches.userId, userIds)));
  // A muted forum is quiet, but for conversations the member started there or chose otherwise for.
  const inForum = await db
    .select({ userId: forumWatches.userId })
    .from(forumWatches)
    .where(and(eq(forumWatches.forumId, place.forumId), eq(forumWatches.level, 'muted'), inArray(forumWatches.userId, userIds)));
  const chosenHere = inForum.length
    ? await db
        .select({ userId: threadWatches.userId })
        .from(threadWatches)
        .where(and(eq(threadWatches.threadId, place.threadId), ne(threadWatches.level, 'muted'), inArray(threadWatches.userId, inForum.map((row) => row.userId))))
    : [];
  const overridden = new Set([...chosenHere.map((row) => row.userId), place.authorId]);
  return new Set([...inThread.map((row) => row.userId), ...inForum.map((row) => row.userId).filter((id) => !overridden.has(id))]);
}
