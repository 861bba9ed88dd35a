// "I'm coming" to one meeting. When a group has places per meeting, those past the limit wait in
// the order they marked, and the first of them moves up (and is told) when someone cancels. A
// cancelled meeting tells those who were coming. Past meetings keep their marks: the association's
// yearly figures count them.
import { and, asc, count, eq, gte, inArray, sql } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { users } from '../accounts/accounts.tables.ts';
import { notifyMeeting } from '../notifications/notifications.service.ts';
import { groups, meetingAttendance, type AttendanceStatus } from './groups.tables.ts';
import { listChanges, type Group } from './groups.service.ts';
import { upcomingMeetings, type Meeting } from './schedule.ts';

/** How far ahead a meeting can be marked: the dates a group page lists reach about this far. */
const markAheadDays = 120;

export type Attendance = {
  coming: number;
  waiting: number;
  /** The viewer's own mark, and their place in the waiting list (1 = next). */
  mine: AttendanceStatus | null;
  place: number | null;
  /** Names, for those who run the group (empty otherwise). */
  names: { coming: string[]; waiting: string[] };
};

export type MarkOutcome = { ok: true; status: AttendanceStatus } | { ok: false; reason: 'noMeeting' };

/** The meeting on that date, if it is still to come (not cancelled, not started). */
async function comingMeeting(db: DatabaseLike, group: Group, on: string, now = new Date()): Promise<Meeting | undefined> {
  const meetings = upcomingMeetings(group, await listChanges(db, group.id), now, { limit: 200, until: new Date(now.getTime() + markAheadDays * 86_400_000) });
  return meetings.find((meeting) => meeting.on === on && meeting.start > now);
}

/** One mark at a time per group: the count and the waiting list are read and changed together. */
async function lockGroup(db: DatabaseLike, groupId: string): Promise<number | null> {
  const [row] = await db.select({ capacity: groups.meetingCapacity }).from(groups).where(eq(groups.id, groupId)).for('update');
  return row?.capacity ?? null;
}

export async function markComing(db: DatabaseLike, member: User, group: Group, on: string): Promise<MarkOutcome> {
  if (!(await comingMeeting(db, group, on))) return { ok: false, reason: 'noMeeting' };
  return db.transaction(async (tx) => {
    const capacity = await lockGroup(tx, group.id);
    const mine = await tx.query.meetingAttendance.findFirst({ where: and(eq(meetingAttendance.groupId, group.id), eq(meetingAttendance.on, on), eq(meetingAttendance.userId, member.id)) });
    if (mine) return { ok: true as const, status: mine.status };
    const [taken] = await tx
      .select({ n: count() })
      .from(meetingAttendance)
      .where(and(eq(meetingAttendance.groupId, group.id), eq(meetingAttendance.on, on), eq(meetingAttendance.status, 'coming')));
    const status: AttendanceStatus = capacity !== null && (taken?.n ?? 0) >= capacity ? 'waiting' : 'coming';
    await tx.insert(meetingAttendance).values({ groupId: group.id, on, userId: member.id, status });
    return { ok: true as const, status };
  });
}

/** Takes the mark back; a freed place goes to the first who waits, who is told. */
export async function cancelComing(db: DatabaseLike, member: User, group: Group, on: string): Promise<void> {
  await db.transaction(async (tx) => {
    const capacity = await lockGroup(tx, group.id);
    const [removed] = await tx
      .delete(meetingAttendance)
      .where(and(eq(meetingAttendance.groupId, group.id), eq(meetingAttendance.on, on), eq(meetingAttendance.userId, member.id)))
      .returning();
    if (removed?.status === 'coming') await fillPlaces(tx, group.id, on, capacity);
  });
}

/** Moves people up from the waiting list while there are places, and tells each of them. */
async function fillPlaces(db: DatabaseLike, groupId: string, on: string, capacity: number | null): Promise<void> {
  const here = and(eq(meetingAttendance.groupId, groupId), eq(meetingAttendance.on, on));
  const [taken] = await db.select({ n: count() }).from(meetingAttendance).where(and(here, eq(meetingAttendance.status, 'coming')));
  const free = capacity === null ? Number.POSITIVE_INFINITY : capacity - (taken?.n ?? 0);
  if (free <= 0) return;
  const waiting = await db
    .select({ userId: meetingAttendance.userId })
    .from(meetingAttendance)
    .where(and(here, eq(meetingAttendance.status, 'waiting')))
    .orderBy(asc(meetingAttendance.createdAt))
    .limit(Number.isFinite(free) ? free : 10_000);
  if (!waiting.length) return;
  const ids = waiting.map((row) => row.userId);
  await db.update(meetingAttendance).set({ status: 'coming' }).where(and(here, inArray(meetingAttendance.userId, ids)));
  // Nobody is named as the one who freed the place: each notice is the person's own.
  for (const id of ids) await notifyMeeting(db, id, groupId, on, 'meeting_place', [id]);
}

/** After the places per meeting grew (or the limit was taken away), the waiting lists of coming meetings move up. */
export async function placesChanged(db: DatabaseLike, groupId: string, today: string): Promise<void> {
  const capacity = await lockGroup(db, groupId);
  const dates = await db
    .selectDistinct({ on: meetingAttendance.on })
    .from(meetingAttendance)
    .where(and(eq(meetingAttendance.groupId, groupId), eq(meetingAttendance.status, 'waiting'), gte(meetingAttendance.on, today)));
  for (const { on } of dates) await fillPlaces(db, groupId, on, capacity);
}

/** A meeting was cancelled: those who were coming or waiting are told, and their marks go. */
export async function meetingCancelled(db: DatabaseLike, groupId: string, on: string, actorId: string): Promise<void> {
  const marked = await db
    .delete(meetingAttendance)
    .where(and(eq(meetingAttendance.groupId, groupId), eq(meetingAttendance.on, on)))
    .returning({ userId: meetingAttendance.userId });
  if (marked.length) await notifyMeeting(db, actorId, groupId, on, 'meeting_cancelled', marked.map((row) => row.userId));
}

/** Someone left the group: their marks for meetings still to come go with them. */
export async function forgetComing(db: DatabaseLike, groupId: string, userId: string, today: string): Promise<void> {
  const marks = await db
    .select({ on: meetingAttendance.on })
    .from(meetingAttendance)
    .where(and(eq(meetingAttendance.groupId, groupId), eq(meetingAttendance.userId, userId), gte(meetingAttendance.on, today)));
  const capacity = marks.length ? await lockGroup(db, groupId) : null;
  for (const { on } of marks) {
    const [removed] = await db
      .delete(meetingAttendance)
      .where(and(eq(meetingAttendance.groupId, groupId), eq(meetingAttendance.on, on), eq(meetingAttendance.userId, userId)))
      .returning();
    if (removed?.status === 'coming') await fillPlaces(db, groupId, on, capacity);
  }
}

/** The marks of these meetings: counts for all, the viewer's own, and names when `withNames`. */
export async function attendanceOf(db: DatabaseLike, groupId: string, ons: string[], viewerId: string | undefined, withNames: boolean): Promise<Map<string, Attendance>> {
  const byDate = new Map<string, Attendance>(ons.map((on) => [on, { coming: 0, waiting: 0, mine: null, place: null, names: { coming: [], waiting: [] } }]));
  if (!ons.length) return byDate;
  const rows = await db
    .select({ on: meetingAttendance.on, userId: meetingAttendance.userId, status: meetingAttendance.status, name: sql<string>`coalesce(nullif(${users.displayName}, ''), ${users.username})` })
    .from(meetingAttendance)
    .innerJoin(users, eq(users.id, meetingAttendance.userId))
    .where(and(eq(meetingAttendance.groupId, groupId), inArray(meetingAttendance.on, ons)))
    .orderBy(asc(meetingAttendance.createdAt));
  for (const row of rows) {
    const entry = byDate.get(row.on)!;
    entry[row.status]++;
    if (row.userId === viewerId) {
      entry.mine = row.status;
      if (row.status === 'waiting') entry.place = entry.waiting;
    }
    if (withNames) entry.names[row.status].push(row.name);
  }
  return byDate;
}
