// Joining and leaving groups, asking to join closed ones, and facilitators' answers.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { forgetComing } from './attendance.service.ts';
import { endParticipations, settleParticipation } from './participation.ts';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { users } from '../accounts/accounts.tables.ts';
import { canManageGroup } from '../access.ts';
import { notifyGroup } from '../notifications/notifications.service.ts';
import { parseForm, type Invalid } from '../validation.ts';
import { groupMembers, type MemberStatus } from './groups.tables.ts';
import { newFeedToken, relationOf, type Group } from './groups.service.ts';

/** Why a person could not join: each has its own calm sentence on the group page. */
export type JoinRefusal = 'full' | 'notTaking' | 'alreadyIn' | 'alreadyAsked' | 'wrongKind' | 'notPending';
export type Outcome = { ok: true } | { ok: false; kind: 'refused'; reason: JoinRefusal };

const messageForm = z.object({ message: z.string().trim().max(2000, 'errors.group.tooLong').default('') });
const answerForm = z.object({ reply: z.string().trim().max(2000, 'errors.group.tooLong').default('') });

/** Accepted participants, facilitators not counted: capacity is about places in the group. */
export async function participantCount(db: DatabaseLike, groupId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.status, 'accepted'), eq(groupMembers.role, 'participant')));
  return row?.n ?? 0;
}

/** Only groups that meet or are about to start take new people. */
export function takesNewPeople(group: Group): boolean {
  return group.status === 'active' || group.status === 'starting';
}

export async function isFull(db: DatabaseLike, group: Group): Promise<boolean> {
  return group.capacity !== null && (await participantCount(db, group.id)) >= group.capacity;
}

async function facilitatorIds(db: DatabaseLike, groupId: string): Promise<string[]> {
  const rows = await db
    .select({ id: groupMembers.userId })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.role, 'facilitator'), eq(groupMembers.status, 'accepted')));
  return rows.map((r) => r.id);
}

/** Joins an open group at once. */
export async function join(db: DatabaseLike, member: User, group: Group): Promise<Outcome> {
  if (group.joinPolicy !== 'open') return { ok: false, kind: 'refused', reason: 'wrongKind' };
  return db.transaction(async (tx) => {
    const relation = await relationOf(tx, group.id, member.id);
    if (relation?.status === 'accepted') return { ok: false, kind: 'refused', reason: 'alreadyIn' };
    if (!takesNewPeople(group)) return { ok: false, kind: 'refused', reason: 'notTaking' };
    if (await isFull(tx, group)) return { ok: false, kind: 'refused', reason: 'full' };
    await tx
      .insert(groupMembers)
      .values({ groupId: group.id, userId: member.id, status: 'accepted', feedToken: newFeedToken(), decidedAt: new Date() })
      // Joining an open group again starts afresh: an old answer's words no longer apply.
      .onConflictDoUpdate({ target: [groupMembers.groupId, groupMembers.userId], set: { status: 'accepted', reply: '', decidedAt: new Date() } });
    await settleParticipation(tx, group.id, member.id);
    return { ok: true };
  });
}

/** Asks to join a closed group; after a "no" a person may ask again, but one open request at a time. */
export async function ask(db: DatabaseLike, member: User, group: Group, form: unknown): Promise<Outcome | Invalid> {
  if (group.joinPolicy !== 'closed') return { ok: false, kind: 'refused', reason: 'wrongKind' };
  const parsed = parseForm(messageForm, form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const relation = await relationOf(tx, group.id, member.id);
    if (relation?.status === 'accepted') return { ok: false, kind: 'refused', reason: 'alreadyIn' };
    if (relation?.status === 'pending') return { ok: false, kind: 'refused', reason: 'alreadyAsked' };
    if (!takesNewPeople(group)) return { ok: false, kind: 'refused', reason: 'notTaking' };
    if (await isFull(tx, group)) return { ok: false, kind: 'refused', reason: 'full' };
    const message = parsed.value.message;
    await tx
      .insert(groupMembers)
      .values({ groupId: group.id, userId: member.id, status: 'pending', message, feedToken: newFeedToken() })
      .onConflictDoUpdate({ target: [groupMembers.groupId, groupMembers.userId], set: { status: 'pending', message, reply: '', createdAt: new Date(), decidedAt: null } });
    await notifyGroup(tx, member.id, group.id, 'join_request', await facilitatorIds(tx, group.id));
    return { ok: true };
  });
}

/** Takes back an unanswered request, or leaves the group; facilitators are removed by an admin instead. */
export async function leave(db: DatabaseLike, member: User, group: Group): Promise<Outcome> {
  const relation = await relationOf(db, group.id, member.id);
  if (!relation || relation.status === 'declined' || relation.role === 'facilitator') return { ok: false, kind: 'refused', reason: 'notPending' };
  await db.transaction(async (tx) => {
    const row = and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, member.id))!;
    await endParticipations(tx, row);
    await tx.delete(groupMembers).where(row);
    await forgetComing(tx, group.id, member.id, new Date().toISOString().slice(0, 10));
  });
  return { ok: true };
}

/** A facilitator's yes or no to a request, with an optional reply the person sees. */
export async function answer(db: DatabaseLike, facilitator: User, group: Group, userId: string, accept: boolean, form: unknown): Promise<Outcome | Invalid | { ok: false; kind: 'refused'; reason: 'forbidden' }> {
  const parsed = parseForm(answerForm, form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    if (!canManageGroup(facilitator, await relationOf(tx, group.id, facilitator.id))) return { ok: false as const, kind: 'refused' as const, reason: 'forbidden' as const };
    const relation = await relationOf(tx, group.id, userId);
    if (relation?.status !== 'pending') return { ok: false as const, kind: 'refused' as const, reason: 'notPending' as const };
    if (accept && (await isFull(tx, group))) return { ok: false as const, kind: 'refused' as const, reason: 'full' as const };
    const status: MemberStatus = accept ? 'accepted' : 'declined';
    await tx
      .update(groupMembers)
      .set({ status, reply: parsed.value.reply, decidedAt: new Date() })
      .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, userId)));
    await settleParticipation(tx, group.id, userId);
    await notifyGroup(tx, facilitator.id, group.id, accept ? 'join_accepted' : 'join_declined', [userId]);
    return { ok: true as const };
  });
}

export type MemberRow = { userId: string; username: string; displayName: string; role: 'facilitator' | 'participant'; status: MemberStatus; message: string; createdAt: Date };

/** The group's people and open requests, for those who run it. Declined requests are not kept on show. */
export function memberList(db: DatabaseLike, groupId: string): Promise<MemberRow[]> {
  return db
    .select({
      userId: groupMembers.userId,
      username: users.username,
      displayName: users.displayName,
      role: groupMembers.role,
      status: groupMembers.status,
      message: groupMembers.message,
      createdAt: groupMembers.createdAt,
    })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), inArray(groupMembers.status, ['pending', 'accepted']), eq(users.status, 'active')))
    .orderBy(asc(groupMembers.createdAt));
}
