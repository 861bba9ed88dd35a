// What the front page gathers: for a member, their groups and meetings, the conversations with
// something new for them and what waits for them as a peer leader; for a visitor, the meetings
// coming up. Every list asks access.sql.ts who may read what.
import { and, asc, count, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import type { User } from '../accounts/accounts.service.ts';
import { isAdmin } from '../access.ts';
import { authorNameOf, threadListedFor } from '../access.sql.ts';
import { forums, forumWatches, threadReads, threads, threadWatches } from '../forums/forums.tables.ts';
import { groupMembers, groups, meetingAttendance, type AttendanceStatus } from '../groups/groups.tables.ts';
import { changesOf, type Group } from '../groups/groups.service.ts';
import { upcomingMeetings, type Meeting } from '../groups/schedule.ts';
import { alias } from 'drizzle-orm/pg-core';
import { lastAuthor, lastLivePostJoin, lastPost } from '../forums/forums.queries.ts';

const meetingsPerGroup = 3;
const conversationsShown = 10;

export type MyGroup = { group: Group; facilitates: boolean; meetings: (Meeting & { mine: AttendanceStatus | null })[] };

/** The groups the member is in, with their next meetings and the member's own marks. */
export async function myGroups(db: DatabaseLike, member: User, now = new Date()): Promise<MyGroup[]> {
  const rows = await db
    .select({ group: groups, role: groupMembers.role })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(and(eq(groupMembers.userId, member.id), eq(groupMembers.status, 'accepted'), isNull(groups.origin), inArray(groups.status, ['active', 'starting', 'paused'])))
    .orderBy(asc(groups.nextMeetingAt), asc(groups.name));
  if (!rows.length) return [];
  const ids = rows.map((row) => row.group.id);
  const changes = await changesOf(db, ids);
  const marks = await db
    .select({ groupId: meetingAttendance.groupId, on: meetingAttendance.on, status: meetingAttendance.status })
    .from(meetingAttendance)
    .where(and(eq(meetingAttendance.userId, member.id), inArray(meetingAttendance.groupId, ids), gte(meetingAttendance.on, now.toISOString().slice(0, 10))));
  const markOf = (groupId: string, on: string) => marks.find((m) => m.groupId === groupId && m.on === on)?.status ?? null;
  return rows.map(({ group, role }) => ({
    group,
    facilitates: role === 'facilitator',
    meetings: group.status === 'paused' ? [] : upcomingMeetings(group, changes.get(group.id) ?? [], now, { limit: meetingsPerGroup }).map((m) => ({ ...m, mine: markOf(group.id, m.on) })),
  }));
}


/**
 * Conversations with posts the member has not read, among those they take part in (wrote in) or
 * watch; not those they muted, nor those of a forum they muted (unless they chose otherwise for it).
 * The last writer named is of the last post out in the open.
 */
export async function conversationsWithNews(db: DatabaseLike, member: User) {
  const level = sql`coalesce(${threadWatches.level}, case when ${threads.authorId} = ${member.id} then 'watching' end)`;
  const wroteIn = sql`exists (select 1 from "posts" mine where mine."thread_id" = ${threads.id} and mine."author_id" = ${member.id} and mine."deleted_at" is null)`;
  return db
    .select({
      id: threads.id,
      number: threads.number,
      title: threads.title,
      forumName: forums.name,
      postCount: threads.postCount,
      lastPostAt: threads.lastPostAt,
      newPosts: sql<number>`(${threads.postCount} - coalesce(${threadReads.lastReadNumber}, 0))::int`,
      lastAuthor: authorNameOf(lastAuthor),
    })
    .from(threads)
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .leftJoin(threadReads, and(eq(threadReads.threadId, threads.id), eq(threadReads.userId, member.id)))
    .leftJoin(threadWatches, and(eq(threadWatches.threadId, threads.id), eq(threadWatches.userId, member.id)))
    .leftJoin(forumWatches, and(eq(forumWatches.forumId, forums.id), eq(forumWatches.userId, member.id)))
    .leftJoin(lastPost, lastLivePostJoin)
    .leftJoin(lastAuthor, eq(lastAuthor.id, lastPost.authorId))
    .where(
      and(
        threadListedFor(member),
        sql`${threads.postCount} > coalesce(${threadReads.lastReadNumber}, 0)`,
        sql`${threads.lastPostAt} > ${member.createdAt}`,
        sql`(${level} is distinct from 'muted')`,
        sql`(${forumWatches.level} is distinct from 'muted' or ${threadWatches.level} in ('watching', 'normal') or ${threads.authorId} = ${member.id})`,
        sql`(${level} = 'watching' or ${wroteIn})`,
      ),
    )
    .orderBy(desc(threads.lastPostAt))
    .limit(conversationsShown);
}

/** Requests to join waiting for an answer, per group the member runs (an admin runs them all). */
export async function requestsToAnswer(db: DatabaseLike, member: User) {
  const leader = alias(groupMembers, 'leader');
  const pending = and(eq(groupMembers.status, 'pending'), isNull(groups.origin));
  const base = db.select({ slug: groups.slug, name: groups.name, waiting: count() }).from(groupMembers).innerJoin(groups, eq(groups.id, groupMembers.groupId));
  const rows = isAdmin(member)
    ? await base.where(pending).groupBy(groups.id).orderBy(asc(groups.name))
    : await base
        .innerJoin(leader, and(eq(leader.groupId, groups.id), eq(leader.userId, member.id), eq(leader.role, 'facilitator'), eq(leader.status, 'accepted')))
        .where(pending)
        .groupBy(groups.id)
        .orderBy(asc(groups.name));
  return rows;
}

/** The association's own groups meeting next, for visitors: public facts only. */
export function nextPublicMeetings(db: DatabaseLike, now = new Date()) {
  return db
    .select()
    .from(groups)
    .where(and(isNull(groups.origin), inArray(groups.status, ['active', 'starting']), gte(groups.nextMeetingEndsAt, now)))
    .orderBy(asc(groups.nextMeetingAt))
    .limit(5);
}
