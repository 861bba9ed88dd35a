import { randomBytes } from 'node:crypto';
import { emit } from '../events.ts';
import { and, asc, count, eq, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import type { DatabaseLike } from '../db/client.ts';
import { users } from '../accounts/accounts.tables.ts';
import { forums, threads } from '../forums/forums.tables.ts';
import type { Forum } from '../forums/forums.service.ts';
import { invalid, parseForm, type Invalid } from '../validation.ts';
import type { GroupRelation } from '../access.ts';
import { groupMembers, groups, groupTopics, meetingChanges } from './groups.tables.ts';
import { changeForm, listingForm } from './listing.ts';
import { upcomingMeetings, weekdayOf, type MeetingChange } from './schedule.ts';
import { meetingCancelled, placesChanged } from './attendance.service.ts';
import { settleParticipation } from './participation.ts';

export type Group = typeof groups.$inferSelect;
export type Topic = typeof groupTopics.$inferSelect;
export type MeetingChangeRow = typeof meetingChanges.$inferSelect;

export function listTopics(db: DatabaseLike): Promise<Topic[]> {
  return db.select().from(groupTopics).orderBy(asc(groupTopics.position), asc(groupTopics.slug));
}

export function topicName(topic: Topic, locale: string, fallback: string): string {
  const names = topic.names as Record<string, string | undefined>;
  return names[locale] || names[fallback] || names.fi || names.en || topic.slug;
}

/** One of this node's own groups (a partner node's group is only ever shown, never managed or joined here). */
export function findGroupBySlug(db: DatabaseLike, slug: string): Promise<Group | undefined> {
  return db.query.groups.findFirst({ where: and(eq(groups.slug, slug.toLowerCase()), isNull(groups.origin)) });
}

/** This node's own groups (not the network's), by name. */
export function ownGroups(db: DatabaseLike): Promise<Group[]> {
  return db.select().from(groups).where(isNull(groups.origin)).orderBy(asc(groups.name));
}

/** A partner node's group, as its node last told it. */
export function findNetworkGroup(db: DatabaseLike, slug: string): Promise<Group | undefined> {
  return db.query.groups.findFirst({ where: and(eq(groups.slug, slug.toLowerCase()), isNotNull(groups.origin)) });
}

export type Relation = NonNullable<GroupRelation> & { reply: string; message: string; feedToken: string };

export async function relationOf(db: DatabaseLike, groupId: string, userId: string | undefined): Promise<Relation | undefined> {
  if (!userId) return undefined;
  const row = await db.query.groupMembers.findFirst({ where: and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)) });
  return row ? { role: row.role, status: row.status, reply: row.reply, message: row.message, feedToken: row.feedToken } : undefined;
}

export function newFeedToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The public forums of this node a group can name as its own (not a followed group elsewhere); with `id`, that one if it is such. */
export function publicForums(db: DatabaseLike, id?: string): Promise<{ id: string; name: string; slug: string }[]> {
  return db
    .select({ id: forums.id, name: forums.name, slug: forums.slug })
    .from(forums)
    .where(and(eq(forums.visibility, 'public'), isNull(forums.iri), id ? eq(forums.id, id) : undefined))
    .orderBy(asc(forums.name));
}

/** The closed group's own discussion space, if it has one. */
export function spaceOf(db: DatabaseLike, groupId: string): Promise<Forum | undefined> {
  return db.query.forums.findFirst({ where: and(eq(forums.groupId, groupId), eq(forums.visibility, 'group')) });
}

async function ensureSpace(db: DatabaseLike, group: Group): Promise<void> {
  if (group.joinPolicy !== 'closed' || (await spaceOf(db, group.id))) return;
  // The group id keeps the space's address stable when the group's own address changes.
  await db.insert(forums).values({ name: group.name, slug: `g-${group.id}`, visibility: 'group', groupId: group.id, categoryId: null });
}

/**
 * Creates or updates a group's listing. A closed group gets its own discussion space. A closed
 * group whose space has conversations never becomes open: anyone could then join and read what
 * was said in confidence.
 */
export async function saveGroup(db: DatabaseLike, id: string | null, form: unknown): Promise<{ ok: true; group: Group } | Invalid> {
  const parsed = parseForm(listingForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const topicIds = [...new Set(input.topicIds)];
  if (topicIds.length) {
    const known = await db.select({ id: groupTopics.id }).from(groupTopics).where(inArray(groupTopics.id, topicIds));
    if (known.length !== topicIds.length) return invalid('topicIds', 'errors.group.topic');
  }
  const taken = await db.query.groups.findFirst({ where: id ? and(eq(groups.slug, input.slug), ne(groups.id, id)) : eq(groups.slug, input.slug) });
  if (taken) return invalid('slug', 'errors.slug.taken');
  if (input.forumId && !(await publicForums(db, input.forumId)).length) return invalid('forumId', 'errors.group.forum');
  const values = {
    ...input,
    topicIds,
    audiences: [...new Set(input.audiences)],
    languages: [...new Set(input.languages)],
    // A group met only in person has no video link, and the other way round: nothing stale lingers.
    municipalityCode: input.inPerson ? input.municipalityCode : null,
    address: input.inPerson ? input.address : '',
    videoUrl: input.remote ? input.videoUrl : '',
    weekday: input.frequency === 'none' ? null : input.weekday,
    monthWeek: input.frequency === 'monthly' ? input.monthWeek : null,
    startTime: input.frequency === 'none' ? null : input.startTime,
  };
  return db.transaction(async (tx) => {
    if (!id) {
      const [group] = await tx.insert(groups).values(values).returning();
      await ensureSpace(tx, group!);
      await refreshMeetings(tx, group!.id);
      await emit(tx, { type: 'group.created', groupId: group!.id });
      return { ok: true as const, group: group! };
    }
    const existing = await tx.query.groups.findFirst({ where: and(eq(groups.id, id), isNull(groups.origin)) });
    if (!existing) return invalid('form', 'errors.group.unknown');
    if (existing.joinPolicy === 'closed' && values.joinPolicy === 'open') {
      const space = await spaceOf(tx, id);
      const [row] = space ? await tx.select({ n: count() }).from(threads).where(eq(threads.forumId, space.id)) : [{ n: 0 }];
      if ((row?.n ?? 0) > 0) return invalid('joinPolicy', 'errors.group.cannotOpen');
    }
    const [group] = await tx
      .update(groups)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(groups.id, id))
      .returning();
    await ensureSpace(tx, group!);
    await tx.update(forums).set({ name: group!.name }).where(eq(forums.groupId, id));
    await refreshMeetings(tx, id);
    // More places per meeting (or no limit any more): those waiting move up.
    const morePlaces = existing.meetingCapacity !== null && (group!.meetingCapacity === null || group!.meetingCapacity > existing.meetingCapacity);
    if (morePlaces) await placesChanged(tx, id, new Date().toISOString().slice(0, 10));
    // A listing that pauses or ends says so; anything else is a change to it.
    const paused = group!.status === 'paused' && existing.status !== 'paused';
    const ended = group!.status === 'ended' && existing.status !== 'ended';
    await emit(tx, { type: ended ? 'group.ended' : paused ? 'group.paused' : 'group.changed', groupId: id });
    return { ok: true as const, group: group! };
  });
}

export async function listFacilitators(db: DatabaseLike, groupId: string): Promise<{ id: string; username: string; displayName: string }[]> {
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.role, 'facilitator'), eq(users.status, 'active')))
    .orderBy(asc(users.displayName));
}

/** Names an active member as facilitator; a participant keeps their place and gains the role. */
export async function addFacilitator(db: DatabaseLike, groupId: string, username: string): Promise<{ ok: true } | Invalid> {
  const user = await db.query.users.findFirst({ where: and(sql`lower(${users.username}) = ${username.trim().toLowerCase()}`, eq(users.status, 'active')) });
  if (!user) return invalid('username', 'errors.group.noSuchMember');
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx
      .insert(groupMembers)
      .values({ groupId, userId: user.id, role: 'facilitator', status: 'accepted', feedToken: newFeedToken(), decidedAt: now })
      .onConflictDoUpdate({ target: [groupMembers.groupId, groupMembers.userId], set: { role: 'facilitator', status: 'accepted', decidedAt: now } });
    await settleParticipation(tx, groupId, user.id);
  });
  return { ok: true };
}

/** The person stays in the group as a participant: they lose the role, not their place. */
export async function removeFacilitator(db: DatabaseLike, groupId: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(groupMembers)
      .set({ role: 'participant' })
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
    await settleParticipation(tx, groupId, userId);
  });
}

export function listChanges(db: DatabaseLike, groupId: string): Promise<MeetingChangeRow[]> {
  return db.select().from(meetingChanges).where(eq(meetingChanges.groupId, groupId)).orderBy(asc(meetingChanges.on));
}

/** Cancelled dates and one-off meetings of many groups at once, for the directory. */
export async function changesOf(db: DatabaseLike, groupIds: string[]): Promise<Map<string, MeetingChange[]>> {
  const byGroup = new Map<string, MeetingChange[]>();
  if (!groupIds.length) return byGroup;
  const rows = await db.select().from(meetingChanges).where(inArray(meetingChanges.groupId, groupIds));
  for (const row of rows) {
    const list = byGroup.get(row.groupId) ?? [];
    list.push(row);
    byGroup.set(row.groupId, list);
  }
  return byGroup;
}

/** A cancelled date or a one-off meeting; `actorId` is the peer leader or admin, named to those a cancelled meeting tells. */
export async function addChange(db: DatabaseLike, groupId: string, form: unknown, actorId: string): Promise<{ ok: true } | Invalid> {
  const parsed = parseForm(changeForm, form);
  if (!parsed.ok) return parsed;
  const { kind, on, startTime, durationMinutes, note } = parsed.value;
  await db.transaction(async (tx) => {
    await tx.insert(meetingChanges).values({ groupId, kind, on, note, startTime: kind === 'extra' ? startTime : null, durationMinutes: kind === 'extra' ? durationMinutes : null });
    if (kind === 'cancelled') await meetingCancelled(tx, groupId, on, actorId);
    await refreshMeetings(tx, groupId);
    await emit(tx, { type: 'group.changed', groupId });
  });
  return { ok: true };
}

export async function removeChange(db: DatabaseLike, groupId: string, id: string, actorId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [removed] = await tx.delete(meetingChanges).where(and(eq(meetingChanges.groupId, groupId), eq(meetingChanges.id, id))).returning();
    // A one-off meeting taken away is a meeting cancelled, for those who were coming.
    if (removed?.kind === 'extra') await meetingCancelled(tx, groupId, removed.on, actorId);
    await refreshMeetings(tx, groupId);
    await emit(tx, { type: 'group.changed', groupId });
  });
}

/** The next meeting and the weekdays of the coming eight weeks' meetings, as the directory stores them. */
export function meetingSummary(group: Group, changes: MeetingChange[], now = new Date()) {
  const soon = upcomingMeetings(group, changes, now, { limit: 20, until: new Date(now.getTime() + 8 * 7 * 86_400_000) });
  const next = soon[0] ?? upcomingMeetings(group, changes, now, { limit: 1 })[0];
  return {
    nextMeetingAt: next?.start ?? null,
    nextMeetingEndsAt: next?.end ?? null,
    meetingWeekdays: [...new Set(soon.map(weekdayOf))].sort(),
  };
}

/** Stores a group's meeting summary again, after its schedule or its changes changed. */
export async function refreshMeetings(db: DatabaseLike, groupId: string, now = new Date()): Promise<void> {
  const group = await db.query.groups.findFirst({ where: eq(groups.id, groupId) });
  if (!group) return;
  await db.update(groups).set(meetingSummary(group, await listChanges(db, groupId), now)).where(eq(groups.id, groupId));
}

/** Moves on the groups whose next meeting has ended; any process may do it, the result is the same. */
export async function refreshPassedMeetings(db: DatabaseLike, now = new Date()): Promise<void> {
  const passed = await db
    .select()
    .from(groups)
    .where(and(ne(groups.status, 'ended'), isNotNull(groups.nextMeetingEndsAt), lte(groups.nextMeetingEndsAt, now)));
  if (!passed.length) return;
  const changes = await changesOf(db, passed.map((g) => g.id));
  for (const group of passed) {
    await db.update(groups).set(meetingSummary(group, changes.get(group.id) ?? [], now)).where(eq(groups.id, group.id));
  }
}
