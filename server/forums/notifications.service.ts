import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { notifications, notificationSettings, notificationKinds, posts, threads, type NotificationKind } from './forums.tables.ts';
import { authorName } from './authors.ts';

export type NotificationPreferences = Record<NotificationKind, boolean>;
const defaults: NotificationPreferences = { reply: true, quote: true, mention: true, reaction: true };

export async function getPreferences(db: DatabaseLike, userId: string): Promise<NotificationPreferences> {
  const row = await db.query.notificationSettings.findFirst({ where: eq(notificationSettings.userId, userId) });
  return row ? { reply: row.reply, quote: row.quote, mention: row.mention, reaction: row.reaction } : { ...defaults };
}

export async function savePreferences(db: DatabaseLike, userId: string, form: Record<string, unknown>): Promise<void> {
  const chosen = Object.fromEntries(notificationKinds.map((kind) => [kind, form[kind] === 'on'])) as NotificationPreferences;
  await db.insert(notificationSettings).values({ userId, ...chosen }).onConflictDoUpdate({ target: notificationSettings.userId, set: chosen });
}

export type Notice = { userId: string; kind: NotificationKind };

/**
 * Records notifications for a post, in the writer's transaction. Nobody is told of their own
 * doing, each person gets one notice per post (a reply that also quotes them is a quote), and
 * kinds a person switched off are skipped.
 */
export async function notify(db: DatabaseLike, actorId: string, postId: string, notices: Notice[]): Promise<void> {
  const strongest = new Map<string, NotificationKind>();
  const rank: Record<NotificationKind, number> = { mention: 3, quote: 2, reply: 1, reaction: 0 };
  for (const { userId, kind } of notices) {
    if (userId === actorId) continue;
    const current = strongest.get(userId);
    if (!current || rank[kind] > rank[current]) strongest.set(userId, kind);
  }
  if (!strongest.size) return;
  const ids = [...strongest.keys()];
  const [settings, active] = await Promise.all([
    db.select().from(notificationSettings).where(inArray(notificationSettings.userId, ids)),
    db.select({ id: users.id }).from(users).where(and(inArray(users.id, ids), eq(users.status, 'active'))),
  ]);
  const activeIds = new Set(active.map((u) => u.id));
  const wanted = [...strongest].filter(([userId, kind]) => {
    if (!activeIds.has(userId)) return false;
    const row = settings.find((s) => s.userId === userId);
    return row ? row[kind] : defaults[kind];
  });
  if (!wanted.length) return;
  await db
    .insert(notifications)
    .values(wanted.map(([userId, kind]) => ({ userId, kind, postId, actorId })))
    .onConflictDoNothing();
}

/** Takes back a reaction's notice if it has not been read yet. */
export async function withdrawReactionNotice(db: DatabaseLike, actorId: string, postId: string): Promise<void> {
  await db
    .delete(notifications)
    .where(and(eq(notifications.actorId, actorId), eq(notifications.postId, postId), eq(notifications.kind, 'reaction'), isNull(notifications.readAt)));
}

export async function unreadCount(db: DatabaseLike, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export type NotificationItem = {
  ids: string[];
  kind: NotificationKind;
  /** Null for a deleted member. */
  actors: (string | null)[];
  threadId: string;
  threadTitle: string;
  postId: string;
  unread: boolean;
  createdAt: Date;
};

/**
 * The latest notifications, reactions to the same post grouped into one line
 * ("Sini and 2 others sent strength"). Deleted posts and threads drop out.
 */
export async function listNotifications(db: Db, userId: string): Promise<NotificationItem[]> {
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      postId: notifications.postId,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      actor: authorName,
      threadId: threads.id,
      threadTitle: threads.title,
    })
    .from(notifications)
    .innerJoin(posts, eq(posts.id, notifications.postId))
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(users, eq(users.id, notifications.actorId))
    .where(and(eq(notifications.userId, userId), isNull(posts.deletedAt), isNull(threads.deletedAt)))
    .orderBy(desc(notifications.createdAt))
    .limit(100);
  const items: NotificationItem[] = [];
  const reactionGroups = new Map<string, NotificationItem>();
  for (const row of rows) {
    const group = row.kind === 'reaction' ? reactionGroups.get(row.postId) : undefined;
    if (group) {
      group.ids.push(row.id);
      group.actors.push(row.actor);
      group.unread ||= row.readAt === null;
      continue;
    }
    const item: NotificationItem = {
      ids: [row.id],
      kind: row.kind,
      actors: [row.actor],
      threadId: row.threadId,
      threadTitle: row.threadTitle,
      postId: row.postId,
      unread: row.readAt === null,
      createdAt: row.createdAt,
    };
    if (row.kind === 'reaction') reactionGroups.set(row.postId, item);
    items.push(item);
  }
  return items;
}

/** Marks one notification (and its group) read and says which post it is about. */
export async function openNotification(db: Db, userId: string, id: string): Promise<string | null> {
  const row = await db.query.notifications.findFirst({ where: and(eq(notifications.id, id), eq(notifications.userId, userId)) });
  if (!row) return null;
  const sameGroup = row.kind === 'reaction' ? and(eq(notifications.postId, row.postId), eq(notifications.kind, 'reaction')) : eq(notifications.id, id);
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), sameGroup, isNull(notifications.readAt)));
  return row.postId;
}

export async function markAllRead(db: DatabaseLike, userId: string): Promise<void> {
  await db.update(notifications).set({ readAt: new Date() }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
}
