// What a member does about moderation for themselves: muting someone, reading the moderators' messages.
import { and, desc, eq, isNull } from 'drizzle-orm';
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

/** The moderators' messages to the member, newest first; reading them marks them read. */
export async function readModeratorMessages(db: DatabaseLike, memberId: string) {
  const messages = await db.select().from(moderatorMessages).where(eq(moderatorMessages.userId, memberId)).orderBy(desc(moderatorMessages.createdAt));
  await db.update(moderatorMessages).set({ readAt: new Date() }).where(and(eq(moderatorMessages.userId, memberId), isNull(moderatorMessages.readAt)));
  return messages;
}
