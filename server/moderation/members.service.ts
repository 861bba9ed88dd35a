// What a member does about moderation for themselves: muting someone, reading and answering the
// moderators' messages; and the moderators' side of those conversations.
import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../accounts/accounts.tables.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { notifyModeration } from '../notifications/notifications.service.ts';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { moderatorMessages, mutes } from './moderation.tables.ts';

/** Mutes or unmutes someone for the member: their posts fold away and their notices stop. Nobody mutes themselves. */
export async function setMuted(db: DatabaseLike, member: Pick<User, 'id'>, other: Pick<User, 'id'>, mute: boolean): Promise<{ ok: true } | { ok: false; kind: 'refused'; reason: 'forbidden' }> {
  if (member.id === other.id) return { ok: false, kind: 'refused', reason: 'forbidden' };
  if (mute) await db.insert(mutes).values({ userId: member.id, mutedId: other.id }).onConflictDoNothing();
  else await db.delete(mutes).where(and(eq(mutes.userId, member.id), eq(mutes.mutedId, other.id)));
  return { ok: true };
}

/** One member's conversation with the moderators, oldest first. */
function conversationOf(db: DatabaseLike, memberId: string) {
  return db
    .select({ id: moderatorMessages.id, body: moderatorMessages.body, fromMember: moderatorMessages.fromMember, createdAt: moderatorMessages.createdAt, readAt: moderatorMessages.readAt })
    .from(moderatorMessages)
    .where(eq(moderatorMessages.userId, memberId))
    .orderBy(asc(moderatorMessages.createdAt));
}

/** The member's conversation with the moderators; reading it marks the moderators' messages read. */
export async function readModeratorMessages(db: DatabaseLike, memberId: string) {
  const messages = await conversationOf(db, memberId);
  await db.update(moderatorMessages).set({ readAt: new Date() }).where(and(eq(moderatorMessages.userId, memberId), eq(moderatorMessages.fromMember, false), isNull(moderatorMessages.readAt)));
  return messages;
}

/** A member's conversation as the moderators read it; a moderator opening it marks the member's answers read. */
export async function readConversationAsStaff(db: DatabaseLike, memberId: string) {
  const messages = await conversationOf(db, memberId);
  await db.update(moderatorMessages).set({ readAt: new Date() }).where(and(eq(moderatorMessages.userId, memberId), eq(moderatorMessages.fromMember, true), isNull(moderatorMessages.readAt)));
  return messages;
}

const answerForm = z.object({ message: z.string().trim().min(1, 'errors.moderation.messageMissing').max(4000, 'errors.moderation.reasonTooLong') });

/**
 * The member answers the moderators. Only an answer: members do not open conversations with
 * the moderators here (they report, or contact the association), nor write to each other.
 * Every moderator is told, and the first to open it reads it for all.
 */
export async function answerModerators(db: DatabaseLike, member: User, form: unknown): Promise<{ ok: true } | Invalid | { ok: false; kind: 'refused'; reason: 'forbidden' }> {
  const [started] = await db.select({ id: moderatorMessages.id }).from(moderatorMessages).where(and(eq(moderatorMessages.userId, member.id), eq(moderatorMessages.fromMember, false))).limit(1);
  if (!started) return { ok: false, kind: 'refused', reason: 'forbidden' };
  const parsed = parseForm(answerForm, form);
  if (!parsed.ok) return parsed;
  await db.transaction(async (tx) => {
    await tx.insert(moderatorMessages).values({ userId: member.id, authorId: member.id, fromMember: true, body: parsed.value.message });
    const staff = await tx.select({ id: users.id }).from(users).where(and(inArray(users.role, ['moderator', 'admin']), eq(users.status, 'active')));
    for (const { id } of staff) await notifyModeration(tx, member.id, id, 'member_answered');
  });
  return { ok: true };
}

/** Conversations with members, those waiting for an answer first, then the latest. */
export async function memberConversations(db: DatabaseLike) {
  const latest = sql<Date>`max(${moderatorMessages.createdAt})`;
  const rows = await db
    .select({
      username: users.username,
      displayName: users.displayName,
      latestAt: latest.mapWith(moderatorMessages.createdAt),
      unread: sql<number>`(count(*) filter (where ${moderatorMessages.fromMember} and ${moderatorMessages.readAt} is null))::int`,
      waiting: sql<boolean>`(array_agg(${moderatorMessages.fromMember} order by ${moderatorMessages.createdAt} desc))[1]`,
    })
    .from(moderatorMessages)
    .innerJoin(users, eq(users.id, moderatorMessages.userId))
    .where(ne(users.status, 'deleted'))
    .groupBy(users.id)
    .orderBy(desc(latest))
    .limit(200);
  return rows.sort((a, b) => Number(b.waiting) - Number(a.waiting));
}
