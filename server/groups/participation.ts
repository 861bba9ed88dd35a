// Keeps group_participations true to the member rows: called after a row is made or changed, and
// before one is deleted. A participant named peer leader ends one stretch and starts another.
import { and, eq, inArray, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { groupMembers, groupParticipations } from './groups.tables.ts';

const today = () => new Date().toISOString().slice(0, 10);

async function end(db: DatabaseLike, ids: string[]): Promise<void> {
  if (ids.length) await db.update(groupParticipations).set({ endedOn: today() }).where(and(inArray(groupParticipations.id, ids), isNull(groupParticipations.endedOn)));
}

/** After a member row was made or changed: an accepted person has an open stretch in their role, anyone else none. */
export async function settleParticipation(db: DatabaseLike, groupId: string, userId: string): Promise<void> {
  const [row] = await db
    .select({ status: groupMembers.status, role: groupMembers.role, participationId: groupMembers.participationId, current: groupParticipations })
    .from(groupMembers)
    .leftJoin(groupParticipations, eq(groupParticipations.id, groupMembers.participationId))
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  if (!row) return;
  const open = row.current && !row.current.endedOn ? row.current : null;
  if (row.status === 'accepted' && open?.role === row.role) return;
  if (open) await end(db, [open.id]);
  if (row.status !== 'accepted') {
    if (row.participationId) await db.update(groupMembers).set({ participationId: null }).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
    return;
  }
  const [started] = await db.insert(groupParticipations).values({ groupId, role: row.role, startedOn: today() }).returning({ id: groupParticipations.id });
  await db.update(groupMembers).set({ participationId: started!.id }).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
}

/** Before member rows are deleted (leaving, a deleted account): their stretches end, nameless. */
export async function endParticipations(db: DatabaseLike, rows: SQL): Promise<void> {
  const ids = await db.select({ id: groupMembers.participationId }).from(groupMembers).where(and(rows, isNotNull(groupMembers.participationId)));
  await end(db, ids.map((row) => row.id!));
}
